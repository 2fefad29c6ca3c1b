"""Deadlines close by themselves: a poll with a closing time and a test for agreement with a
time agreed are closed by the process's watcher when their time is up, with nobody loading
a page; two workers seeing the same deadline close it once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.fixtures.floor import WRI_CHAIR, WRI_REPS, motion_of, open_poll, vote
from tests.fixtures.people import person
from voting.app import create_app
from voting.ballots.models import Poll, PollStatus
from voting.core import deadlines
from voting.core.audit import AuditEvent
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.meetings.models import ConsensusOutcome, ConsensusTest
from voting.meetings.services import agenda, consensus


@pytest.fixture
def watching(live: Flask) -> Iterator[Flask]:
    live.config.update(DEADLINES_WATCH=True, DEADLINES_RESCAN_SECONDS=5)
    yield live
    deadlines.watcher(live).stop()


def eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh snapshot: the watcher writes on its own connection
        if check():
            return True
        time.sleep(0.05)
    return False


def closings(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_poll_closes_at_its_time_with_nobody_on_a_page(watching: Flask, wri) -> None:
    poll = open_poll(wri, WRI_CHAIR, minutes=1)
    assert deadlines.watcher(watching).started  # opening it set the watcher going
    vote(poll, WRI_REPS["Section X"], "yes")
    poll.closes_at = utcnow() + timedelta(seconds=0.3)  # a minute is long for a test
    db.session.commit()
    deadlines.watcher(watching).wake()

    assert eventually(lambda: db.session.get(Poll, poll.id).status is PollStatus.CLOSED)
    closed = db.session.get(Poll, poll.id)
    assert closed.closed_at >= closed.closes_at
    assert closed.result["cast"] == 3  # Section X's three cards
    (entry,) = closings("poll.closed")
    assert entry.data["by_deadline"] is True and entry.actor_id is None


def test_a_test_for_agreement_closes_when_the_time_agreed_runs_out(watching: Flask, wri) -> None:
    motion = motion_of(wri)
    agenda.open_item(person(WRI_CHAIR), motion.item)
    test = consensus.open_test(person(WRI_CHAIR), motion, minutes=1)
    consensus.answer(person(WRI_REPS["Section Y"]), test, "block", "Not like this")
    test.deadline = utcnow() + timedelta(seconds=0.3)
    db.session.commit()
    deadlines.watcher(watching).wake()

    assert eventually(lambda: db.session.get(ConsensusTest, test.id).closed_at is not None)
    closed = db.session.get(ConsensusTest, test.id)
    assert closed.outcome is not ConsensusOutcome.CONSENSUS  # a block stands
    (entry,) = closings("consensus.closed")
    assert entry.data["by_deadline"] is True


def test_two_workers_seeing_the_same_deadline_close_the_poll_once(live: Flask, wri) -> None:
    poll = open_poll(wri, WRI_CHAIR, minutes=1)
    poll.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    # A second app on the same database: another worker, with its own writer.
    other = create_app({**live.config, "SERVER_NAME": None})
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(app: Flask) -> None:
        with app.app_context():
            start.wait()
            try:
                deadlines.close_due()
            except BaseException as error:
                errors.append(error)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(app,)) for app in (live, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with other.app_context():
        db.engine.dispose()
    assert errors == []
    db.session.rollback()
    assert db.session.get(Poll, poll.id).status is PollStatus.CLOSED
    assert len(closings("poll.closed")) == 1
