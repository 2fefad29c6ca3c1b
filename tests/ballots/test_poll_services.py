"""Votes on the floor through the services: the worked examples of the rules (a WRI
conference weighted vote and a constitution amendment, a WSM delegate council with
mandates and attendance), proxies at an AWL conference, a secret ratification ballot,
corrections, deadlines and refusals.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.fixtures.floor import (
    AWL_CHAIR,
    WRI_CHAIR,
    WRI_REPS,
    WRI_SECRETARY,
    WSM_CHAIR,
    check_in,
    later_galway_meeting,
    motion_of,
    open_poll,
    unit,
    vote,
)
from tests.fixtures.people import person
from voting.ballots.models import Participation, PollMode, PollStatus, Vote
from voting.ballots.services import entitlements, polls
from voting.core.audit import AuditEvent
from voting.core.columns import utcnow
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.meetings.models import AmendmentStatus, PollKind, Proxy
from voting.meetings.services import floor, motions, representation

XAVIER, YUSUF, PIA, QUINN = WRI_REPS.values()


def lines(poll) -> list[str]:  # type: ignore[no-untyped-def]
    return [entitlements.text_of(e.reason) for e in poll.entitlements]


# --- WRI: weighted section votes held as voting cards -----------------------------------------


def test_wri_conference_weighted_vote_is_carried_four_votes_to_three(wri) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    assert sorted(lines(poll)) == [
        "Pia Rep holds 1 vote: 1 card of Associate P",
        "Quinn Rep holds 1 vote: 1 card of Associate Q",
        "Xavier Rep holds 3 votes: 3 cards of Section X",
        "Yusuf Rep holds 2 votes: 2 cards of Section Y",
    ]
    vote(poll, XAVIER, "yes")
    vote(poll, YUSUF, "no")
    assert polls.progress(poll).sentence() == "2 of 4 votes cast (weight 5 of 7)"
    vote(poll, PIA, "yes")
    vote(poll, QUINN, "no")

    polls.close_poll(person(WRI_CHAIR), poll)

    assert poll.status is PollStatus.CLOSED
    assert poll.result["outcome"] == "carried"
    assert poll.result["totals"] == {"yes": 4, "no": 3, "abstain": 0}
    assert poll.result["sentence"] == (
        "Carried: 4 votes to 3 (majority of votes cast needed: more than 3 1/2 of 7)"
    )
    assert polls.result_sentences(poll) == [poll.result["sentence"]]
    closed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "poll.closed")).one()
    assert closed.data["sentence"] == poll.result["sentence"]


def test_constitution_amendment_only_sections_vote_and_three_of_five_is_lost(wri) -> None:
    poll = open_poll(wri, WRI_CHAIR, special="constitution_amendment")
    assert sorted(lines(poll)) == [
        "Xavier Rep holds 3 votes: 3 cards of Section X",
        "Yusuf Rep holds 2 votes: 2 cards of Section Y",
    ]
    vote(poll, XAVIER, "yes")
    vote(poll, YUSUF, "no")
    with pytest.raises(NotAllowed) as refused:
        vote(poll, QUINN, "yes")
    assert "only section units vote" in refused.value.message

    polls.close_poll(person(WRI_CHAIR), poll)
    assert poll.result["outcome"] == "lost"
    assert poll.result["sentence"] == (
        "Lost: 3 votes to 2 (2/3 of votes cast needed: at least 3 1/3 of 5)"
    )


def test_no_one_holds_cards_of_two_organisations(wri) -> None:
    with pytest.raises(Conflict) as refused:
        representation.assign_cards(
            person(WRI_SECRETARY), unit("wri", "Section Y"), person(XAVIER), meeting=wri
        )
    assert refused.value.message.startswith(
        "No individual may hold voting cards on behalf of more than one organisation"
    )
    with pytest.raises(Conflict, match="already holds cards of Section X"):
        representation.assign_cards(
            person(WRI_SECRETARY), unit("wri", "Section X"), person(XAVIER), meeting=wri
        )


def test_cards_split_between_two_representatives_of_a_section(wri) -> None:
    representation.assign_cards(
        person(WRI_SECRETARY), unit("wri", "Section X"), person("xenia@wri.example"), meeting=wri
    )
    check_in(wri, "xenia@wri.example")
    poll = open_poll(wri, WRI_CHAIR)
    assert "Xavier Rep holds 2 votes: 2 cards of Section X" in lines(poll)
    assert "Xenia Rep holds 1 vote: 1 card of Section X" in lines(poll)


def test_only_the_secretary_hands_out_cards(wri) -> None:
    with pytest.raises(NotAllowed):
        representation.assign_cards(
            person(XAVIER), unit("wri", "Section Y"), person("xenia@wri.example"), meeting=wri
        )


# --- WSM: delegates carry their branch's attendance, mandates ----------------------------------


def test_wsm_delegates_carry_attendance_and_a_vote_against_the_mandate_is_confirmed_and_reported(
    wsm,
) -> None:
    later_galway_meeting(wsm.scheduled_for.date() + timedelta(days=1), 14)  # after: not counted
    motion = motion_of(wsm)
    representation.record_mandate(person(WSM_CHAIR), unit("wsm", "Galway"), motion, "no")
    poll = open_poll(wsm, WSM_CHAIR, mode=PollMode.NAMED)
    text = lines(poll)
    assert any(
        t.startswith("Gal Delegate holds 5 votes: delegate of Galway, 5 of the 9") for t in text
    )
    assert any(
        t.startswith("Gwen Delegate holds 4 votes: delegate of Galway, 4 of the 9") for t in text
    )
    assert any(t.startswith("Lee Delegate holds 5 votes: delegate of Limerick") for t in text)
    assert any(t.startswith("Dara Delegate holds 17 votes: delegate of Dublin") for t in text)
    refusals = [entitlements.text_of(r) for r in poll.refusals]
    assert "Tom Treasurer has no vote: officers do not vote in this body" in refusals

    with pytest.raises(NotAllowed, match="officers do not vote"):
        vote(poll, "tom@wsm.example", "yes")
    with pytest.raises(polls.AgainstInstruction, match="asked to vote Against"):
        vote(poll, "gal@wsm.example", "yes")
    assert polls.progress(poll).voters == 0  # nothing recorded without the confirmation
    vote(poll, "gal@wsm.example", "yes", confirm_against_mandate=True)
    vote(poll, "gwen@wsm.example", "no")
    vote(poll, "lee@wsm.example", "yes")
    vote(poll, "dara@wsm.example", "no")
    polls.close_poll(person(WSM_CHAIR), poll)

    assert poll.result["totals"] == {"yes": 10, "no": 21, "abstain": 0}
    assert poll.result["outcome"] == "lost"
    assert poll.result["against"] == 1
    gal = next(n for n in poll.result["named"] if n["holder"] == "Gal Delegate")
    assert gal["against"] and gal["expected"] == "no" and gal["for"] == "Galway"

    report = representation.unit_report(wsm, unit("wsm", "Galway"))
    assert [(v.delegate, v.parts, v.against) for v in report.votes] == [
        ("Gal Delegate", [("yes", 5)], True),
        ("Gwen Delegate", [("no", 4)], False),
    ]
    assert report.late_items == [("Motion on housing", "Brought forward by the branches")]


def test_a_delegate_splits_their_votes_where_the_body_allows(wsm) -> None:
    poll = open_poll(wsm, WSM_CHAIR)
    with pytest.raises(Invalid, match="Divide exactly your 17 votes"):
        polls.cast(person("dara@wsm.example"), poll, split={"yes": 10, "no": 5})
    polls.cast(person("dara@wsm.example"), poll, split={"yes": 10, "no": 7})
    polls.close_poll(person(WSM_CHAIR), poll)
    assert poll.result["totals"] == {"yes": 10, "no": 7, "abstain": 0}


# --- AWL: withdrawn members vote by proxy ------------------------------------------------------


def test_awl_withdrawn_member_votes_by_directed_proxy_and_the_holder_casts_each_vote(awl) -> None:
    wes, pat = person("wes@awl.example"), person("pat@awl.example")
    motion = motion_of(awl)
    representation.appoint_proxy(wes, awl, pat, motion=motion, instruction="yes")
    check_in(awl, "pat@awl.example", "fay@awl.example", "cal@awl.example", "ola@awl.example")
    poll = open_poll(awl, AWL_CHAIR)
    expected = f"proxy for Wes Withdrawn (motion {motion.id}), directed to vote yes"
    assert f"Pat Proxy holds 1 vote: {expected}" in lines(poll)
    held = entitlements.holdings_of(poll, pat)
    assert {h.voter_key for h in held} == {f"person:{pat.id}", f"person:{wes.id}"}

    polls.cast(pat, poll, choice="no", keys=[f"person:{pat.id}"])
    with pytest.raises(polls.AgainstInstruction, match="a directed proxy"):
        polls.cast(pat, poll, choice="no", keys=[f"person:{wes.id}"])
    polls.cast(pat, poll, choice="yes", keys=[f"person:{wes.id}"])
    with pytest.raises(NotAllowed, match="candidate members do not vote"):
        vote(poll, "cal@awl.example", "yes")
    vote(poll, "fay@awl.example", "yes")
    polls.close_poll(person(AWL_CHAIR), poll)
    assert poll.result["totals"] == {"yes": 2, "no": 1, "abstain": 0}
    assert poll.result["voters"] == 3


def test_a_proxy_lapses_when_its_principal_is_present(awl) -> None:
    wes, pat = person("wes@awl.example"), person("pat@awl.example")
    representation.appoint_proxy(wes, awl, pat)  # the whole meeting, free
    # Withdrawn members vote only in writing or by proxy: presence does not lapse theirs.
    check_in(awl, "pat@awl.example", "wes@awl.example")
    poll = open_poll(awl, AWL_CHAIR)
    assert any("proxy for Wes Withdrawn (whole meeting)" in line for line in lines(poll))
    with pytest.raises(NotAllowed, match="only in writing or by proxy"):
        polls.cast(wes, poll, choice="yes", keys=[f"person:{wes.id}"])


def test_a_member_present_votes_in_person_and_the_proxy_lapses(awl) -> None:
    pat, fay, ola = (person(f"{n}@awl.example") for n in ("pat", "fay", "ola"))
    body = awl.body
    settings = body.settings
    settings.proxies.statuses = ["full", "withdrawn"]
    body.settings = settings
    db.session.commit()
    representation.appoint_proxy(fay, awl, pat)
    representation.appoint_proxy(ola, awl, pat)
    check_in(awl, "pat@awl.example", "fay@awl.example")
    poll = open_poll(awl, AWL_CHAIR)
    refusals = [entitlements.text_of(r) for r in poll.refusals]
    assert "proxy for Fay Full lapsed: Fay Full is present and votes in person" in refusals
    assert db.session.get(Proxy, 1).lapsed_at is not None
    vote(poll, "fay@awl.example", "no")
    # Ola arrives after the poll opened, while her proxy is unused: she votes in person.
    check_in(awl, "ola@awl.example")
    vote(poll, "ola@awl.example", "no")
    receipt = polls.cast(pat, poll, choice="yes")  # all alike: only Pat's own vote is left
    assert receipt.keys == [f"person:{pat.id}"]
    with pytest.raises(Conflict, match="already voted"):
        polls.cast(pat, poll, choice="yes", keys=[f"person:{ola.id}"])
    polls.close_poll(person(AWL_CHAIR), poll)
    assert poll.result["totals"] == {"yes": 1, "no": 2, "abstain": 0}


def test_proxies_refuse_chains_and_caps(awl) -> None:
    wes, pat, fay = (person(f"{n}@awl.example") for n in ("wes", "pat", "fay"))
    with pytest.raises(NotAllowed, match="does not let you give a proxy"):
        representation.appoint_proxy(fay, awl, pat)  # full members give no proxy in AWL
    representation.appoint_proxy(wes, awl, pat)
    with pytest.raises(Invalid, match="your own proxy"):
        representation.appoint_proxy(wes, awl, wes)
    cal = person("cal@awl.example")
    with pytest.raises(NotAllowed):
        representation.appoint_proxy(cal, awl, pat)  # candidates have no vote to give
    body = awl.body
    settings = body.settings
    settings.proxies.statuses = ["full", "withdrawn"]
    settings.proxies.cap_per_holder = 1
    body.settings = settings
    db.session.commit()
    with pytest.raises(Conflict, match="no chains"):
        representation.appoint_proxy(pat, awl, fay)  # Pat holds Wes's vote
    with pytest.raises(Conflict, match="no chains"):
        representation.appoint_proxy(fay, awl, wes)  # Wes gave his own vote away
    with pytest.raises(Conflict, match="the most this body allows"):
        representation.appoint_proxy(fay, awl, pat)
    # A second proxy for the same scope replaces the first.
    representation.appoint_proxy(wes, awl, fay)
    active = db.session.scalars(select(Proxy).where(Proxy.revoked_at.is_(None))).all()
    assert [(p.principal_id, p.holder_id) for p in active] == [(wes.id, fay.id)]


# --- A secret officer ratification ballot ------------------------------------------------------


def test_secret_ratification_ballot_gives_trackers_and_publishes_them_apart_from_choices(
    awl,
) -> None:
    voters = ["pat@awl.example", "fay@awl.example", "ola@awl.example"]
    check_in(awl, *voters)
    poll = floor.create_poll(
        person(AWL_CHAIR),
        awl,
        kind=PollKind.PROCEDURAL,
        question="Ratify Fay Full as treasurer?",
        mode=PollMode.SECRET,
    )
    polls.open_poll(person(AWL_CHAIR), poll)
    receipts = [
        vote(poll, email, choice)
        for email, choice in zip(voters, ["yes", "yes", "no"], strict=True)
    ]
    assert all(r.tracker and len(r.tracker) == 19 for r in receipts)
    with pytest.raises(Conflict, match="already recorded"):
        vote(poll, voters[0], "yes")
    assert polls.published_trackers(poll) == []  # nothing before close

    polls.close_poll(person(AWL_CHAIR), poll)
    assert poll.result["sentence"] == (
        "Carried: 2 votes to 1 (majority of votes cast needed: more than 1 1/2 of 3)"
    )
    assert sorted(polls.tracker_hash(r.tracker) for r in receipts) == polls.published_trackers(poll)
    assert sorted(polls.published_choices(poll)) == ["no", "yes", "yes"]
    assert poll.result["named"] == []
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_a_small_secret_poll_warns_the_chair_before_opening(awl) -> None:
    check_in(awl, "pat@awl.example", "fay@awl.example")
    poll = floor.create_poll(person(AWL_CHAIR), awl, motion=motion_of(awl), mode=PollMode.SECRET)
    preview = polls.preview_poll(person(AWL_CHAIR), poll)
    assert preview.warnings() == ["Only 2 voters: a secret tally could show how each voted"]
    with pytest.raises(polls.PrivacyWarning) as warned:
        polls.open_poll(person(AWL_CHAIR), poll)
    assert warned.value.field == "confirm_privacy"
    assert poll.status is PollStatus.DRAFT
    polls.open_poll(person(AWL_CHAIR), poll, confirm_privacy=True)
    assert poll.status is PollStatus.OPEN


# --- One vote each, closed polls, corrections -----------------------------------------------


def test_the_same_vote_twice_is_acknowledged_once_and_a_different_one_refused(wri) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    first = vote(poll, XAVIER, "yes")
    again = vote(poll, XAVIER, "yes")
    assert not first.already and again.already
    with pytest.raises(Conflict, match="already voted"):
        vote(poll, XAVIER, "no")
    assert db.session.scalar(select(func.count()).select_from(Participation)) == 1


def test_voting_is_refused_once_the_poll_is_closed_or_before_check_in(wri) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    representation.assign_cards(
        person(WRI_SECRETARY),
        unit("wri", "Section X"),
        person("xenia@wri.example"),
        meeting=wri,
    )
    check_in(wri, "xenia@wri.example")
    with pytest.raises(NotAllowed, match="You hold no vote"):
        vote(poll, "xenia@wri.example", "yes")  # cards given after the snapshot
    polls.close_poll(person(WRI_CHAIR), poll)
    with pytest.raises(Conflict, match="This poll is closed"):
        vote(poll, XAVIER, "yes")


def test_the_poll_closes_itself_at_its_deadline_once(wri) -> None:
    poll = open_poll(wri, WRI_CHAIR, minutes=2)
    vote(poll, XAVIER, "yes")
    poll.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Conflict, match="closed"):
        vote(poll, YUSUF, "no")
    polls.close_if_due(poll)
    assert poll.status is PollStatus.CLOSED and poll.result["totals"]["yes"] == 3
    closes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "poll.closed")).all()
    assert len(closes) == 1 and closes[0].data["by_deadline"] is True


def test_the_chair_annuls_a_poll_with_a_reason_and_reruns_it(wri) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    vote(poll, XAVIER, "yes")
    with pytest.raises(Invalid, match="reason"):
        polls.annul_poll(person(WRI_CHAIR), poll, " ")
    with pytest.raises(NotAllowed):
        polls.annul_poll(person(XAVIER), poll, "I lost")
    rerun = polls.annul_poll(person(WRI_CHAIR), poll, "Cards of Section Y were wrong", rerun=True)
    assert poll.status is PollStatus.ANNULLED and poll.annul_reason.startswith("Cards")
    assert rerun.rerun_of_id == poll.id and rerun.status is PollStatus.DRAFT
    polls.open_poll(person(WRI_CHAIR), rerun)
    vote(rerun, XAVIER, "no")
    polls.close_poll(person(WRI_CHAIR), rerun)
    assert rerun.result["totals"]["no"] == 3


def test_only_one_poll_is_open_at_a_time_and_only_the_chair_opens_it(wri) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    second = floor.create_poll(
        person(WRI_CHAIR), wri, question="Take a break?", kind=PollKind.PROCEDURAL
    )
    with pytest.raises(Conflict, match="Another poll is open"):
        polls.open_poll(person(WRI_CHAIR), second)
    with pytest.raises(NotAllowed):
        polls.open_poll(person(XAVIER), second)
    assert polls.open_poll(person(WRI_CHAIR), poll) is poll  # opening twice changes nothing


def test_a_multiple_choice_poll_chooses_the_option_with_most_votes(wri) -> None:
    poll = floor.create_poll(
        person(WRI_CHAIR),
        wri,
        kind=PollKind.PROCEDURAL,
        question="Where is the next conference?",
        choices=["Berlin", "Madrid", "Abstain"],
    )
    polls.open_poll(person(WRI_CHAIR), poll)
    vote(poll, XAVIER, "Madrid")
    vote(poll, YUSUF, "Berlin")
    vote(poll, PIA, "Berlin")
    with pytest.raises(Invalid):
        vote(poll, QUINN, "yes")
    polls.close_poll(person(WRI_CHAIR), poll)
    assert poll.result["totals"] == {"Berlin": 3, "Madrid": 3, "Abstain": 0}
    assert poll.result["outcome"] == "tied"


def test_an_amendment_carried_by_vote_becomes_part_of_the_motion(wri) -> None:
    motion = motion_of(wri)
    from voting.meetings.services import agenda

    agenda.open_item(person(WRI_CHAIR), motion.item)
    amendment = motions.propose_amendment(person(XAVIER), motion, text="A new text.", paragraph=2)
    motions.put_to_meeting(person(WRI_CHAIR), amendment)
    poll = open_poll(wri, WRI_CHAIR, amendment=amendment, motion=None)
    assert poll.floor.kind is PollKind.AMENDMENT
    vote(poll, XAVIER, "yes")
    polls.close_poll(person(WRI_CHAIR), poll)
    assert amendment.status is AmendmentStatus.ACCEPTED
    assert "A new text." in motion.text
