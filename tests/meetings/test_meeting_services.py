"""Live meetings through the services: a WRI conference item from discussion through a
test for agreement, the speakers' queue, amendments, the agenda and emergency meetings.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.fixtures.people import person
from voting.core.audit import AuditEvent
from voting.core.columns import utcnow
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.meetings.models import (
    AmendmentStatus,
    CalledBy,
    ConsensusAnswer,
    ConsensusOutcome,
    Meeting,
    MeetingKind,
    MotionStage,
    MotionStatus,
    SpeakerRequest,
)
from voting.meetings.services import agenda, consensus, meetings, motions, speaking
from voting.org.models import Body

CHAIR = "chris@wri.example"
MEMBERS = ("xavier@wri.example", "yusuf@wri.example", "quinn@wri.example")


def check_in_all(meeting: Meeting, *emails: str) -> None:
    for email in emails:
        meetings.check_in(person(email), meeting, meeting.join_code)


def motion_item(meeting: Meeting):  # type: ignore[no-untyped-def]
    return next(i for i in meeting.items if i.motions)


def open_motion_item(meeting: Meeting):  # type: ignore[no-untyped-def]
    item = motion_item(meeting)
    agenda.open_item(person(CHAIR), item)
    return item


def body(slug: str, org: str) -> Body:
    return next(
        b
        for b in db.session.scalars(select(Body).where(Body.slug == slug))
        if b.organisation.slug == org
    )


def test_wri_conference_one_block_hands_the_motion_over_to_the_vote(conference) -> None:
    check_in_all(conference, *MEMBERS)
    item = open_motion_item(conference)
    test = consensus.open_test(person(CHAIR), item.motions[0], minutes=15)
    consensus.answer(person(MEMBERS[0]), test, "agree")
    consensus.answer(person(MEMBERS[1]), test, "reservations", "the timescale is short")
    consensus.answer(person(MEMBERS[2]), test, "block", "we cannot support it")

    running = consensus.result(test)
    assert running.status.value == "open"  # a block is not final while the time runs

    consensus.close_test(person(CHAIR), test)

    assert test.outcome is ConsensusOutcome.NO_CONSENSUS
    assert item.motions[0].status is MotionStatus.TO_VOTE
    assert "1 block (Quinn Rep)" in test.summary
    assert "majority of votes cast" in test.summary
    closed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consensus.closed")
    ).one()
    assert closed.data["blocks"] == ["Quinn Rep"]
    assert closed.data["reservations"] == ["Yusuf Rep"]


def test_consensus_is_recorded_with_its_reservations_and_stand_asides(conference) -> None:
    check_in_all(conference, *MEMBERS)
    item = open_motion_item(conference)
    test = consensus.open_test(person(CHAIR), item.motions[0])
    consensus.answer(person(MEMBERS[0]), test, "agree")
    consensus.answer(person(MEMBERS[1]), test, "reservations")
    consensus.answer(person(MEMBERS[2]), test, "stand_aside")

    consensus.close_test(person(CHAIR), test)

    assert test.outcome is ConsensusOutcome.CONSENSUS
    assert item.motions[0].status is MotionStatus.CONSENSUS
    assert test.summary.startswith("Consensus: 1 agree, 1 with reservations, 1 stand aside")
    assert test.minutes == 15  # the body's time agreed


def test_a_phone_sending_twice_keeps_one_answer_and_a_changed_mind_replaces_it(
    conference,
) -> None:
    check_in_all(conference, MEMBERS[0])
    item = open_motion_item(conference)
    test = consensus.open_test(person(CHAIR), item.motions[0])
    consensus.answer(person(MEMBERS[0]), test, "block")
    version = conference.version
    consensus.answer(person(MEMBERS[0]), test, "block")
    assert conference.version == version  # nothing changed, nothing published
    consensus.answer(person(MEMBERS[0]), test, "agree", "persuaded")

    answers = db.session.scalars(select(ConsensusAnswer)).all()
    assert [(a.response.value, a.reason) for a in answers] == [("agree", "persuaded")]


def test_answers_are_refused_with_a_reason(conference) -> None:
    check_in_all(conference, MEMBERS[0])
    item = open_motion_item(conference)
    test = consensus.open_test(person(CHAIR), item.motions[0])

    with pytest.raises(NotAllowed, match="Check in"):
        consensus.answer(person(MEMBERS[1]), test, "agree")
    with pytest.raises(NotAllowed, match="not a member who can attend"):
        consensus.answer(person("sam@wsm.example"), test, "agree")
    with pytest.raises(Invalid, match="Choose one"):
        consensus.answer(person(MEMBERS[0]), test, "maybe")

    test.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Conflict, match="time agreed is over"):
        consensus.answer(person(MEMBERS[0]), test, "agree")

    consensus.close_test(person(CHAIR), test)
    with pytest.raises(Conflict, match="closed"):
        consensus.answer(person(MEMBERS[0]), test, "agree")


def test_silence_is_not_consent_when_the_time_agreed_runs_out(conference) -> None:
    check_in_all(conference, *MEMBERS)
    item = open_motion_item(conference)
    test = consensus.open_test(person(CHAIR), item.motions[0])
    consensus.answer(person(MEMBERS[0]), test, "agree")
    consensus.close_test(person(CHAIR), test)
    assert test.outcome is ConsensusOutcome.NO_CONSENSUS
    assert "2 did not answer" in test.summary


def test_two_chairs_opening_and_closing_the_same_test_do_it_once(conference) -> None:
    item = open_motion_item(conference)
    ana = person("ana@wri.example")  # an admin may chair too
    first = consensus.open_test(person(CHAIR), item.motions[0])
    assert consensus.open_test(ana, item.motions[0]) is first
    consensus.close_test(person(CHAIR), first)
    consensus.close_test(ana, first)
    count = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "consensus.closed")
    )
    assert count == 1


def test_only_the_chair_opens_tests_and_items(conference) -> None:
    item = motion_item(conference)
    with pytest.raises(NotAllowed, match="Only the chair"):
        agenda.open_item(person(MEMBERS[0]), item)
    agenda.open_item(person(CHAIR), item)
    with pytest.raises(NotAllowed, match="Only the chair"):
        consensus.open_test(person(MEMBERS[0]), item.motions[0])


def test_an_item_cannot_close_while_its_test_is_open(conference) -> None:
    item = open_motion_item(conference)
    test = consensus.open_test(person(CHAIR), item.motions[0])
    with pytest.raises(Conflict, match="close it first"):
        agenda.close_item(person(CHAIR), item)
    consensus.close_test(person(CHAIR), test)
    agenda.close_item(person(CHAIR), item)
    with pytest.raises(Conflict, match="Open discussion"):
        consensus.open_test(person(CHAIR), item.motions[0])


def test_raising_a_hand_twice_is_one_request(conference) -> None:
    check_in_all(conference, MEMBERS[0])
    item = open_motion_item(conference)
    first = speaking.raise_hand(person(MEMBERS[0]), item, "contribution", "for")
    again = speaking.raise_hand(person(MEMBERS[0]), item, "contribution", "for")
    assert first.id == again.id
    point = speaking.raise_hand(person(MEMBERS[0]), item, "point_of_order")
    assert point.id != first.id
    assert db.session.scalar(select(func.count()).select_from(SpeakerRequest)) == 2


def test_points_of_order_jump_the_queue_and_the_chair_calls_in_order(conference) -> None:
    check_in_all(conference, *MEMBERS)
    item = open_motion_item(conference)
    chair = person(CHAIR)
    speaking.raise_hand(person(MEMBERS[0]), item, "contribution", "for")
    speaking.raise_hand(person(MEMBERS[1]), item, "contribution", "against")
    speaking.raise_hand(person(MEMBERS[2]), item, "point_of_order")

    order = speaking.queue(item)
    assert [p.request.person.name for p in order] == ["Quinn Rep", "Xavier Rep", "Yusuf Rep"]
    assert "point of order" in order[0].reasons[0]

    called = speaking.call_next(chair, item, after=None)
    assert called is not None and called.person.name == "Quinn Rep"
    nxt = speaking.call_next(chair, item, after=called.id)
    assert nxt is not None and nxt.person.name == "Xavier Rep"


def test_two_chairs_calling_next_at_once_skip_nobody(conference) -> None:
    check_in_all(conference, *MEMBERS[:2])
    item = open_motion_item(conference)
    speaking.raise_hand(person(MEMBERS[0]), item)
    speaking.raise_hand(person(MEMBERS[1]), item)
    speaking.call_next(person(CHAIR), item, after=None)
    with pytest.raises(Conflict, match="already called"):
        speaking.call_next(person("ana@wri.example"), item, after=None)
    assert speaking.current_speaker(item).person.name == "Xavier Rep"
    assert [p.request.person.name for p in speaking.queue(item)] == ["Yusuf Rep"]


def test_the_chair_reorders_times_and_closes_the_list(conference) -> None:
    check_in_all(conference, *MEMBERS)
    item = open_motion_item(conference)
    chair = person(CHAIR)
    speaking.raise_hand(person(MEMBERS[0]), item, viewpoint="for")
    speaking.raise_hand(person(MEMBERS[1]), item, viewpoint="against")
    late = speaking.raise_hand(person(MEMBERS[2]), item, viewpoint="against")
    speaking.move_up(chair, late)
    assert [p.request.person.name for p in speaking.queue(item)][:2] == ["Xavier Rep", "Quinn Rep"]

    speaking.close_list(chair, item)
    with pytest.raises(Conflict, match="list of speakers is closed"):
        speaking.raise_hand(person(MEMBERS[0]), item, "question")
    speaking.raise_hand(person(MEMBERS[0]), item, "point_of_order")  # still taken

    first = speaking.call_next(chair, item)
    assert first is not None and first.kind.value == "point_of_order"
    speaking.set_timer(chair, first, True)
    first.timer_started_at = utcnow() - timedelta(seconds=30)
    db.session.commit()
    speaking.set_timer(chair, first, False)
    assert first.seconds_used >= 30
    after = speaking.call_next(chair, item, after=first.id)
    assert after is not None
    after.timer_started_at = utcnow() - timedelta(seconds=90)
    db.session.commit()
    speaking.call_next(chair, item, after=after.id)
    assert speaking.time_per_viewpoint(item)["for"] >= 90


def test_raising_a_hand_needs_the_item_under_discussion(conference) -> None:
    check_in_all(conference, MEMBERS[0])
    item = open_motion_item(conference)
    agenda.close_item(person(CHAIR), item)
    with pytest.raises(Conflict, match="not under discussion"):
        speaking.raise_hand(person(MEMBERS[0]), item)


def test_a_friendly_amendment_becomes_a_new_version_of_the_motion(conference) -> None:
    item = motion_item(conference)
    motion = item.motions[0]
    motion.proposer_id = person(MEMBERS[0]).id
    db.session.commit()
    amendment = motions.propose_amendment(
        person(MEMBERS[1]), motion, text="Sections report within six months.", paragraph=2
    )
    with pytest.raises(NotAllowed, match="proposer"):
        motions.accept_friendly(person(MEMBERS[2]), amendment)
    motions.accept_friendly(person(MEMBERS[0]), amendment)
    motions.accept_friendly(person(MEMBERS[0]), amendment)  # a second tap changes nothing

    assert amendment.status is AmendmentStatus.FRIENDLY
    assert [v.number for v in motion.versions] == [1, 2]
    assert motions.paragraphs(motion.text)[1] == "Sections report within six months."
    assert "three months" in motion.versions[0].text


def test_an_amendment_put_to_the_meeting_is_agreed_by_consensus(conference) -> None:
    check_in_all(conference, *MEMBERS[:2])
    item = open_motion_item(conference)
    motion = item.motions[0]
    amendment = motions.propose_amendment(person(MEMBERS[1]), motion, text="A new text.")
    with pytest.raises(Conflict, match="put to the meeting"):
        consensus.open_test(person(CHAIR), motion, amendment=amendment)
    motions.put_to_meeting(person(CHAIR), amendment)
    test = consensus.open_test(person(CHAIR), motion, amendment=amendment)
    for email in MEMBERS[:2]:
        consensus.answer(person(email), test, "agree")
    consensus.close_test(person(CHAIR), test)

    assert amendment.status is AmendmentStatus.ACCEPTED
    assert motion.text == "A new text."
    assert motion.status is MotionStatus.SUBMITTED  # the motion itself is still to decide
    with pytest.raises(Invalid, match="paragraphs 1 to 1"):
        motions.propose_amendment(person(MEMBERS[1]), motion, text="x", paragraph=3)


def test_wsm_council_at_short_notice_flags_the_notice_and_late_items(live) -> None:
    council = body("delegate-council", "wsm")
    sam = person("sam@wsm.example")
    meeting = meetings.schedule_meeting(
        sam, council, title="Delegate Council", scheduled_for=utcnow() + timedelta(days=3)
    )
    assert meeting.short_notice  # the council asks for 10 days
    assert agenda.sections(meeting)[0] == "Branch reports"

    with pytest.raises(Invalid, match="say why") as refused:
        agenda.submit_item(person("mo@wsm.example"), meeting, section="Motions", title="Housing")
    assert refused.value.field == "late_reason"
    item = agenda.submit_item(
        person("mo@wsm.example"),
        meeting,
        section="Motions",
        title="Housing",
        late_reason="The eviction happened on Monday.",
        motion_text="We support the tenants.",
        methods_text="A picket on Saturday.",
    )
    assert item.late and item.late_reason.startswith("The eviction")
    assert [m.stage for m in item.motions] == [MotionStage.GOALS, MotionStage.METHODS]

    meetings.open_meeting(sam, meeting)
    agenda.open_item(sam, item)
    methods = item.motions[1]
    with pytest.raises(Conflict, match="goals before the methods"):
        consensus.open_test(sam, methods)


def test_lapsed_members_cannot_submit_or_check_in(live) -> None:
    council = body("delegate-council", "wsm")
    meeting = meetings.schedule_meeting(
        person("sam@wsm.example"),
        council,
        title="Council",
        scheduled_for=utcnow() + timedelta(days=20),
    )
    larry = person("lapsed@wsm.example")
    with pytest.raises(NotAllowed):
        meetings.check_in(larry, meeting, meeting.join_code)
    with pytest.raises(NotAllowed):
        agenda.submit_item(larry, meeting, section="AOB", title="x")
    with pytest.raises(Invalid, match="code is not right"):
        meetings.check_in(person("mo@wsm.example"), meeting, "wrong")


def test_the_meeting_reorders_and_suspends_its_agenda(conference) -> None:
    chair = person(CHAIR)
    last = conference.items[-1]
    agenda.move_item(chair, last, 1)
    assert conference.items[0].id == last.id
    agenda.suspend_item(chair, last)
    with pytest.raises(Conflict, match="suspended"):
        agenda.open_item(chair, last)
    agenda.suspend_item(chair, last, False)
    agenda.open_item(chair, last)


def test_wsm_emergency_council_decides_it_is_justified_and_its_decisions_need_ratification(
    live,
) -> None:
    sam = person("sam@wsm.example")
    emergency = body("emergency-council", "wsm")
    with pytest.raises(Invalid, match="grounds"):
        meetings.schedule_meeting(
            sam,
            emergency,
            title="Emergency",
            scheduled_for=utcnow() + timedelta(hours=2),
            called_by=CalledBy.OFFICERS,
        )
    meeting = meetings.schedule_meeting(
        sam,
        emergency,
        title="Emergency council",
        scheduled_for=utcnow() + timedelta(hours=2),
        called_by=CalledBy.OFFICERS,
        grounds="security: the office was raided",
    )
    assert meeting.kind is MeetingKind.EMERGENCY and meeting.short_notice is False
    justification = meeting.items[0]
    assert justification.is_justification
    decision = agenda.submit_item(
        sam, meeting, section="", title="Move the office", motion_text="We move the office."
    )
    meetings.open_meeting(sam, meeting)
    with pytest.raises(Conflict, match="justified"):
        agenda.open_item(sam, decision)

    delegates = ("gal@wsm.example", "lee@wsm.example")
    for email in delegates:
        meetings.check_in(person(email), meeting, meeting.join_code)
    for item in (justification, decision):
        agenda.open_item(sam, item)
        test = consensus.open_test(sam, item.motions[0])
        for email in delegates:
            consensus.answer(person(email), test, "agree")
        consensus.close_test(sam, test)

    assert meeting.justified is True
    assert decision.motions[0].needs_ratification
    assert not justification.motions[0].needs_ratification

    council = meetings.schedule_meeting(
        sam,
        body("delegate-council", "wsm"),
        title="Next council",
        scheduled_for=utcnow() + timedelta(days=14),
    )
    titles = [i.title for i in council.items]
    assert titles == ["Ratify: Move the office"]
    assert decision.motions[0].ratification_item_id == council.items[0].id


def test_a_delegate_whose_term_ended_no_longer_speaks_for_the_proposing_unit(conference) -> None:
    from voting.membership.models import Membership, Role, RoleKind

    item = motion_item(conference)
    motion = item.motions[0]
    former = person(MEMBERS[2])
    unit_id = db.session.scalars(
        select(Membership.unit_id).where(
            Membership.person_id == former.id, Membership.unit_id.is_not(None)
        )
    ).first()
    assert unit_id is not None
    motion.unit_id = unit_id
    role = Role(
        person_id=former.id,
        organisation_id=conference.body.organisation_id,
        kind=RoleKind.DELEGATE,
        unit_id=unit_id,
        ends_on=utcnow().date() - timedelta(days=1),
    )
    db.session.add(role)
    db.session.commit()
    amendment = motions.propose_amendment(
        person(MEMBERS[1]), motion, text="Sections report within six months.", paragraph=2
    )
    with pytest.raises(NotAllowed, match="proposer"):
        motions.accept_friendly(former, amendment)
    role.ends_on = None  # re-elected: a current delegate of the unit
    db.session.commit()
    assert motions.accept_friendly(former, amendment).status is AmendmentStatus.FRIENDLY
