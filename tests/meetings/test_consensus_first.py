"""Consensus first, as the WRI constitution says: "The Conference shall try to make
decisions by consensus. If no consensus can be reached within the time agreed, a vote will
be held" (3(e)). A vote on a motion opens only after a test for agreement on it ended
without consensus, or after the meeting decided to go straight to a vote, a decision the
chair records with its reason. Each scenario tries to get a vote past the rule the way a
chair, a script or a member could, and checks the refusal names what is missing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.fixtures.floor import (
    WRI_CHAIR,
    WRI_REPS,
    WRI_SECRETARY,
    WSM_CHAIR,
    body,
    check_in,
    motion_of,
    new_meeting,
    unit,
)
from tests.fixtures.people import bearer, person
from voting.ballots.models import Poll, PollStatus
from voting.ballots.services import polls
from voting.core import batch
from voting.core.audit import AuditEvent
from voting.core.columns import utcnow
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.meetings.models import (
    AmendmentStatus,
    ConsensusAnswer,
    Meeting,
    Motion,
    MotionStatus,
    PollKind,
    StraightToVote,
)
from voting.meetings.services import (
    agenda,
    consensus,
    floor,
    handover,
    meetings,
    motions,
    representation,
)
from voting.org.services.bodies import update_body_settings

X, Y, P, Q = (WRI_REPS[u] for u in ("Section X", "Section Y", "Associate P", "Associate Q"))
INES = "ines@wri.example"  # an individual member: attends and speaks, no vote (WRI 2(b))
XENIA = "xenia@wri.example"  # a member of Section X holding none of its cards
MISSING = (
    "Try for consensus on this motion first, or record that the meeting decided to go "
    "straight to a vote."
)


def under_discussion(meeting: Meeting) -> Motion:
    motion = motion_of(meeting)
    if motion.item.status.value != "open":
        agenda.open_item(person(WRI_CHAIR), motion.item)
    return motion


def polls_on(motion: Motion) -> int:
    return len(floor.polls_on(motion))


def test_the_api_refuses_a_poll_on_a_motion_nobody_tried_consensus_on(wri, client) -> None:
    motion = under_discussion(wri)
    made = client.post(
        f"/api/v1/meetings/{wri.id}/polls",
        json={"motion": motion.id, "mode": "open"},
        headers=bearer(WRI_CHAIR),
    )
    assert made.status_code == 409
    assert made.json["error"]["message"] == MISSING
    assert polls_on(motion) == 0


def test_the_chairs_page_refuses_it_with_the_same_words(wri, signed_in) -> None:
    motion = under_discussion(wri)
    chair = signed_in(WRI_CHAIR)
    refused = chair.post(f"/meetings/{wri.id}/polls", data={"motion": motion.id, "mode": "open"})
    assert refused.status_code == 409
    assert MISSING in refused.get_data(as_text=True)
    assert polls_on(motion) == 0


def test_a_test_that_reached_consensus_leaves_nothing_to_vote_on(wri, client) -> None:
    motion = under_discussion(wri)
    test = consensus.open_test(person(WRI_CHAIR), motion)
    for email in WRI_REPS.values():
        consensus.answer(person(email), test, "agree")
    consensus.close_test(person(WRI_CHAIR), test)
    assert motion.status is MotionStatus.CONSENSUS

    made = client.post(
        f"/api/v1/meetings/{wri.id}/polls",
        json={"motion": motion.id},
        headers=bearer(WRI_CHAIR),
    )
    assert made.status_code == 409
    assert "agreed by consensus" in made.json["error"]["message"]
    with pytest.raises(Conflict, match="This motion has been decided"):
        handover.go_straight_to_vote(person(WRI_CHAIR), motion, "We want a vote anyway.")
    assert polls_on(motion) == 0


def test_a_test_still_open_is_no_way_round_it(wri) -> None:
    motion = under_discussion(wri)
    consensus.open_test(person(WRI_CHAIR), motion)
    with pytest.raises(Conflict, match="still open"):
        floor.create_poll(person(WRI_CHAIR), wri, motion=motion)
    with pytest.raises(Conflict, match="A test for agreement is open on this item"):
        handover.go_straight_to_vote(person(WRI_CHAIR), motion, "Time is short.")


def test_a_test_without_consensus_lets_the_vote_open_and_decide(wri, client) -> None:
    motion = under_discussion(wri)
    test = consensus.open_test(person(WRI_CHAIR), motion)
    consensus.answer(person(X), test, "agree")
    consensus.answer(person(Q), test, "block", "Not without the sections")
    consensus.close_test(person(WRI_CHAIR), test)
    assert motion.status is MotionStatus.TO_VOTE

    made = client.post(
        f"/api/v1/meetings/{wri.id}/polls",
        json={"motion": motion.id},
        headers=bearer(WRI_CHAIR),
    )
    assert made.status_code == 201, made.json
    poll = db.session.get(Poll, made.json["id"])
    polls.open_poll(person(WRI_CHAIR), poll)
    for email, choice in ((X, "yes"), (Y, "no"), (P, "yes"), (Q, "no")):
        polls.cast(person(email), poll, choice=choice)
    polls.close_poll(person(WRI_CHAIR), poll)
    assert motion.status is MotionStatus.CARRIED


def test_only_the_chair_records_the_decision_to_go_straight_to_a_vote(wri, client) -> None:
    motion = under_discussion(wri)
    url = f"/api/v1/motions/{motion.id}/straight-to-vote"
    reason = {"reason": "The conference agreed the question is urgent."}
    member = client.post(url, json=reason, headers=bearer(X))
    assert member.status_code == 403
    with pytest.raises(NotAllowed):
        handover.go_straight_to_vote(person(INES), motion, "I say so.")
    assert db.session.scalar(select(func.count()).select_from(StraightToVote)) == 0
    assert motion.status is MotionStatus.SUBMITTED

    nameless = client.post(url, json={"reason": "  "}, headers=bearer(WRI_CHAIR))
    assert nameless.status_code == 422 and nameless.json["error"]["field"] == "reason"
    assert (
        client.post(
            f"/api/v1/meetings/{wri.id}/polls",
            json={"motion": motion.id},
            headers=bearer(WRI_CHAIR),
        ).status_code
        == 409
    )

    decided = client.post(url, json=reason, headers=bearer(WRI_CHAIR))
    assert decided.status_code == 201, decided.json
    again = client.post(url, json=reason, headers=bearer(WRI_CHAIR))
    assert again.json["id"] == decided.json["id"]  # a second click records nothing more
    db.session.expire_all()
    assert motion.status is MotionStatus.TO_VOTE
    record = db.session.scalars(select(StraightToVote)).one()
    assert record.reason == reason["reason"] and record.decided_by_id == person(WRI_CHAIR).id
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "motion.straight_to_vote")
    ).one()
    assert event.data["reason"] == reason["reason"] and event.data["motion"] == motion.id

    poll = floor.put_to_vote(person(WRI_CHAIR), motion)
    assert polls.open_poll(person(WRI_CHAIR), poll).status is PollStatus.OPEN


def test_the_chair_console_offers_the_way_forward_and_the_item_keeps_the_decision(
    wri, signed_in
) -> None:
    motion = under_discussion(wri)
    chair = signed_in(WRI_CHAIR)
    console = chair.get(f"/meetings/{wri.id}/chair").get_data(as_text=True)
    assert "Test for agreement</button>" in console
    assert "Go straight to a vote" in console and 'name="reason" required' in console
    assert "Put to a vote" not in console

    done = chair.post(
        f"/motions/{motion.id}/straight-to-vote",
        data={"reason": "The conference voted on this last year."},
    )
    assert done.status_code == 303
    console = chair.get(f"/meetings/{wri.id}/chair").get_data(as_text=True)
    assert "The meeting decided to go straight to a vote." in console
    assert "Put to a vote" in console and "Test for agreement</button>" not in console
    member = signed_in(X).get(f"/meetings/{wri.id}").get_data(as_text=True)
    assert "Straight to a vote" in member and "The conference voted on this last year." in member


def test_a_draft_prepared_before_the_meeting_opens_only_once_consensus_was_tried(live) -> None:
    """WRI: ballot papers go out months before the conference; on the floor the vote still
    waits for the conference to try consensus, or to decide to vote."""
    meeting = meetings.schedule_meeting(
        person(WRI_CHAIR),
        body("wri", "conference"),
        title="Conference",
        scheduled_for=utcnow() + timedelta(days=60),
    )
    agenda.submit_item(
        person(WRI_CHAIR), meeting, section="", title="Article 9", motion_text="Amend it."
    )
    motion = motion_of(meeting)
    draft = floor.create_poll(person(WRI_CHAIR), meeting, motion=motion)
    meetings.open_meeting(person(WRI_CHAIR), meeting)
    representation.assign_cards(
        person(WRI_SECRETARY), unit("wri", "Section X"), person(X), meeting=meeting
    )
    check_in(meeting, X)
    with pytest.raises(Conflict, match="Try for consensus on this motion first"):
        polls.open_poll(person(WRI_CHAIR), draft)
    assert draft.status is PollStatus.DRAFT
    agenda.open_item(person(WRI_CHAIR), motion.item)
    handover.go_straight_to_vote(
        person(WRI_CHAIR), motion, "A constitution amendment is decided by a vote (art. 9)."
    )
    assert polls.open_poll(person(WRI_CHAIR), draft).status is PollStatus.OPEN


def test_an_amendment_goes_to_a_vote_only_after_a_test_or_the_decision(wri) -> None:
    motion = under_discussion(wri)
    amendment = motions.propose_amendment(
        person(P), motion, text="Sections share cases every month.", paragraph=1
    )
    with pytest.raises(Conflict, match="Only an amendment put to the meeting"):
        handover.go_straight_to_vote(person(WRI_CHAIR), motion, "Urgent", amendment=amendment)
    motions.put_to_meeting(person(WRI_CHAIR), amendment)
    with pytest.raises(Conflict, match="Try for consensus on this amendment first"):
        floor.create_poll(person(WRI_CHAIR), wri, amendment=amendment)
    handover.go_straight_to_vote(person(WRI_CHAIR), motion, "Urgent", amendment=amendment)
    assert amendment.status is AmendmentStatus.TO_VOTE
    assert motion.status is MotionStatus.SUBMITTED  # the motion itself waits for its own test
    poll = floor.put_to_vote(person(WRI_CHAIR), motion, amendment=amendment)
    assert polls.open_poll(person(WRI_CHAIR), poll).floor.kind is PollKind.AMENDMENT
    with pytest.raises(Conflict, match=MISSING[:30]):
        floor.create_poll(person(WRI_CHAIR), wri, motion=motion)


def test_procedural_questions_are_not_held_back(wri) -> None:
    under_discussion(wri)
    poll = floor.create_poll(
        person(WRI_CHAIR), wri, kind=PollKind.PROCEDURAL, question="Extend the debate?"
    )
    assert polls.open_poll(person(WRI_CHAIR), poll).status is PollStatus.OPEN


def test_wsm_decides_by_majority_vote_with_no_test_first(live) -> None:
    """WSM 7(a): "All decisions are taken by majority vote"."""
    wsm = body("wsm", "conference").organisation
    assert [b.settings.consensus.first for b in wsm.bodies] == [False] * len(wsm.bodies)
    wri = body("wri", "conference").organisation
    assert all(b.settings.consensus.first for b in wri.bodies)
    council = new_meeting("wsm", "delegate-council", WSM_CHAIR)
    check_in(council, "gal@wsm.example")
    poll = floor.create_poll(person(WSM_CHAIR), council, motion=motion_of(council))
    assert polls.open_poll(person(WSM_CHAIR), poll).status is PollStatus.OPEN


# --- Who answers a test for agreement ---------------------------------------------------------


def test_an_individual_member_is_refused_a_block_where_voters_answer(wri) -> None:
    check_in(wri, INES)
    test = consensus.open_test(person(WRI_CHAIR), under_discussion(wri))
    with pytest.raises(NotAllowed) as refused:
        consensus.answer(person(INES), test, "block", "I disagree")
    assert refused.value.message == (
        "Only those with a vote answer tests for agreement in this body, and you have none: "
        "Ines Individual has no vote: individual members do not vote in this body, whose "
        "votes belong to its units (associate, section) as voting cards held by their "
        "representatives."
    )
    assert db.session.scalar(select(func.count()).select_from(ConsensusAnswer)) == 0
    assert "Ines Individual" not in dict(consensus.participants(test)).values()
    # The chair has no vote here either (WRI: the chair's role carries none).
    check_in(wri, WRI_CHAIR)
    with pytest.raises(NotAllowed, match="chairs do not vote"):
        consensus.answer(person(WRI_CHAIR), test, "agree")
    # A member of a section answers, cards or none: each voter speaks for themself.
    check_in(wri, XENIA)
    consensus.answer(person(XENIA), test, "agree")
    consensus.answer(person(Q), test, "block", "Not without the sections")
    closed = consensus.close_test(person(WRI_CHAIR), test)
    assert closed.outcome.value == "no_consensus"


def test_the_group_commit_refuses_the_same_block_in_the_same_words(wri) -> None:
    check_in(wri, INES)
    test = consensus.open_test(person(WRI_CHAIR), under_discussion(wri))
    with pytest.raises(NotAllowed, match="individual members do not vote in this body"):
        batch.call(consensus.answer, person(INES), test, "block", "I disagree")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ConsensusAnswer)) == 0
    answer = batch.call(consensus.answer, person(X), test, "agree", "", result=lambda a: a.id)
    assert answer


def test_a_body_whose_tests_are_for_everyone_attending_hears_the_individual_member(wri) -> None:
    update_body_settings(
        person(WRI_SECRETARY),
        wri.body,
        {"consensus": {"participants": "attending"}},
        merge=True,
    )
    check_in(wri, INES)
    test = consensus.open_test(person(WRI_CHAIR), under_discussion(wri))
    consensus.answer(person(INES), test, "block", "Individual members care too")
    assert "Ines Individual" in dict(consensus.participants(test)).values()
    assert consensus.result(test).blocks == ("Ines Individual",)


def test_the_setting_takes_only_its_two_values(wri) -> None:
    with pytest.raises(Invalid, match="is not one of the choices") as refused:
        update_body_settings(
            person(WRI_SECRETARY),
            wri.body,
            {"consensus": {"participants": "everyone"}},
            merge=True,
        )
    assert refused.value.field == "consensus.participants"


# --- A refusal to vote says why -------------------------------------------------------------


def test_an_individual_member_trying_to_vote_is_told_individual_members_have_no_vote(
    wri,
) -> None:
    check_in(wri, INES, XENIA)
    motion = under_discussion(wri)
    handover.go_straight_to_vote(person(WRI_CHAIR), motion, "The sections asked for a vote.")
    poll = polls.open_poll(person(WRI_CHAIR), floor.put_to_vote(person(WRI_CHAIR), motion))
    with pytest.raises(NotAllowed) as refused:
        polls.cast(person(INES), poll, choice="yes")
    assert refused.value.message == (
        "You hold no vote in this poll: Ines Individual has no vote: individual members do "
        "not vote in this body, whose votes belong to its units (associate, section) as "
        "voting cards held by their representatives."
    )
    with pytest.raises(NotAllowed) as refused:
        polls.cast(person(XENIA), poll, choice="yes")
    assert refused.value.message == (
        "You hold no vote in this poll: Xenia Rep holds no voting card: this body's votes "
        "belong to its units (associate, section) as cards held by their representatives."
    )
