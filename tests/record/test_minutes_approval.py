"""The secretary writes the minutes (a summary, a note per item) while they are a draft;
the body's next meeting approves them on an item of its agenda, and from then on they
are frozen, their fingerprint in the audit chain. Minutes the next meeting does not
approve go to the one after."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.fixtures.floor import WSM_CHAIR, body, motion_of
from tests.fixtures.people import bearer, person
from voting.core.audit import AuditEvent
from voting.core.columns import utcnow
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.meetings.models import Meeting
from voting.meetings.services import agenda, consensus, meetings
from voting.record import minutes as reading
from voting.record.models import MinutesStatus
from voting.record.services import minutes as service

DELEGATES = ("gal@wsm.example", "lee@wsm.example")


def _schedule(days: int, title: str) -> Meeting:
    return meetings.schedule_meeting(
        person(WSM_CHAIR),
        body("wsm", "delegate-council"),
        title=title,
        scheduled_for=utcnow() + timedelta(days=days),
    )


def _approval_item(meeting: Meeting):  # type: ignore[no-untyped-def]
    return next(i for i in meeting.items if i.title.startswith("Approval of the minutes"))


def _agree(meeting: Meeting, motion, answer: str = "agree") -> None:  # type: ignore[no-untyped-def]
    if meeting.status.value == "scheduled":
        meetings.open_meeting(person(WSM_CHAIR), meeting)
    for email in DELEGATES:
        meetings.check_in(person(email), meeting, meeting.join_code)
    agenda.open_item(person(WSM_CHAIR), motion.item)
    test = consensus.open_test(person(WSM_CHAIR), motion)
    for email in DELEGATES:
        consensus.answer(
            person(email), test, answer, reason="Not as written" if answer == "block" else ""
        )
    consensus.close_test(person(WSM_CHAIR), test)


def test_the_next_meeting_approves_the_minutes_and_they_freeze(wsm, signed_in) -> None:
    item = motion_of(wsm).item
    service.edit(
        person(WSM_CHAIR), wsm, summary="A short council.", notes={item.id: "Housing first."}
    )
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    assert not any(i.title.startswith("Approval") for i in wsm.items)

    following = _schedule(14, "Delegate council, March")
    item = _approval_item(following)
    assert item.position < 0  # before the items submitted to the meeting
    motion = item.motions[0]
    assert "Meeting" in motion.text and "true record" in motion.text
    written = service.minutes_of(wsm)
    assert written.approval_motion_id == motion.id
    assert written.status is MinutesStatus.DRAFT

    # Corrected at the meeting, before the decision.
    service.edit(person(WSM_CHAIR), wsm, summary="A short council, quorate.")
    _agree(following, motion)
    db.session.refresh(written)
    assert written.status is MinutesStatus.APPROVED
    content = reading.content(reading.read(wsm))
    assert written.approved_hash == service.fingerprint(content)
    assert content["summary"] == "A short council, quorate."
    entry = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "minutes.approved")
        .order_by(AuditEvent.id.desc())
    )
    assert entry is not None and written.approved_hash in str(entry.data)

    with pytest.raises(Conflict, match="approved"):
        service.edit(person(WSM_CHAIR), wsm, summary="Rewritten history.")
    page = signed_in("gal@wsm.example").get(f"/meetings/{wsm.id}/minutes").get_data(as_text=True)
    assert "Minutes: Meeting" in page and "Draft minutes" not in page
    assert written.approved_hash in page and "A short council, quorate." in page
    assert "Housing first." in page


def test_minutes_go_on_a_meeting_already_scheduled_when_theirs_closes(wsm) -> None:
    later = _schedule(30, "Delegate council, April")
    sooner = _schedule(7, "Delegate council, March")
    assert not any(i.title.startswith("Approval") for i in sooner.items)
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    db.session.refresh(sooner)
    assert _approval_item(sooner)  # the earliest still to come
    assert not any(i.title.startswith("Approval") for i in later.items)


def test_minutes_not_approved_go_to_the_meeting_after(wsm) -> None:
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    following = _schedule(7, "Delegate council, March")
    after = _schedule(21, "Delegate council, April")
    motion = _approval_item(following).motions[0]
    _agree(following, motion, "block")  # no consensus: the council has a vote to fall back on
    written = service.minutes_of(wsm)
    assert written.status is MinutesStatus.DRAFT
    meetings.close_meeting(person(WSM_CHAIR), following)  # the vote never came
    db.session.refresh(after)
    again = [i for i in after.items if i.title == "Approval of the minutes: Meeting"]
    assert len(again) == 1
    db.session.refresh(written)
    assert written.approval_motion_id == again[0].motions[0].id
    # The March council's own minutes wait for April too.
    assert any(i.title == "Approval of the minutes: Delegate council, March" for i in after.items)


def test_only_the_chair_or_a_secretary_writes_and_bad_notes_are_refused(wsm) -> None:
    item = motion_of(wsm).item
    with pytest.raises(NotAllowed):
        service.edit(person("gal@wsm.example"), wsm, summary="Mine now.")
    with pytest.raises(Invalid, match="at most"):
        service.edit(person(WSM_CHAIR), wsm, notes={item.id: "x" * (service.MAX_TEXT + 1)})
    other = _schedule(3, "Another council")
    with pytest.raises(Invalid, match="not on this meeting"):
        service.edit(
            person(WSM_CHAIR), wsm, notes={other.items[0].id if other.items else 10**6: "Elsewhere"}
        )
    written = service.edit(person(WSM_CHAIR), wsm, summary="First.")
    with pytest.raises(Conflict, match="Someone else"):
        service.edit(person(WSM_CHAIR), wsm, summary="Stale.", version=written.version - 1)
    assert service.minutes_of(wsm).summary == "First."


def test_the_page_saves_and_a_stale_save_keeps_what_was_typed(wsm, signed_in) -> None:
    client = signed_in(WSM_CHAIR)
    item = motion_of(wsm).item
    page = client.get(f"/meetings/{wsm.id}/minutes/edit")
    assert page.status_code == 200 and f'name="note-{item.id}"' in page.get_data(as_text=True)
    saved = client.post(
        f"/meetings/{wsm.id}/minutes/edit",
        data={"version": "", "summary": "Opened at seven.", f"note-{item.id}": "Long debate."},
    )
    assert saved.status_code == 303
    version = service.minutes_of(wsm).version
    client.post(
        f"/meetings/{wsm.id}/minutes/edit",
        data={"version": str(version), "summary": "Opened at seven sharp."},
    )
    stale = client.post(
        f"/meetings/{wsm.id}/minutes/edit",
        data={"version": str(version), "summary": "My careful rewrite."},
    )
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Someone else saved these minutes" in html and "My careful rewrite." in html
    assert 'data-theirs="summary"' in html and "Opened at seven sharp." in html
    assert service.minutes_of(wsm).summary == "Opened at seven sharp."
    # The form now carries the saved version: saved again, the rewrite is kept knowingly.
    current = service.minutes_of(wsm).version
    assert f'name="version" value="{current}"' in html
    again = client.post(
        f"/meetings/{wsm.id}/minutes/edit",
        data={"version": str(current), "summary": "My careful rewrite."},
    )
    assert again.status_code == 303
    assert service.minutes_of(wsm).summary == "My careful rewrite."
    assert signed_in("gal@wsm.example").get(f"/meetings/{wsm.id}/minutes/edit").status_code == 404
    assert signed_in("ana@wri.example").get(f"/meetings/{wsm.id}/minutes/edit").status_code == 404


def test_the_api_writes_through_the_same_service(wsm, live) -> None:
    client = live.test_client()
    url = f"/api/v1/meetings/{wsm.id}/minutes"
    item = motion_of(wsm).item
    read = client.get(url, headers=bearer("gal@wsm.example"))
    assert read.status_code == 200 and read.json["status"] == "draft"
    assert read.json["content"]["items"][0]["motions"][0]["text"].startswith("The organisation")
    assert (
        client.patch(url, json={"summary": "Mine"}, headers=bearer("gal@wsm.example")).status_code
        == 403
    )
    bad = client.patch(url, json={"notes": {"x": 1}}, headers=bearer(WSM_CHAIR))
    assert bad.status_code == 422 and "notes" in bad.json["error"]["message"]
    saved = client.patch(
        url,
        json={"summary": "By API", "notes": {str(item.id): "Noted."}},
        headers=bearer(WSM_CHAIR),
    )
    assert saved.status_code == 200, saved.json
    assert saved.json["notes"] == {str(item.id): "Noted."} and saved.json["summary"] == "By API"
    stale = client.patch(
        url,
        json={"summary": "Late", "version": saved.json["version"] - 1},
        headers=bearer(WSM_CHAIR),
    )
    assert stale.status_code == 409
    assert client.get(url, headers=bearer("ana@wri.example")).status_code == 404
