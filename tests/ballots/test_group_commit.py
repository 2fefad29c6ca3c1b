"""The group commit: the phones' actions of a few milliseconds share one transaction, each
in a savepoint; a refused action fails alone and its refusal reaches its own caller; an
acknowledgement is produced only once the vote can be read from another connection.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.fixtures.floor import AWL_CHAIR, WRI_REPS, open_poll
from voting.ballots.models import Participation, Vote
from voting.ballots.services import polls
from voting.core import batch
from voting.core.errors import Invalid, NotAllowed
from voting.core.extensions import db
from voting.meetings.models import CheckIn, CheckInVia
from voting.membership.models import Membership, Person

VOTERS = 12


def members(awl: Any, count: int) -> list[int]:
    org = awl.body.organisation
    people = [Person(email=f"floor{n}@awl.example", name=f"Floor {n}") for n in range(count)]
    db.session.add_all(people)
    db.session.add_all(Membership(person=p, organisation=org) for p in people)
    db.session.flush()
    db.session.add_all(CheckIn(meeting=awl, person_id=p.id, via=CheckInVia.LINK) for p in people)
    db.session.commit()
    return [p.id for p in people]


def visible_elsewhere(poll_id: int) -> int:
    """Participations a fresh connection can read: only what is committed."""
    # A raw connection: no BEGIN of ours (inside the writer that would wait for its lock).
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        mark = "?" if db.engine.dialect.paramstyle == "qmark" else "%s"
        cursor.execute(f"SELECT count(*) FROM participation WHERE poll_id = {mark}", (poll_id,))
        return int(cursor.fetchone()[0])
    finally:
        connection.close()


def test_a_refused_vote_in_a_batch_fails_alone_and_its_caller_gets_the_refusal(
    live: Flask, awl
) -> None:
    # A long window, so the votes sent at once surely share one transaction.
    live.config.update(BATCH_WINDOW_MS=300, LIVE_COALESCE_SECONDS=0.05)
    ids = members(awl, VOTERS)
    poll_id = open_poll(awl, AWL_CHAIR).id
    outsider = Person(email="visitor@example.org", name="Visitor")
    db.session.add(outsider)
    db.session.commit()
    # Every member votes; one asks for a choice that does not exist; an outsider tries too.
    attempts = {person_id: "yes" if n % 2 else "no" for n, person_id in enumerate(ids)}
    attempts[ids[3]] = "perhaps"
    attempts[outsider.id] = "yes"
    before = batch.writer(live).batches
    outcomes: dict[int, Any] = {}
    start = threading.Barrier(len(attempts))

    def send(person_id: int, choice: str) -> None:
        with live.app_context():
            voter = db.session.get(Person, person_id)
            poll = polls.get_poll(poll_id)
            start.wait()
            try:
                outcomes[person_id] = batch.call(polls.cast, voter, poll, choice=choice)
            except Exception as error:  # each outcome is checked below
                outcomes[person_id] = error

    threads = [threading.Thread(target=send, args=item) for item in attempts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert batch.writer(live).batches == before + 1, "the votes did not share one commit"
    refused = outcomes[ids[3]]
    assert isinstance(refused, Invalid) and refused.field == "choice"
    assert isinstance(outcomes[outsider.id], NotAllowed)
    recorded = [p for p in ids if p != ids[3]]
    assert all(isinstance(outcomes[p], polls.Receipt) for p in recorded)
    assert all(outcomes[p].keys == [f"person:{p}"] for p in recorded)
    db.session.rollback()
    cast_by = set(
        db.session.scalars(select(Participation.cast_by_id).where(Participation.poll_id == poll_id))
    )
    assert cast_by == set(recorded)
    assert db.session.scalar(select(func.count()).select_from(Vote)) == len(recorded)


def test_a_phone_is_acknowledged_only_once_its_vote_is_committed(
    wri, signed_in, socket_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll_id = open_poll(wri, "chris@wri.example").id
    seen: dict[str, int] = {}
    real_run = batch.run

    def watched_run(action):  # type: ignore[no-untyped-def]
        def inside():  # type: ignore[no-untyped-def]
            value = action()
            db.session.flush()
            seen["before commit"] = visible_elsewhere(poll_id)
            return value

        value = real_run(inside)
        seen["when acknowledged"] = visible_elsewhere(poll_id)
        return value

    monkeypatch.setattr(batch, "run", watched_run)
    phone = socket_for(signed_in(WRI_REPS["Section X"]))
    ack = phone.emit("vote", {"poll": poll_id, "choice": "yes"}, callback=True)

    assert ack["ok"] and ack["keys"] and ack["already"] is False
    assert seen == {"before commit": 0, "when acknowledged": 1}


def test_a_phone_votes_over_the_socket_and_a_refusal_comes_back_as_its_error(
    wri, signed_in, socket_for
) -> None:
    poll = open_poll(wri, "chris@wri.example")
    phone = socket_for(signed_in(WRI_REPS["Section Y"]))
    first = phone.emit("vote", {"poll": poll.id, "choice": "no"}, callback=True)
    assert first["ok"] and first["already"] is False and first["version"] > 0
    resent = phone.emit("vote", {"poll": poll.id, "choice": "no"}, callback=True)
    assert resent["ok"] and resent["already"] is True
    changed = phone.emit("vote", {"poll": poll.id, "choice": "yes"}, callback=True)
    assert changed["error"]["message"] == "You have already voted in this poll."
    bad = phone.emit("vote", {"poll": poll.id, "keys": "person:1"}, callback=True)
    assert bad["error"]["field"] == "keys"
    chair = socket_for(signed_in("chris@wri.example"))
    refused = chair.emit("vote", {"poll": poll.id, "choice": "yes"}, callback=True)
    assert "error" in refused
    db.session.rollback()
    assert polls.progress(polls.get_poll(poll.id)).voters == 1


def test_a_vote_sent_from_inside_a_service_transaction_runs_in_it(live: Flask, awl) -> None:
    """No deadlock: a writer waiting for a transaction that waits for the writer."""
    from voting.core.database import transaction

    ids = members(awl, 1)
    poll_id = open_poll(awl, AWL_CHAIR).id
    with transaction():
        receipt = batch.call(
            polls.cast, db.session.get(Person, ids[0]), polls.get_poll(poll_id), choice="yes"
        )
    assert receipt.keys == [f"person:{ids[0]}"]
    assert visible_elsewhere(poll_id) == 1
