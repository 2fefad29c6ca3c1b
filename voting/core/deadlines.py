"""Deadlines: a poll with a closing time, and a test for agreement with a time agreed, close
when their time is up, even if nobody loads a page then.

Each process runs one watcher (a background task of the Socket.IO server, started with the
first request or the first screen that joins a meeting). It sleeps until the nearest
deadline, or at most `DEADLINES_RESCAN_SECONDS`, and is woken early when a poll or test
opens in this process. Closing goes through the process's writer (`batch`), and the
services close idempotently: with several workers, whichever sees the deadline first
closes it, and the others find it closed.

Tests create many short-lived apps: the watcher starts only where `DEADLINES_WATCH` is
true, which is the default outside testing.
"""

from __future__ import annotations

import threading
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import func, select

from voting.ballots.models import Poll, PollStatus
from voting.core.columns import utcnow
from voting.core.extensions import db, socketio
from voting.meetings.models import ConsensusTest

DEFAULT_RESCAN_SECONDS = 30.0
EARLIEST_SECONDS = 0.05  # never spin faster than this when a deadline is due


def next_deadline() -> datetime | None:
    """The nearest closing time of an open poll or an open test for agreement."""
    poll = db.session.scalar(
        select(func.min(Poll.closes_at)).where(
            Poll.status == PollStatus.OPEN, Poll.closes_at.is_not(None)
        )
    )
    test = db.session.scalar(
        select(func.min(ConsensusTest.deadline)).where(ConsensusTest.closed_at.is_(None))
    )
    found = [d for d in (poll, test) if d is not None]
    return min(found) if found else None


def close_due() -> int:
    """Close every poll and test whose time is up, each through the writer; how many."""
    from voting.ballots.services import polls
    from voting.core import batch
    from voting.meetings.services import consensus

    now = utcnow()
    due = [
        (polls.close_if_due, poll)
        for poll in db.session.scalars(
            select(Poll).where(Poll.status == PollStatus.OPEN, Poll.closes_at <= now)
        )
    ] + [
        (consensus.close_if_due, test)
        for test in db.session.scalars(
            select(ConsensusTest).where(
                ConsensusTest.closed_at.is_(None), ConsensusTest.deadline <= now
            )
        )
    ]
    for close, found in due:
        try:
            batch.call(close, found, result=lambda _closed: None)
        except Exception:  # one that cannot close must not keep the others open
            current_app.logger.exception("closing at the deadline")
    return len(due)


class Watcher:
    """The deadline watcher of one app in this process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.woken = threading.Event()
        self.started = False
        self.stopping = False
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            if self.started:
                return
            self.started = True
        socketio.start_background_task(self._loop)

    def wake(self) -> None:
        self.woken.set()

    def stop(self) -> None:
        """Stop after the current round (tests; a process that ends need not call it)."""
        self.stopping = True
        self.woken.set()

    def _loop(self) -> None:
        rescan = float(self.app.config.get("DEADLINES_RESCAN_SECONDS", DEFAULT_RESCAN_SECONDS))
        with self.app.app_context():
            while not self.stopping:
                try:
                    close_due()
                    upcoming = next_deadline()
                    db.session.rollback()
                except Exception:  # a database that is not there yet, a bad moment: retry
                    self.app.logger.exception("deadline watcher")
                    db.session.rollback()
                    upcoming = None
                wait = rescan
                if upcoming is not None:
                    wait = min(rescan, max(EARLIEST_SECONDS, (upcoming - utcnow()).total_seconds()))
                self.woken.wait(wait)
                self.woken.clear()


def watcher(app: Flask) -> Watcher:
    """The app's watcher in this process (made on first use, not started)."""
    found = app.extensions.get("voting.deadlines")
    if found is None:
        found = app.extensions.setdefault("voting.deadlines", Watcher(app))
    return found


def watching(app: Flask) -> bool:
    return bool(app.config.get("DEADLINES_WATCH", not app.testing))


def start(app: Flask | None = None) -> None:
    """Start this process's watcher, if the app watches deadlines (idempotent)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if watching(app):
        watcher(app).start()


def opened() -> None:
    """A poll or test with a deadline opened: let the watcher look again (after commit)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if watching(app):
        found = watcher(app)
        found.start()
        found.wake()


def init_app(app: Flask) -> None:
    """Start watching with the first request this process serves."""
    app.before_request(lambda: start(app) if not watcher(app).started else None)
