"""Votes that arrive together: the writer checks them all with what it reads once for the
batch (the poll, the voters, their check-ins and holdings) and writes them in one insert
per table. Each vote gets what `polls.cast` would have told it alone: the same receipts,
the same refusals in the same words; a voter's second vote in the same batch meets the
first as already recorded.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.fixtures.floor import AWL_CHAIR, WRI_CHAIR, WRI_REPS, check_in, open_poll
from tests.fixtures.people import person
from voting.ballots.models import (
    BallotTracker,
    Participation,
    PollEntitlement,
    PollMode,
    SealedBallot,
    SecretBallot,
    Vote,
)
from voting.ballots.services import polls
from voting.core import batch
from voting.core.errors import ServiceError
from voting.core.extensions import db
from voting.meetings.models import CheckIn, CheckInVia, Meeting
from voting.meetings.services import representation
from voting.membership.models import Membership, Person

Attempt = tuple[int, dict[str, Any]]  # (person id, what they send to cast)


def members(meeting: Meeting, count: int, name: str = "floor") -> list[int]:
    """New members of the meeting's organisation, checked in."""
    org = meeting.body.organisation
    people = [Person(email=f"{name}{n}@awl.example", name=f"{name} {n}") for n in range(count)]
    db.session.add_all(people)
    db.session.add_all(Membership(person=p, organisation=org) for p in people)
    db.session.flush()
    db.session.add_all(
        CheckIn(meeting=meeting, person_id=p.id, via=CheckInVia.LINK) for p in people
    )
    db.session.commit()
    return [p.id for p in people]


