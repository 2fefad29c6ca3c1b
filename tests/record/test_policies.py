"""The policy register: WSM's conference papers lapse after three years unless ratified,
short-term parts after two. The secretary sees what falls due, puts it on the next
conference's agenda in one step, and the conference ratifies it (or not) there; the
organisation's members read the register, nobody else learns it exists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.fixtures.floor import WSM_CHAIR, body, motion_of
from tests.fixtures.people import bearer, person
from voting.core.audit import AuditEvent
from voting.core.columns import utcnow
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.meetings.models import Meeting, MotionStatus
from voting.meetings.services import agenda, consensus, meetings
from voting.org.services.organisations import by_slug
from voting.record.models import Policy
from voting.record.services import policies as service
from voting.rules.policies import Standing, anniversary

SECRETARY = WSM_CHAIR  # Sam: WSM's admin, secretary and chair in the demo
MEMBER = "gal@wsm.example"
OFFICER = "tom@wsm.example"  # the treasurer: an officer, not a secretary
ELSEWHERE = "ana@wri.example"  # WRI's admin and secretary
DELEGATES = ("gal@wsm.example", "lee@wsm.example")


def _today() -> date:
    return utcnow().date()


def _paper(
    title: str = "Housing policy",
    *,
    adopted: date | None = None,
    short_term: bool = False,
    slug: str = "conference",
) -> Policy:
    """A conference paper entered by hand; by default adopted three years ago less two
    months (the next conference, in 40 days, comes before it lapses)."""
    return service.enter(
        person(SECRETARY),
        by_slug("wsm"),
        body=slug,
        title=title,
        text=f"{title}: the organisation campaigns for public housing.",
        short_term=short_term,
        adopted_on=(adopted or anniversary(_today(), -3) + timedelta(days=60)).isoformat(),
    )


def _conference(days: int = 40, title: str = "National Conference, autumn") -> Meeting:
    return meetings.schedule_meeting(
        person(SECRETARY),
        body("wsm", "conference"),
        title=title,
        scheduled_for=utcnow() + timedelta(days=days),
    )


def _decide(meeting: Meeting, motion, answer: str = "agree") -> None:  # type: ignore[no-untyped-def]
    """The conference meets and tests the motion for agreement."""
    if meeting.status.value == "scheduled":
        meetings.open_meeting(person(SECRETARY), meeting)
    present = {c.person.email for c in meeting.check_ins}
    for email in set(DELEGATES) - present:
        meetings.check_in(person(email), meeting, meeting.join_code)
    agenda.open_item(person(SECRETARY), motion.item)
    test = consensus.open_test(person(SECRETARY), motion)
    for email in sorted(present | set(DELEGATES)):
        consensus.answer(
            person(email), test, answer, reason="Not as written" if answer == "block" else ""
        )
    consensus.close_test(person(SECRETARY), test)


def _actions(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == name)))


def test_a_paper_adopted_three_years_ago_falls_due_and_is_ratified_at_the_next_conference(
    live,
) -> None:
    paper = _paper()
    lapses = anniversary(paper.adopted_on, 3)
    register = service.register_of(person(MEMBER), by_slug("wsm"))
    assert [e.policy for e in register.due] == [paper]
    assert register.due[0].reading.lapses_on == lapses
    assert _actions("policy.entered")[-1].data["adopted_on"] == paper.adopted_on.isoformat()

    with pytest.raises(Conflict, match="No meeting of National Conference is scheduled"):
        service.put_on_agenda(person(SECRETARY), paper)

    conference = _conference()
    motion = service.put_on_agenda(person(SECRETARY), paper)
    item = motion.item
    assert item.meeting == conference
    assert item.title == "Ratify policy: Housing policy"
    assert item.section == agenda.sections(conference)[0]  # the conference has no Motions section
    assert motion.text == paper.text
    assert paper.renewal_motion_id == motion.id
    assert _actions("policy.put_on_agenda")[-1].data["motion"] == motion.id
    with pytest.raises(Conflict, match="on the agenda of National Conference, autumn already"):
        service.put_on_agenda(person(SECRETARY), paper)
    # Waiting on the agenda, it is no longer among what needs the secretary.
    assert service.falling_due(paper.organisation_id) == []

    _decide(conference, motion)
    assert motion.status is MotionStatus.CONSENSUS
    db.session.refresh(paper)
    assert paper.ratified_on == _today()
    assert paper.renewal_motion_id is None
    reading = service.reading(paper)
    assert reading.standing is Standing.IN_FORCE
    assert reading.lapses_on == anniversary(_today(), 3)
    assert _actions("policy.ratified")[-1].data["by_motion"] == motion.id
    # The ratified renewal is that paper again, not a new one for the register.
    assert not service.may_enter_motion(person(SECRETARY), motion)
    assert service.policies_of(paper.organisation_id) == [paper]


def test_a_paper_the_conference_does_not_ratify_lapses_as_it_would(live) -> None:
    paper = _paper()
    conference = _conference()
    motion = service.put_on_agenda(person(SECRETARY), paper)
    _decide(conference, motion, "block")  # no consensus: the vote has not come yet
    assert paper.renewal_motion_id == motion.id
    meetings.close_meeting(person(SECRETARY), conference)  # and never comes
    db.session.refresh(paper)
    assert paper.renewal_motion_id is None and paper.ratified_on is None
    assert service.reading(paper).standing is Standing.FALLS_DUE
    # It can go to the conference after.
    later = _conference(90, "National Conference, spring")
    assert service.put_on_agenda(person(SECRETARY), paper).item.meeting == later


def test_a_short_term_paper_lapses_after_two_years_and_the_rest_after_three(live) -> None:
    adopted = anniversary(_today(), -2) - timedelta(days=1)
    short = _paper("Campaign for the referendum", adopted=adopted, short_term=True)
    lasting = _paper("Principles", adopted=adopted)
    council = _paper("Branch reports", adopted=date(2001, 1, 1), slug="delegate-council")
    assert service.reading(short).standing is Standing.LAPSED
    assert service.reading(short).lapses_on == anniversary(adopted, 2)
    assert service.reading(lasting).standing is Standing.IN_FORCE
    assert service.reading(lasting).lapses_on == anniversary(adopted, 3)
    # Other bodies' papers never lapse (0 years in their settings).
    assert service.reading(council).lapses_on is None
    register = service.register_of(person(MEMBER), by_slug("wsm"))
    assert [e.policy for e in register.lapsed] == [short]
    assert {e.policy for e in register.in_force} == {lasting, council}
    # A lapsed paper can be brought back: ratified, it is in force again.
    conference = _conference()
    _decide(conference, service.put_on_agenda(person(SECRETARY), short))
    db.session.refresh(short)
    assert service.reading(short).standing is Standing.IN_FORCE
    assert service.reading(short).lapses_on == anniversary(_today(), 2)


def test_a_carried_motion_enters_the_register_in_one_step(wsm) -> None:
    motion = motion_of(wsm)
    with pytest.raises(Conflict, match="agreed or carried"):
        service.enter_from_motion(person(SECRETARY), motion)
    _decide(wsm, motion)
    assert service.may_enter_motion(person(SECRETARY), motion)
    assert not service.may_enter_motion(person(MEMBER), motion)
    with pytest.raises(NotAllowed):
        service.enter_from_motion(person(MEMBER), motion)
    paper = service.enter_from_motion(person(SECRETARY), motion, short_term=True)
    assert (paper.body.slug, paper.title, paper.motion_id) == (
        "delegate-council",
        "Motion on housing",
        motion.id,
    )
    assert paper.text == "The organisation campaigns for public housing."
    assert paper.adopted_on == _today() and paper.short_term
    assert not service.may_enter_motion(person(SECRETARY), motion)
    with pytest.raises(Conflict, match="already"):
        service.enter_from_motion(person(SECRETARY), motion)


def test_edits_rescinding_and_their_refusals(live) -> None:
    paper = _paper()
    sam = person(SECRETARY)
    with pytest.raises(Invalid, match="at most 300"):
        service.edit(sam, paper, title="x" * 301)
    with pytest.raises(Invalid, match="at most 50000"):
        service.edit(sam, paper, text="x" * 50_001)
    with pytest.raises(Invalid, match="not come yet"):
        service.edit(sam, paper, adopted_on=(_today() + timedelta(days=1)).isoformat())
    with pytest.raises(Invalid, match="on or after"):
        service.edit(sam, paper, ratified_on=(paper.adopted_on - timedelta(days=1)).isoformat())
    with pytest.raises(NotAllowed):
        service.edit(person(OFFICER), paper, title="Mine")
    service.edit(sam, paper, ratified_on=_today().isoformat(), title="Housing (2022)")
    assert paper.title == "Housing (2022)" and service.reading(paper).standing is Standing.IN_FORCE
    assert _actions("policy.edited")[-1].data["changed"] == ["ratified_on", "title"]

    conference = _conference()
    service.put_on_agenda(sam, paper)
    with pytest.raises(Conflict, match="by amendment"):
        service.edit(sam, paper, text="Rewritten.")
    with pytest.raises(Conflict, match="decides on it first"):
        service.rescind(sam, paper)
    meetings.close_meeting(sam, conference)
    db.session.refresh(paper)
    service.rescind(sam, paper)
    assert service.reading(paper).standing is Standing.RESCINDED
    assert _actions("policy.rescinded")
    with pytest.raises(Conflict, match="rescinded"):
        service.put_on_agenda(sam, paper)
    with pytest.raises(Conflict, match="rescinded already"):
        service.rescind(sam, paper)


def test_only_the_organisations_members_read_the_register(live) -> None:
    paper = _paper()
    with pytest.raises(NotFound):
        service.get_policy(person(ELSEWHERE), paper.id)
    with pytest.raises(NotFound):
        service.register_of(person(ELSEWHERE), by_slug("wsm"))
    assert service.register_of(person(ELSEWHERE), by_slug("wri")).due == []
    assert service.get_policy(person(MEMBER), paper.id) == paper
    with pytest.raises(NotAllowed):
        service.enter(
            person(ELSEWHERE),
            by_slug("wsm"),
            body="conference",
            title="Ours now",
            adopted_on="2024-01-01",
        )


# --- The pages -------------------------------------------------------------------------


def test_the_register_lists_what_falls_due_first_and_the_secretary_puts_it_on(
    live, signed_in
) -> None:
    due = _paper()
    _paper("Principles", adopted=_today() - timedelta(days=100))
    _paper("Old campaign", adopted=date(2015, 6, 1), short_term=True)
    conference = _conference()
    secretary = signed_in(SECRETARY)
    page = secretary.get("/org/wsm/policies")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    falling = html.index("Falling due (1)")
    assert falling < html.index("Housing policy") < html.index("In force (1)")
    assert html.index("In force (1)") < html.index("Principles") < html.index("Lapsed (1)")
    assert html.index("Lapsed (1)") < html.index("Old campaign")
    assert f"Lapses on {anniversary(due.adopted_on, 3).strftime('%b')}" in html
    assert "Put on the agenda of National Conference, autumn" in html
    assert "Enter a policy by hand" in html

    answer = secretary.post(f"/policies/{due.id}/agenda", data={"next": "register"})
    assert answer.status_code == 303 and answer.location.endswith("/org/wsm/policies")
    db.session.refresh(due)
    assert due.renewal_motion.item.meeting == conference
    html = secretary.get("/org/wsm/policies").get_data(as_text=True)
    assert "On the agenda of" in html and "The policy is on the agenda of" in html
    again = secretary.post(f"/policies/{due.id}/agenda", data={"next": "register"})
    assert "already" in secretary.get(again.location).get_data(as_text=True)

    home = secretary.get("/").get_data(as_text=True)
    assert "Housing policy" not in home  # on an agenda: nothing more to do now


def test_the_secretary_enters_a_paper_by_hand_and_a_bad_one_keeps_what_was_typed(
    live, signed_in
) -> None:
    secretary = signed_in(SECRETARY)
    conference = body("wsm", "conference")
    refused = secretary.post(
        "/org/wsm/policies",
        data={"body": conference.id, "title": "Anti-fascism", "adopted_on": "31/02/2020"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "is not a date" in html and 'value="Anti-fascism"' in html
    saved = secretary.post(
        "/org/wsm/policies",
        data={
            "body": conference.id,
            "title": "Anti-fascism",
            "text": "We organise against the far right.",
            "adopted_on": (anniversary(_today(), -3) + timedelta(days=10)).isoformat(),
            "short_term": "on",
        },
    )
    assert saved.status_code == 303
    paper = db.session.scalars(select(Policy).where(Policy.title == "Anti-fascism")).one()
    assert paper.short_term and paper.created_by == person(SECRETARY)
    # Short-term: two years, so it lapsed already.
    assert service.reading(paper).standing is Standing.LAPSED
    page = secretary.get(f"/policies/{paper.id}").get_data(as_text=True)
    assert "We organise against the far right." in page and "Lapsed on" in page

    edited = secretary.post(
        f"/policies/{paper.id}",
        data={
            "title": "Anti-fascism",
            "text": "We organise against the far right.",
            "adopted_on": paper.adopted_on.isoformat(),
            "ratified_on": "",
        },
    )
    assert edited.status_code == 303
    db.session.refresh(paper)
    assert not paper.short_term  # unticked
    assert service.reading(paper).standing is Standing.FALLS_DUE
    home = secretary.get("/").get_data(as_text=True)
    assert "unless ratified: Anti-fascism" in home


def test_the_minutes_offer_a_carried_motion_to_the_register(wsm, signed_in) -> None:
    motion = motion_of(wsm)
    _decide(wsm, motion)
    url = f"/meetings/{wsm.id}/minutes"
    assert "Enter in the policy register" in signed_in(SECRETARY).get(url).get_data(as_text=True)
    assert "Enter in the policy register" not in signed_in(MEMBER).get(url).get_data(as_text=True)
    assert signed_in(MEMBER).post(f"/motions/{motion.id}/policy").status_code == 303
    assert db.session.scalar(select(Policy).where(Policy.motion_id == motion.id)) is None
    answer = signed_in(SECRETARY).post(f"/motions/{motion.id}/policy")
    assert answer.status_code == 303
    paper = db.session.scalars(select(Policy).where(Policy.motion_id == motion.id)).one()
    assert answer.location.endswith(f"/policies/{paper.id}")
    html = signed_in(SECRETARY).get(url).get_data(as_text=True)
    assert "Enter in the policy register" not in html


def test_who_may_not_is_refused_and_another_organisation_sees_nothing(live, signed_in) -> None:
    paper = _paper()
    _conference()
    member = signed_in(MEMBER)
    assert member.get("/org/wsm/policies").status_code == 200
    html = member.get("/org/wsm/policies").get_data(as_text=True)
    assert "Housing policy" in html and "Put on the agenda" not in html
    assert "Enter a policy by hand" not in html
    officer = signed_in(OFFICER)
    assert officer.post(f"/policies/{paper.id}/agenda").status_code == 303
    assert officer.post(f"/policies/{paper.id}", data={"title": "Mine"}).status_code == 403
    assert officer.post(f"/policies/{paper.id}/rescind").status_code == 403
    db.session.refresh(paper)
    assert paper.renewal_motion_id is None and paper.title == "Housing policy"
    assert paper.rescinded_on is None
    outsider = signed_in(ELSEWHERE)
    assert outsider.get("/org/wsm/policies").status_code == 404
    assert outsider.get(f"/policies/{paper.id}").status_code == 404
    assert outsider.post(f"/policies/{paper.id}/agenda").status_code == 404
    assert "Housing policy" not in outsider.get("/org/wri/policies").get_data(as_text=True)
    assert "Housing policy" not in outsider.get("/").get_data(as_text=True)


# --- The API ---------------------------------------------------------------------------


def test_the_api_goes_through_the_same_service(live, client) -> None:
    sam, gal, ana = bearer(SECRETARY), bearer(MEMBER), bearer(ELSEWHERE)
    adopted = (anniversary(_today(), -3) + timedelta(days=20)).isoformat()
    made = client.post(
        "/api/v1/organisations/wsm/policies",
        headers=sam,
        json={
            "body": "conference",
            "title": "Housing",
            "text": "Public housing.",
            "adopted_on": adopted,
        },
    )
    assert made.status_code == 201, made.text
    paper = made.json
    assert paper["standing"] == "falls_due"
    assert paper["lapses_on"] == anniversary(date.fromisoformat(adopted), 3).isoformat()
    url = f"/api/v1/policies/{paper['id']}"

    listed = client.get("/api/v1/organisations/wsm/policies", headers=gal).json
    assert [p["id"] for p in listed] == [paper["id"]]
    assert client.get(url, headers=gal).json["title"] == "Housing"
    assert client.get(url, headers=ana).status_code == 404
    assert client.get("/api/v1/organisations/wsm/policies", headers=ana).status_code == 404
    assert client.patch(url, headers=gal, json={"title": "Mine"}).status_code == 403

    long = client.patch(url, headers=sam, json={"title": "x" * 301})
    assert long.status_code == 422 and long.json["error"]["field"] == "title"
    assert client.patch(url, headers=sam, json={"short_term": True}).json["standing"] == "lapsed"

    refused = client.post(f"{url}/agenda", headers=sam)
    assert refused.status_code == 409 and "No meeting" in refused.json["error"]["message"]
    conference = _conference()
    put = client.post(f"{url}/agenda", headers=sam)
    assert put.status_code == 200
    assert put.json["renewal"]["meeting"] == conference.id
    assert client.post(f"{url}/agenda", headers=sam).status_code == 409

    assert client.post(f"{url}/rescind", headers=gal, json={}).status_code == 403
    assert client.post(f"{url}/rescind", headers=sam, json={}).status_code == 409  # waiting


def test_the_api_enters_a_paper_from_its_motion(wsm, client) -> None:
    motion = motion_of(wsm)
    _decide(wsm, motion)
    made = client.post(
        "/api/v1/organisations/wsm/policies", headers=bearer(SECRETARY), json={"motion": motion.id}
    )
    assert made.status_code == 201
    assert made.json["motion"] == motion.id and made.json["body"] == "delegate-council"
    other = client.post(
        "/api/v1/organisations/wri/policies", headers=bearer(ELSEWHERE), json={"motion": motion.id}
    )
    assert other.status_code == 422  # not a motion of WRI's
