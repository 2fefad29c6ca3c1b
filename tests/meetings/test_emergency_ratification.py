"""Emergency decisions: a meeting found not justified decides nothing (not even through
the API); decisions of a justified one go to a real item of the next Delegate Council,
with a motion to ratify them, and its outcome is linked back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.floor import body
from tests.fixtures.people import bearer, person
from voting.ballots.models import PollMode
from voting.ballots.services import polls
from voting.core.columns import utcnow
from voting.core.errors import Conflict
from voting.meetings.models import CalledBy, Meeting, MotionStatus
from voting.meetings.services import agenda, consensus, floor, meetings

SAM = "sam@wsm.example"
DELEGATES = ("gal@wsm.example", "lee@wsm.example")


def _emergency(*decisions: str) -> Meeting:
    meeting = meetings.schedule_meeting(
        person(SAM),
        body("wsm", "emergency-council"),
        title="Emergency council",
        scheduled_for=utcnow() + timedelta(hours=1),
        called_by=CalledBy.OFFICERS,
        grounds="security: the office was raided",
    )
    for title in decisions:
        agenda.submit_item(person(SAM), meeting, section="", title=title, motion_text=f"{title}.")
    meetings.open_meeting(person(SAM), meeting)
    for email in DELEGATES:
        meetings.check_in(person(email), meeting, meeting.join_code)
    return meeting


def _decide_by_consensus(item, answer: str = "agree") -> None:  # type: ignore[no-untyped-def]
    agenda.open_item(person(SAM), item)
    test = consensus.open_test(person(SAM), item.motions[0])
    for email in DELEGATES:
        consensus.answer(person(email), test, answer)
    consensus.close_test(person(SAM), test)


def test_a_meeting_found_not_justified_puts_nothing_to_a_vote(live) -> None:
    meeting = _emergency("Move the office")
    justification, decision = meeting.items
    motion = decision.motions[0]
    with pytest.raises(Conflict, match="First decide whether"):
        floor.create_poll(person(SAM), meeting, motion=motion)
    poll = floor.create_poll(person(SAM), meeting, motion=justification.motions[0])
    polls.open_poll(person(SAM), poll)
    for email in DELEGATES:
        polls.cast(person(email), poll, choice="no")
    polls.close_poll(person(SAM), poll)
    assert meeting.justified is False
    with pytest.raises(Conflict, match="found not justified"):
        floor.create_poll(person(SAM), meeting, motion=motion)
    with pytest.raises(Conflict, match="found not justified"):
        floor.create_poll(person(SAM), meeting, question="Adjourn?", kind=floor.PollKind.PROCEDURAL)
    refused = live.test_client().post(
        f"/api/v1/meetings/{meeting.id}/polls",
        json={"motion": motion.id, "mode": "open"},
        headers=bearer(SAM),
    )
    assert refused.status_code == 409
    assert "not justified" in refused.get_json()["error"]["message"]


def test_decisions_are_ratified_or_rejected_at_the_next_delegate_council(live) -> None:
    meeting = _emergency("Move the office", "Cancel the march")
    justification, move, cancel = meeting.items
    for item in (justification, move, cancel):
        _decide_by_consensus(item)
    assert meeting.justified is True
    assert move.motions[0].needs_ratification and cancel.motions[0].needs_ratification

    council = meetings.schedule_meeting(
        person(SAM),
        body("wsm", "delegate-council"),
        title="Next council",
        scheduled_for=utcnow() + timedelta(days=14),
    )
    items = [i for i in council.items if i.title.startswith("Ratify")]
    assert [i.title for i in items] == ["Ratify: Move the office", "Ratify: Cancel the march"]
    assert {i.section for i in items} == {"Motions"}  # a real section of its agenda
    assert all(i.motions and i.motions[0].ratifies_id for i in items)
    assert move.motions[0].ratification_item_id == items[0].id
    assert "Emergency council" in items[0].description

    meetings.open_meeting(person(SAM), council)
    for email in DELEGATES:
        meetings.check_in(person(email), council, council.join_code)
    _decide_by_consensus(items[0])
    assert move.motions[0].ratified is True

    # The other goes to a vote and is lost: the emergency decision is rejected.
    agenda.open_item(person(SAM), items[1])
    test = consensus.open_test(person(SAM), items[1].motions[0])
    consensus.answer(person(DELEGATES[0]), test, "block", reason="The march must go ahead")
    consensus.close_test(person(SAM), test)
    ratify = items[1].motions[0]
    assert ratify.status is MotionStatus.TO_VOTE and cancel.motions[0].ratified is None
    poll = floor.put_to_vote(person(SAM), ratify, mode=PollMode.OPEN)
    polls.open_poll(person(SAM), poll)
    for email in DELEGATES:
        polls.cast(person(email), poll, choice="no", confirm_against_mandate=True)
    polls.close_poll(person(SAM), poll)
    assert cancel.motions[0].ratified is False
    assert [m.ratified for m in meetings.emergency_decisions(meeting)] == [True, False]

    page = live.test_client()
    from tests.fixtures.people import sign_in

    sign_in(page, SAM)
    shown = page.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'data-ratified="yes"' in shown and 'data-ratified="no"' in shown
    assert "Ratification at Next council" in shown


def test_a_decision_is_pinned_to_the_organisations_page_until_it_is_ratified(live) -> None:
    from tests.fixtures.people import sign_in

    meeting = _emergency("Move the office")
    justification, move = meeting.items
    page = live.test_client()
    sign_in(page, DELEGATES[0])
    assert "Move the office" not in page.get("/org/wsm/").get_data(as_text=True)
    for item in (justification, move):
        _decide_by_consensus(item)
    shown = page.get("/org/wsm/").get_data(as_text=True)
    assert 'data-pinned="emergency_decision"' in shown and "Move the office" in shown
    assert "Awaits ratification at the next meeting" in shown

    council = meetings.schedule_meeting(
        person(SAM),
        body("wsm", "delegate-council"),
        title="Next council",
        scheduled_for=utcnow() + timedelta(days=14),
    )
    assert "Awaits ratification at Next council." in page.get("/org/wsm/").get_data(as_text=True)
    # Another organisation's members see nothing of it.
    outsider = live.test_client()
    sign_in(outsider, "ana@wri.example")
    assert "Move the office" not in outsider.get("/org/wsm/").get_data(as_text=True)

    meetings.open_meeting(person(SAM), council)
    for email in DELEGATES:
        meetings.check_in(person(email), council, council.join_code)
    _decide_by_consensus(next(i for i in council.items if i.title == "Ratify: Move the office"))
    assert "data-pinned" not in page.get("/org/wsm/").get_data(as_text=True)


def test_the_api_lists_the_pinned_decisions(live) -> None:
    meeting = _emergency("Move the office")
    for item in meeting.items:
        _decide_by_consensus(item)
    api = live.test_client()
    shown = api.get("/api/v1/organisations/wsm", headers=bearer(DELEGATES[0])).get_json()
    assert [(n["kind"], n["title"]) for n in shown["pinned"]] == [
        ("emergency_decision", "Move the office")
    ]
    assert shown["pinned"][0]["url"].endswith(f"/meetings/{meeting.id}")