@pytest.fixture
def together(live: Flask, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Send votes at once through the writer; return each outcome (a receipt or the error),
    after checking they shared one transaction and none took the one-by-one path."""
    live.config.update(BATCH_WINDOW_MS=300, LIVE_COALESCE_SECONDS=0.05)
    one_by_one: list[Any] = []
    ordinary = batch._one

    def spied(waiting: batch.Waiting) -> None:
        one_by_one.append(waiting)
        ordinary(waiting)

    monkeypatch.setattr(batch, "_one", spied)

    def send(poll_id: int, attempts: list[Attempt], *, one_by_one_expected: int = 0) -> list[Any]:
        outcomes: list[Any] = [None] * len(attempts)
        start = threading.Barrier(len(attempts))
        before = batch.writer(live).batches

        def one(index: int, person_id: int, options: dict[str, Any]) -> None:
            with live.app_context():
                voter = db.session.get(Person, person_id)
                poll = polls.get_poll(poll_id)
                start.wait()
                try:
                    outcomes[index] = batch.call(polls.cast, voter, poll, **options)
                except Exception as error:  # each outcome is checked by the test
                    outcomes[index] = error

        threads = [
            threading.Thread(target=one, args=(n, *attempt)) for n, attempt in enumerate(attempts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert batch.writer(live).batches == before + 1, "the votes did not share one commit"
        assert len(one_by_one) == one_by_one_expected, "a vote left the batch form"
        db.session.rollback()  # read what was committed
        return outcomes

    return send


def alone_says(poll_id: int, person_id: int, **options: Any) -> str:
    """What `polls.cast` answers this voter on their own."""
    with pytest.raises(ServiceError) as refused:
        polls.cast(db.session.get(Person, person_id), polls.get_poll(poll_id), **options)
    db.session.rollback()
    return refused.value.message


def test_a_batch_records_the_good_votes_and_refuses_the_rest_as_cast_would(
    awl: Meeting, together
) -> None:
    ids = members(awl, 6)
    poll_id = open_poll(awl, AWL_CHAIR).id
    latecomer = members(awl, 1, "late")  # checked in after the poll opened: no vote in its snapshot
    outsider = Person(email="visitor@example.org", name="Visitor")
    db.session.add(outsider)
    db.session.commit()
    attempts: list[Attempt] = [
        (ids[0], {"choice": "yes"}),
        (ids[1], {"choice": "no"}),
        (ids[2], {"choice": "abstain"}),
        (ids[3], {"choice": "perhaps"}),  # not one of the answers
        (ids[4], {"choice": "yes", "keys": [f"person:{ids[5]}"]}),  # someone else's vote
        (latecomer[0], {"choice": "yes"}),
        (outsider.id, {"choice": "yes"}),
    ]

    outcomes = together(poll_id, attempts)

    for (person_id, _options), outcome in zip(attempts[:3], outcomes[:3], strict=True):
        assert isinstance(outcome, polls.Receipt)
        assert outcome.keys == [f"person:{person_id}"] and outcome.already is False
    for (person_id, options), outcome in zip(attempts[3:], outcomes[3:], strict=True):
        assert isinstance(outcome, ServiceError), outcome
        assert outcome.message == alone_says(poll_id, person_id, **options)
    assert outcomes[3].field == "choice"
    assert outcomes[5].message.startswith("You hold no vote in this poll")
    votes = {
        v.voter_key: (v.choice, v.cast_by_id)
        for v in db.session.scalars(select(Vote).where(Vote.poll_id == poll_id))
    }
    assert votes == {
        f"person:{ids[0]}": ("yes", ids[0]),
        f"person:{ids[1]}": ("no", ids[1]),
        f"person:{ids[2]}": ("abstain", ids[2]),
    }
    assert all(v.cast_at is not None for v in db.session.scalars(select(Vote)))
    assert polls.progress(polls.get_poll(poll_id)).voters == 3


def test_a_voter_sending_twice_in_one_batch_is_counted_once(awl: Meeting, together) -> None:
    ids = members(awl, 3)
    poll_id = open_poll(awl, AWL_CHAIR).id
    attempts: list[Attempt] = [
        (ids[0], {"choice": "yes"}),
        (ids[0], {"choice": "yes"}),  # the same vote sent again: already recorded
        (ids[1], {"choice": "yes"}),
        (ids[1], {"choice": "no"}),  # a different choice: refused, the first one stands
        (ids[2], {"choice": "no"}),
    ]

    outcomes = together(poll_id, attempts)

    same = sorted((o.already for o in outcomes[:2]), key=bool)
    assert same == [False, True]
    changed = outcomes[2:4]
    receipts = [o for o in changed if isinstance(o, polls.Receipt)]
    refusals = [o for o in changed if isinstance(o, ServiceError)]
    assert len(receipts) == 1 and receipts[0].already is False
    assert [r.message for r in refusals] == ["You have already voted in this poll."]
    kept = "yes" if changed[0] is receipts[0] else "no"
    rows = db.session.execute(
        select(Vote.voter_key, Vote.choice).where(Vote.poll_id == poll_id)
    ).all()
    assert sorted(rows) == sorted(
        [(f"person:{ids[0]}", "yes"), (f"person:{ids[1]}", kept), (f"person:{ids[2]}", "no")]
    )
    participations = db.session.scalar(
        select(func.count()).select_from(Participation).where(Participation.poll_id == poll_id)
    )
    assert participations == 3


def test_a_secret_batch_writes_unlinked_unit_weight_ballots(wri: Meeting, together) -> None:
    poll = open_poll(wri, WRI_CHAIR, mode=PollMode.SECRET)
    poll_id = poll.id
    voters = {
        name: db.session.scalar(select(Person.id).where(Person.email == email))
        for name, email in WRI_REPS.items()
    }
    weights = {
        holder: weight
        for holder, weight in db.session.execute(
            select(PollEntitlement.holder_id, func.sum(PollEntitlement.weight))
            .where(PollEntitlement.poll_id == poll_id)
            .group_by(PollEntitlement.holder_id)
        )
    }
    assert any(w > 1 for w in weights.values()), "the test needs a weight above one"
    x, y, p = voters["Section X"], voters["Section Y"], voters["Associate P"]
    attempts: list[Attempt] = [
        (x, {"choice": "yes"}),
        (y, {"choice": "no"}),
        (p, {"choice": "yes"}),
        (p, {"choice": "yes"}),  # again, in the same batch
    ]

    outcomes = together(poll_id, attempts)

    assert all(isinstance(o, polls.Receipt) for o in outcomes[:2])
    twice = outcomes[2:]
    assert sorted(type(o).__name__ for o in twice) == ["Conflict", "Receipt"]
    assert next(o for o in twice if isinstance(o, ServiceError)).message == (
        "Your vote in this poll is already recorded."
    )
    receipts = [o for o in outcomes if isinstance(o, polls.Receipt)]
    # While the poll is open: one sealed envelope per holding, all of one length, no choice.
    sealed = db.session.scalars(select(SealedBallot).where(SealedBallot.poll_id == poll_id)).all()
    holdings = db.session.scalar(
        select(func.count()).select_from(Participation).where(Participation.poll_id == poll_id)
    )
    assert len(sealed) == holdings and len({len(b.envelope) for b in sealed}) == 1
    assert not db.session.scalars(select(SecretBallot).where(SecretBallot.poll_id == poll_id)).all()
    polls.close_poll(person(WRI_CHAIR), polls.get_poll(poll_id))
    assert not db.session.scalars(select(SealedBallot).where(SealedBallot.poll_id == poll_id)).all()
    ballots = db.session.scalars(select(SecretBallot).where(SecretBallot.poll_id == poll_id)).all()
    # One row per unit of weight, nothing but a random key, the poll and the choice.
    assert set(SecretBallot.__table__.columns.keys()) == {"id", "poll_id", "choice"}
    assert len(ballots) == weights[x] + weights[y] + weights[p]
    assert sorted(b.choice for b in ballots) == sorted(
        ["yes"] * (weights[x] + weights[p]) + ["no"] * weights[y]
    )
    keys = [b.id for b in ballots]
    assert len(set(keys)) == len(keys) and all(len(k) == 32 and int(k, 16) >= 0 for k in keys)
    assert {k[:8] for k in keys} != {keys[0][:8]}  # random, not a sequence
    # Each voter got a tracker code; only the hashes are kept, apart from the ballots.
    trackers = set(
        db.session.scalars(
            select(BallotTracker.tracker_hash).where(BallotTracker.poll_id == poll_id)
        )
    )
    assert {polls.tracker_hash(r.tracker or "") for r in receipts} == trackers
    assert len(trackers) == 3
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_a_proxy_holder_casts_for_several_principals_in_one_batch(awl: Meeting, together) -> None:
    people = {
        n: db.session.scalar(select(Person).where(Person.email == f"{n}@awl.example"))
        for n in ("pat", "fay", "ola", "wes")
    }
    body = awl.body
    settings = body.settings
    settings.proxies.statuses = ["full", "withdrawn"]
    body.settings = settings
    db.session.commit()
    pat = people["pat"]
    representation.appoint_proxy(people["wes"], awl, pat)
    representation.appoint_proxy(people["ola"], awl, pat)
    check_in(awl, "pat@awl.example", "fay@awl.example")
    poll_id = open_poll(awl, AWL_CHAIR).id
    ids = {n: p.id for n, p in people.items()}
    attempts: list[Attempt] = [
        (ids["pat"], {"choice": "yes", "keys": [f"person:{ids['wes']}"]}),
        (ids["pat"], {"choice": "no", "keys": [f"person:{ids['ola']}"]}),
        (ids["pat"], {"choice": "abstain", "keys": [f"person:{ids['pat']}"]}),
        (ids["pat"], {"choice": "yes", "keys": [f"person:{ids['fay']}"]}),  # not Pat's
        (ids["fay"], {"choice": "no"}),
    ]

    outcomes = together(poll_id, attempts)

    assert [o.keys for o in outcomes[:3]] == [
        [f"person:{ids['wes']}"],
        [f"person:{ids['ola']}"],
        [f"person:{ids['pat']}"],
    ]
    assert isinstance(outcomes[3], ServiceError)
    assert outcomes[3].message == "You do not hold that vote in this poll."
    assert isinstance(outcomes[4], polls.Receipt)
    rows = db.session.execute(
        select(Vote.voter_key, Vote.choice, Vote.cast_by_id).where(Vote.poll_id == poll_id)
    ).all()
    assert sorted(rows) == sorted(
        [
            (f"person:{ids['wes']}", "yes", ids["pat"]),
            (f"person:{ids['ola']}", "no", ids["pat"]),
            (f"person:{ids['pat']}", "abstain", ids["pat"]),
            (f"person:{ids['fay']}", "no", ids["fay"]),
        ]
    )


def test_when_the_database_refuses_the_batch_rows_each_vote_runs_on_its_own(
    awl: Meeting, together, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The primary key on participation has the last word: a row written meanwhile (by
    another process) makes the batch's insert fail, and every vote of the batch is cast
    again on its own, reading what is there now."""
    ids = members(awl, 3)
    poll_id = open_poll(awl, AWL_CHAIR).id
    write = polls._Rows.write
    intruded: list[bool] = []

    def meanwhile(rows: Any) -> bool:
        if intruded:
            return write(rows)
        intruded.append(True)
        # Another process used the first voter's key after the batch read the used keys.
        db.session.execute(
            Participation.__table__.insert(),
            [{"poll_id": poll_id, "voter_key": f"person:{ids[0]}", "cast_by_id": None}],
        )
        return write(rows)

    monkeypatch.setattr(polls._Rows, "write", meanwhile)
    attempts: list[Attempt] = [(i, {"choice": "yes"}) for i in ids]

    outcomes = together(poll_id, attempts, one_by_one_expected=3)

    # The batch's savepoint rolled back (the intruding row with it); each vote went on alone.
    assert all(isinstance(o, polls.Receipt) and o.already is False for o in outcomes)
    rows = db.session.execute(
        select(Vote.voter_key, Vote.cast_by_id).where(Vote.poll_id == poll_id)
    ).all()
    assert sorted(rows) == sorted((f"person:{i}", i) for i in ids)
