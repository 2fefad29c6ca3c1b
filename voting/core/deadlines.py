"""Deadlines: whatever has a closing time (a poll, a test for agreement) closes when its
time is up, even if nobody loads a page then. Each domain registers its kind of deadline
(`register`): how to find the nearest one, and what is due with the function that closes
it.

Each process runs one watcher (a background task of the Socket.IO server, started with the
first request or the first screen that joins a meeting). It sleeps until the nearest
deadline, or at most `DEADLINES_RESCAN_SECONDS`, and is woken early when a poll or test
opens in this process. Closing goes through the process's writer (`batch`), and the
services close idempotently under the row's lock: with several workers, whichever sees
the deadline first closes it, and the others find it closed. With Redis the workers also
take turns to close what is due (`core.shared.turn`), so the second does not even try:
it looks once the first has committed, and finds nothing due.

Tests create many short-lived apps: the watcher starts only where `DEADLINES_WATCH` is
true, which is the default outside testing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from voting.core import shared
from voting.core.columns import utcnow
from voting.core.extensions import db, socketio

DEFAULT_RESCAN_SECONDS = 30.0
EARLIEST_SECONDS = 0.05  # never spin faster than this when a deadline is due
TURN_SECONDS = 60.0  # the longest one worker's round holds the others back (a large count)


@dataclass(frozen=True)
class Kind:
    """A kind of deadline: `nearest()` gives the nearest closing time of those still open;
    `due(now)` the pairs (close, thing) whose time is up, `close(thing)` closing one
    idempotently."""

    name: str
    nearest: Callable[[], datetime | None]
    due: Callable[[datetime], list[tuple[Callable[[Any], Any], Any]]]


_KINDS: dict[str, Kind] = {}


def register(
    name: str,
    nearest: Callable[[], datetime | None],
    due: Callable[[datetime], list[tuple[Callable[[Any], Any], Any]]],
) -> None:
    """Register a kind of deadline (again under the same name replaces it)."""
    _KINDS[name] = Kind(name, nearest, due)


def next_deadline() -> datetime | None:
    """The nearest closing time of anything still open."""
    found = [d for kind in _KINDS.values() if (d := kind.nearest()) is not None]
    return min(found) if found else None


def close_due() -> int:
    """Close everything whose time is up, each through the writer; how many. With
    several workers (Redis) one worker at a time: what is due is read once the turn is
    taken, so after another worker's round it is found closed."""
    from voting.core import batch

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    with shared.turn(app, "deadlines", seconds=TURN_SECONDS):
        db.session.rollback()  # what the worker before us committed, not an older snapshot
        now = utcnow()
        due = [pair for kind in _KINDS.values() for pair in kind.due(now)]
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
    """Something with a deadline opened: let the watcher look again (after commit)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if watching(app):
        found = watcher(app)
        found.start()
        found.wake()


def init_app(app: Flask) -> None:
    """Start watching with the first request this process serves."""
    app.before_request(lambda: start(app) if not watcher(app).started else None)
