"""Elections through their services: a WSM uncontested officer ratified by secret ballot,
a WRI council elected from papers returned before the conference and floor ballots, a
recall by the body the constitution names and its by-election, and the mistakes each
step refuses with a message a person understands."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.elections.conftest import ISN_PEOPLE, NIA, email_of, rank
from tests.fixtures.floor import (
    WRI_CHAIR,
    WRI_REPS,
    WRI_SECRETARY,
    WSM_CHAIR,
    check_in,
    new_meeting,
)
from tests.fixtures.people import person
from voting.ballots.models import PollMode, PollStatus, SealedBallot
from voting.ballots.services import polls, precast
from voting.core.columns import utcnow
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.elections.models import Election, ElectionStatus, Office, Position
from voting.elections.services import elections, nominations
from voting.meetings.models import Meeting
from voting.membership.models import RoleKind
from voting.rules import rankings

VOTERS = [email_of(n) for n, _g in ISN_PEOPLE]
XAVIER, YUSUF, PIA, QUINN = WRI_REPS.values()


def position_of(meeting: Meeting, slug: str) -> Position:
    return db.session.scalars(
        select(Position).where(
            Position.slug == slug, Position.organisation_id == meeting.body.organisation_id
        )
    ).one()


def call(meeting: Meeting, slug: str, chair: str, **kwargs) -> Election:  # type: ignore[no-untyped-def]
    return elections.create_election(
        person(chair),
        position_of(meeting, slug),
        nominations_close_at=utcnow() + timedelta(hours=1),
        occasion_id=meeting.id,
        **kwargs,
    )


# --- WSM: an uncontested officer goes to a secret yes/no ratification ----------------------


@pytest.fixture
def wsm_conference(live, clock) -> Meeting:  # type: ignore[no-untyped-def]
    meeting = new_meeting("wsm", "conference", WSM_CHAIR)
    check_in(
        meeting,
        WSM_CHAIR,
        "gal@wsm.example",
        "gwen@wsm.example",
        "lee@wsm.example",
        "mo@wsm.example",
    )
    return meeting


def test_wsm_uncontested_officer_is_ratified_by_secret_ballot(wsm_conference, clock) -> None:
    election = call(wsm_conference, "national-secretary", WSM_CHAIR)
    made = nominations.nominate(person("gal@wsm.example"), election, person("mo@wsm.example"))
    nominations.consent(person("mo@wsm.example"), made, statement="I will answer every letter.")
    clock.shift(timedelta(hours=2))
    poll = elections.prepare_ballot(person(WSM_CHAIR), election)
    assert election.method == "ratification"
    assert poll.is_yes_no and poll.is_secret  # 10(c): the ratification ballot is secret too
    assert poll.floor.meeting_id == wsm_conference.id
    polls.open_poll(person(WSM_CHAIR), poll, confirm_privacy=True)
    for voter, choice in (
        (WSM_CHAIR, "yes"),
        ("gal@wsm.example", "yes"),
        ("gwen@wsm.example", "no"),
        ("lee@wsm.example", "yes"),
    ):
        polls.cast(person(voter), poll, choice=choice)
    assert db.session.scalar(select(SealedBallot.id).where(SealedBallot.poll_id == poll.id))
    polls.close_poll(person(WSM_CHAIR), poll)
    assert election.status is ElectionStatus.DECIDED
    assert [e["name"] for e in election.result["elected"]] == ["Mo Member"]
    assert poll.result["outcome"] == "elected"
    office = db.session.scalars(select(Office).where(Office.election_id == election.id)).one()
    assert office.role is not None and office.role.kind is RoleKind.OFFICER
    assert office.role.body.slug == "delegate-council"
    assert (office.ends_on - office.starts_on).days in range(364, 366)


def test_wsm_ratification_that_fails_leaves_the_position_vacant(wsm_conference, clock) -> None:
    election = call(wsm_conference, "treasurer", WSM_CHAIR)
    made = nominations.nominate(person("gal@wsm.example"), election, person("mo@wsm.example"))
    nominations.consent(person("mo@wsm.example"), made)
    clock.shift(timedelta(hours=2))
    poll = elections.prepare_ballot(person(WSM_CHAIR), election)
    polls.open_poll(person(WSM_CHAIR), poll, confirm_privacy=True)
    for voter in ("gal@wsm.example", "gwen@wsm.example", "lee@wsm.example"):
        polls.cast(person(voter), poll, choice="no")
    polls.close_poll(person(WSM_CHAIR), poll)
    assert election.result["elected"] == []
    assert poll.result["outcome"] == "vacant"
    assert "not ratified" in poll.result["sentence"]
    assert not elections.holders(election.position)


def test_wsm_term_and_office_limits_refuse_the_nomination(wsm_conference, clock) -> None:
    """No more than 3 years in a position in succession; no more than two at once."""
    mo = person("mo@wsm.example")
    secretary = position_of(wsm_conference, "national-secretary")
    today = utcnow().date()
    for years_ago in (3, 2, 1):
        start = today - dt.timedelta(days=365 * years_ago)
        db.session.add(
            Office(
                position=secretary,
                person_id=mo.id,
                starts_on=start,
                ends_on=start + dt.timedelta(days=364),
            )
        )
    db.session.commit()
    election = call(wsm_conference, "national-secretary", WSM_CHAIR)
    with pytest.raises(Conflict, match="years in succession"):
        nominations.nominate(person("gal@wsm.example"), election, mo)

    lee = person("lee@wsm.example")
    for slug in ("treasurer", "internal-secretary"):
        db.session.add(
            Office(
                position=position_of(wsm_conference, slug),
                person_id=lee.id,
                starts_on=today - dt.timedelta(days=30),
                ends_on=today + dt.timedelta(days=300),
            )
        )
    db.session.commit()
    with pytest.raises(Conflict, match="at most 2 at once"):
        nominations.nominate(person("gal@wsm.example"), election, lee)


def test_wsm_ballot_shows_who_already_holds_a_post(wsm_conference, clock) -> None:
    today = utcnow().date()
    db.session.add(
        Office(
            position=position_of(wsm_conference, "treasurer"),
            person_id=person("lee@wsm.example").id,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=300),
        )
    )
    db.session.commit()
    election = call(wsm_conference, "internal-secretary", WSM_CHAIR)
    holder = nominations.nominate(person("gal@wsm.example"), election, person("lee@wsm.example"))
    nominations.consent(person("lee@wsm.example"), holder)
    free = nominations.nominate(person("gal@wsm.example"), election, person("mo@wsm.example"))
    nominations.consent(person("mo@wsm.example"), free)
    assert holder.holds_post and not free.holds_post


# --- WRI: papers returned before the conference, counted with the floor's ballots ----------


def test_wri_council_from_papers_before_the_conference_and_floor_ballots(wri, clock) -> None:
    election = call(wri, "council-members", WRI_SECRETARY, seats=2)
    names = {
        "ines@wri.example": "Ines Individual",
        "xenia@wri.example": "Xenia Rep",
        "chris@wri.example": "Chris Chair",
    }
    for email in names:
        made = nominations.nominate(person(WRI_SECRETARY), election, person(email), unit=None)
        for supporter in (XAVIER, YUSUF, PIA, QUINN):
            nominations.support(person(supporter), made)
        assert nominations.standing(made).stands is False  # no consent yet
        nominations.consent(person(email), made)
        assert nominations.standing(made).stands  # 5 members and consent
    clock.shift(timedelta(hours=2))
    poll = elections.prepare_ballot(person(WRI_SECRETARY), election)
    assert poll.form is rankings.BallotForm.RANKED and poll.seats == 2
    precast.open_window(person(WRI_SECRETARY), poll, utcnow() + timedelta(days=7))
    codes = {(p.unit, p.number): p.code for p in precast.issue_papers(person(WRI_SECRETARY), poll)}
    number = {name: str(poll.choices.index(name) + 1) for name in names.values()}
    # Section Y's two papers and Associate Q's one come back by post, ranked.
    for key in (("Section Y", 1), ("Section Y", 2), ("Associate Q", 1)):
        precast.return_paper(
            poll, codes[key], f"{number['Ines Individual']}>{number['Chris Chair']}"
        )
    with pytest.raises(Invalid, match="ranked twice"):
        precast.return_paper(
            poll, codes[("Section X", 1)], f"{number['Xenia Rep']}>{number['Xenia Rep']}"
        )
    polls.open_poll(person(WRI_CHAIR), poll, confirm_privacy=True)
    # On the floor Xavier holds Section X's 3 cards, Pia Associate P's one.
    polls.cast(person(XAVIER), poll, choice=f"{number['Xenia Rep']}>{number['Chris Chair']}")
    polls.cast(person(PIA), poll, choice=f"{number['Chris Chair']}")
    polls.close_poll(person(WRI_CHAIR), poll)
    result = election.result
    assert result["cast"] == 7  # 3 papers + 3 cards + 1 card
    assert sorted(poll.result["ballots"].values()) == [1, 3, 3]
    # Quota 7/3: Ines (3) and Xenia (3) both reach it in the first round.
    assert {e["name"] for e in result["elected"]} == {"Ines Individual", "Xenia Rep"}


# --- Recall and by-election --------------------------------------------------------------


def test_recall_by_the_body_that_elected_then_a_by_election(nmm, run_election, clock) -> None:
    election = run_election(nmm, "national-treasurer", ["Cathal", "Aisling"])
    for voter in VOTERS:
        rank(election.poll, voter, "Cathal", "Aisling")
    polls.close_poll(person(NIA), election.poll)
    office = elections.holders(election.position)[0]
    assert office.person.name == "Cathal"

    with pytest.raises(Invalid, match="grounds"):
        elections.start_recall(person(NIA), office, "  ", occasion_id=nmm.id)
    with pytest.raises(NotAllowed):
        elections.start_recall(
            person(email_of("Declan")), office, "Missed every meeting", occasion_id=nmm.id
        )
    recall = elections.start_recall(person(NIA), office, "Missed every meeting", occasion_id=nmm.id)
    poll = recall.poll
    assert poll.is_yes_no and poll.floor.meeting_id == nmm.id
    polls.open_poll(person(NIA), poll, confirm_privacy=True)
    for i, voter in enumerate(VOTERS):
        polls.cast(person(voter), poll, choice="yes" if i < 9 else "no")
    polls.close_poll(person(NIA), poll)
    assert recall.outcome == "carried"
    today = utcnow().date()
    assert office.ended_on == today and not office.role.current_on(today)
    assert not elections.holders(election.position)
    by_election = elections.by_election_of(recall)
    assert by_election is not None and by_election.status is ElectionStatus.NOMINATING
    assert by_election.recall.id == recall.id and by_election.seats == 1

    # The by-election runs like any other.
    made = nominations.nominate(person(NIA), by_election, person(email_of("Aisling")))
    nominations.consent(person(email_of("Aisling")), made)
    clock.shift(timedelta(days=15))
    ballot = elections.prepare_ballot(person(NIA), by_election)
    assert by_election.method == "ratification"
    polls.open_poll(person(NIA), ballot, confirm_privacy=True)
    for voter in VOTERS:
        polls.cast(person(voter), ballot, choice="yes")
    polls.close_poll(person(NIA), ballot)
    assert [o.person.name for o in elections.holders(by_election.position)] == ["Aisling"]


def test_a_recall_that_is_lost_changes_nothing(nmm, run_election) -> None:
    election = run_election(nmm, "national-organiser", ["Fionn", "Eimear"])
    for voter in VOTERS:
        rank(election.poll, voter, "Fionn")
    polls.close_poll(person(NIA), election.poll)
    office = elections.holders(election.position)[0]
    recall = elections.start_recall(person(NIA), office, "Policy", occasion_id=nmm.id)
    polls.open_poll(person(NIA), recall.poll, confirm_privacy=True)
    polls.cast(person(VOTERS[0]), recall.poll, choice="no")
    polls.close_poll(person(NIA), recall.poll)
    assert recall.outcome == "lost" and office.ended_on is None
    assert elections.by_election_of(recall) is None


# --- Bad input -----------------------------------------------------------------------------


def test_nominations_refuse_late_unconsented_and_unentitled(nmm, clock) -> None:
    election = call(nmm, "national-secretary", NIA)
    outsider = person("sam@wsm.example")  # another organisation's member
    with pytest.raises(Exception) as refused:
        nominations.nominate(outsider, election, person(email_of("Cathal")))
    assert refused.value.status in (403, 404)
    with pytest.raises(Invalid, match="Only a member"):
        nominations.nominate(person(NIA), election, outsider)
    made = nominations.nominate(person(NIA), election, person(email_of("Cathal")))
    with pytest.raises(Conflict, match="already nominated"):
        nominations.nominate(person(email_of("Hugh")), election, person(email_of("Cathal")))
    with pytest.raises(NotAllowed, match="Only the candidate"):
        nominations.consent(person(NIA), made)
    clock.shift(timedelta(hours=2))
    with pytest.raises(Conflict, match="Nominations closed"):
        nominations.nominate(person(NIA), election, person(email_of("Hugh")))
    with pytest.raises(Conflict, match="No nomination stands"):
        elections.prepare_ballot(person(NIA), election)  # Cathal never consented
    assert election.poll_id is None and election.status is ElectionStatus.NOMINATING


def test_the_ballot_cannot_be_prepared_before_the_deadline_or_by_a_member(nmm) -> None:
    election = call(nmm, "national-secretary", NIA)
    with pytest.raises(Conflict, match="open until"):
        elections.prepare_ballot(person(NIA), election)
    with pytest.raises(NotAllowed):
        elections.prepare_ballot(person(email_of("Hugh")), election)
    with pytest.raises(Invalid, match="future"):
        elections.create_election(
            person(NIA),
            position_of(nmm, "national-secretary"),
            nominations_close_at=utcnow() - timedelta(minutes=1),
        )


def test_rankings_with_a_repeat_a_gap_or_a_shared_rank_are_refused(nmm, run_election) -> None:
    election = run_election(nmm, "national-secretary", ["Cathal", "Aisling", "Hugh"])
    poll = election.poll
    voter = person(VOTERS[0])
    with pytest.raises(Invalid, match="Cathal is ranked twice"):
        polls.cast(voter, poll, choice="1>1")
    with pytest.raises(Invalid, match="no candidate 7"):
        polls.cast(voter, poll, choice="1>7")
    from voting.ballots import forms

    with pytest.raises(Invalid, match="No candidate is ranked 2"):
        forms.from_ranks(poll, {1: 1, 2: 3, 3: None})
    with pytest.raises(Invalid, match="both ranked 1"):
        forms.from_ranks(poll, {1: 1, 2: 1, 3: 2})
    with pytest.raises(Invalid, match="cannot be split"):
        polls.cast(voter, poll, split={"1": 1})
    assert polls.used_keys(poll) == set()  # nothing was recorded
    receipt = polls.cast(voter, poll, choice=forms.from_ranks(poll, {1: 2, 2: 1, 3: None}))
    assert receipt.keys
    with pytest.raises(Conflict, match="already recorded"):
        polls.cast(voter, poll, choice="1")


def test_a_candidate_withdrawn_after_ballots_are_cast_is_passed_over(nmm, run_election) -> None:
    election = run_election(nmm, "national-secretary", ["Cathal", "Aisling", "Hugh"])
    poll = election.poll
    for i, voter in enumerate(VOTERS):
        rank(poll, voter, *(["Hugh", "Aisling"] if i < 7 else ["Cathal", "Aisling"]))
    hugh = next(n for n in election.nominations if n.candidate.name == "Hugh")
    nominations.withdraw(person(email_of("Hugh")), hugh, "Moving abroad")
    polls.close_poll(person(NIA), poll)
    assert [e["name"] for e in election.result["elected"]] == ["Aisling"]  # Hugh's 7 transfer
    from voting.elections import queries

    assert any(
        "withdrew after ballots were cast" in s for s in queries.result_json(election)["sentences"]
    )


def test_an_unmeetable_minimum_is_said_before_the_ballot_opens(nmm, run_election, clock) -> None:
    # The three officers are men; only two women stand for the five seats of the group.
    for slug, standing in (
        ("national-secretary", ["Cathal"]),
        ("national-treasurer", ["Declan"]),
        ("national-organiser", ["Fionn"]),
    ):
        election = run_election(nmm, slug, standing)
        for voter in VOTERS:
            polls.cast(person(voter), election.poll, choice="yes")
        polls.close_poll(person(NIA), election.poll)
    group = call(nmm, "steering-members", NIA)
    for name in ("Hugh", "Iarla", "Kevin", "Grainne", "Jude"):
        made = nominations.nominate(person(NIA), group, person(email_of(name)))
        nominations.consent(person(email_of(name)), made)
    warning = elections.shortfall(group)
    assert "At least 4 seats must go to woman" in warning
    assert "0 already elected and 2 standing" in warning
    clock.shift(timedelta(hours=2))
    poll = elections.prepare_ballot(person(NIA), group)  # the body may still go ahead
    assert poll.status is PollStatus.DRAFT


def test_an_open_non_secret_election_keeps_each_ballot_with_its_weight(nmm, run_election) -> None:
    election = run_election(nmm, "national-secretary", ["Cathal", "Aisling"], secret=False)
    assert election.poll.mode is PollMode.OPEN
    rank(election.poll, VOTERS[0], "Aisling", "Cathal")
    rank(election.poll, VOTERS[1], "Cathal")
    rank(election.poll, VOTERS[2], "Aisling")
    polls.close_poll(person(NIA), election.poll)
    assert election.poll.result["ballots"] == {"1": 1, "2": 1, "2>1": 1}
    assert [e["name"] for e in election.result["elected"]] == ["Aisling"]


def test_an_approval_election_where_the_body_wants_one(nmm, run_election) -> None:
    body = nmm.body
    settings = body.settings
    settings.elections.method = "approval"
    body.settings = settings
    db.session.commit()
    election = run_election(nmm, "steering-members", ["Hugh", "Jude", "Kevin"], seats=2)
    poll = election.poll
    assert poll.form is rankings.BallotForm.APPROVAL
    from voting.ballots import forms

    with pytest.raises(Invalid, match="Hugh is marked twice"):
        polls.cast(person(VOTERS[0]), poll, choice=forms.from_list(poll, ["Hugh", "Hugh"]))
    for i, voter in enumerate(VOTERS):
        approved = ["Hugh", "Jude"] if i < 5 else ["Jude", "Kevin"] if i < 9 else ["Kevin"]
        polls.cast(person(voter), poll, choice=forms.from_list(poll, approved))
    polls.close_poll(person(NIA), poll)
    # Jude 9 approvals, Kevin 7, Hugh 5.
    assert [e["name"] for e in election.result["elected"]] == ["Jude", "Kevin"]
    assert election.result["rounds"][0]["votes"] == {"Hugh": 5, "Jude": 9, "Kevin": 7}


def test_wsm_ballot_names_say_who_holds_a_post_and_the_delegate_council_recalls(
    wsm_conference, clock
) -> None:
    today = utcnow().date()
    db.session.add(
        Office(
            position=position_of(wsm_conference, "treasurer"),
            person_id=person("lee@wsm.example").id,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=300),
        )
    )
    db.session.commit()
    election = call(wsm_conference, "internal-secretary", WSM_CHAIR)
    for email in ("lee@wsm.example", "mo@wsm.example"):
        made = nominations.nominate(person("gal@wsm.example"), election, person(email))
        nominations.consent(person(email), made)
    clock.shift(timedelta(hours=2))
    poll = elections.prepare_ballot(person(WSM_CHAIR), election)
    assert sorted(poll.choices) == ["Lee Delegate (holds a position)", "Mo Member"]

    office = elections.holders(position_of(wsm_conference, "treasurer"))[0]
    assert office.position.recalled_by.slug == "delegate-council"
    with pytest.raises(Invalid, match="Choose a meeting of Delegate Council"):
        elections.start_recall(
            person(WSM_CHAIR), office, "No reports", occasion_id=wsm_conference.id
        )
    council = new_meeting("wsm", "delegate-council", WSM_CHAIR)
    recall = elections.start_recall(person(WSM_CHAIR), office, "No reports", occasion_id=council.id)
    assert recall.poll.floor.meeting_id == council.id
