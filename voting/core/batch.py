"""Group commit: one writer per process runs the actions phones send, many to a transaction.

A thousand phones voting in the same second would otherwise mean a thousand transactions
queueing for the database's write lock. Instead each action is handed to the process's
single writer, which gathers what arrives within `BATCH_WINDOW_MS` (at most `BATCH_MAX`
actions), shuffles the batch (arrival order is no longer recorded anywhere, which matters
for secret ballots), and runs each action's ordinary service function inside ONE
transaction, each in a SAVEPOINT of its own: a refused action (a `ServiceError`) rolls
back alone and its caller gets that error, the others are committed together. Only after
the commit is each caller given its result, so an acknowledgement always follows the
commit of what it acknowledges.

The writer has its own app context and database session, so arguments cross over by id:
`call(service, actor, poll, ...)` passes model instances as (class, primary key) and loads
them again in the writer's session; `result` turns what the service returns into plain
data inside the transaction. The writer is a background task of the Socket.IO server (a
greenlet under gevent, a thread in tests) and stops after a while without work.

A service may have a batch form (`batched(service)`), which the writer runs once for all
the batch's calls of that service: it reads what they share once (the poll, the voters'
holdings...) and writes their rows in one statement, with the same checks and refusals
as the service. Whatever it leaves (or everything, if its writes are refused by the
database) runs the ordinary way, each call in its own savepoint.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from voting.core.database import after_commit, in_transaction, savepoint, transaction
from voting.core.errors import Conflict
from voting.core.extensions import db, socketio

T = TypeVar("T")
Runner = Callable[[list["Waiting"]], list["Waiting"]]

DEFAULT_WINDOW_MS = 5
DEFAULT_MAX = 500
DEFAULT_TIMEOUT_SECONDS = 60
IDLE_SECONDS = 5.0  # a writer with nothing to do for this long stops; the next call starts one

_shuffler = random.SystemRandom()
log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Ref:
    """A model instance passed to the writer: its class and primary key."""

    model: type
    key: Any


@dataclass(eq=False)
class Waiting:
    """One action waiting for the writer, and then for its caller."""

    action: Callable[[], Any]
    locale: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None

    @property
    def call(self) -> Call | None:
        """What `call` was given, if the action came from it (for a batch form)."""
        return self.action if isinstance(self.action, Call) else None


@dataclass(eq=False)
class Call:
    """`service(*args, **kwargs)` as the writer runs it; model instances travel as `_Ref`."""

    service: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    shape: Callable[[Any], Any] | None = None

    def __call__(self) -> Any:
        value = self.service(
            *(_load(a) for a in self.args), **{k: _load(v) for k, v in self.kwargs.items()}
        )
        if self.shape is None:
            return value
        db.session.flush()  # ids and defaults of what the service added
        return self.shape(value)


_runners: dict[Callable[..., Any], Runner] = {}


def batched(service: Callable[..., Any]) -> Callable[[Runner], Runner]:
    """Register the decorated function as the batch form of `service`.

    It is given every waiting call of `service` in a batch, inside the batch's transaction
    and one savepoint. For each call it handles it sets `result` (what `service` would have
    returned) or `error` (what it would have raised); it returns the calls it leaves to the
    ordinary path. If it raises, its savepoint is rolled back and every call runs the
    ordinary way.
    """

    def register(runner: Runner) -> Runner:
        _runners[service] = runner
        return runner

    return register


def key_of(value: Any) -> Any:
    """The primary key of a model instance passed to the writer (None for anything else)."""
    if isinstance(value, _Ref):
        return value.key[0] if len(value.key) == 1 else value.key
    return None


def in_locale(waiting: Waiting) -> Any:
    """A context in which refusals are worded in the caller's language."""
    return force_locale(waiting.locale) if waiting.locale else nullcontext()


class Writer:
    """The single writer of one app in this process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.queue: list[Waiting] = []
        self.work = threading.Event()
        self.running = False
        self.batches = 0  # how many transactions it has committed (for tests and figures)

    def submit(self, waiting: Waiting) -> None:
        with self.lock:
            self.queue.append(waiting)
            self.work.set()
            if self.running:
                return
            self.running = True
        socketio.start_background_task(self._loop)

    def _take(self) -> list[Waiting]:
        size = int(self.app.config.get("BATCH_MAX", DEFAULT_MAX))
        with self.lock:
            batch, self.queue = self.queue[:size], self.queue[size:]
            if not self.queue:
                self.work.clear()
        return batch

    def _loop(self) -> None:
        window = float(self.app.config.get("BATCH_WINDOW_MS", DEFAULT_WINDOW_MS)) / 1000
        size = int(self.app.config.get("BATCH_MAX", DEFAULT_MAX))
        with self.app.app_context():
            try:
                while True:
                    if not self.work.wait(IDLE_SECONDS):
                        with self.lock:
                            if not self.queue:
                                self.running = False
                                return
                        continue
                    if window > 0 and len(self.queue) < size:
                        socketio.sleep(window)  # let the rest of the burst arrive
                    batch = self._take()
                    if batch:
                        self._run(batch)
            finally:
                db.session.remove()
                with self.lock:
                    if self.running:  # stopped by an unexpected error: serve what waits
                        self.running = False
                        if self.queue:
                            self.running = True
                            socketio.start_background_task(self._loop)

    def _run(self, batch: list[Waiting]) -> None:
        _shuffler.shuffle(batch)
        committed = False

        def mark() -> None:
            nonlocal committed
            committed = True

        groups: dict[Runner, list[Waiting]] = {}
        single: list[Waiting] = []
        for waiting in batch:
            runner = _runners.get(waiting.call.service) if waiting.call else None
            if runner is None:
                single.append(waiting)
            else:
                groups.setdefault(runner, []).append(waiting)
        try:
            with transaction():
                after_commit(mark)  # the first hook to run once committed
                for runner, group in groups.items():
                    single.extend(_together(runner, group))
                for waiting in single:
                    _one(waiting)
            self.batches += 1
        except Exception as error:
            if committed:  # a hook failed after the commit: the actions are stored
                log.exception("after the commit of a batch")
            else:  # the commit failed: nothing of the batch is stored
                for waiting in batch:
                    waiting.result, waiting.error = None, error
        finally:
            db.session.remove()
            for waiting in batch:
                waiting.done.set()


def _together(runner: Runner, group: list[Waiting]) -> list[Waiting]:
    """Run a service's batch form in one savepoint; return the calls left to `_one`."""
    try:
        with savepoint():
            left = runner(group)
            leaving = {id(w) for w in left}
            handled = [w for w in group if id(w) not in leaving]
            # Keep what the batch form changed (the meeting) while the callers' results
            # are shaped: once flushed, the session holds clean objects only weakly.
            loaded = list(db.session.identity_map.values())
            db.session.flush()  # ids and defaults of what the batch form added
            for waiting in handled:
                shape = waiting.call.shape if waiting.call else None
                if waiting.error is None and shape is not None:
                    try:
                        waiting.result = shape(waiting.result)
                    except Exception as error:  # a bug in one caller's shaping: it fails alone
                        waiting.result, waiting.error = None, error
            del loaded
    except Exception:
        # The database refused the batch's rows (another process wrote one meanwhile) or
        # the batch form failed: each call runs the ordinary way, reading afresh.
        log.info("a batch form gave way to the ordinary path", exc_info=True)
        for waiting in group:
            waiting.result, waiting.error = None, None
        return group
    return left


def _one(waiting: Waiting) -> None:
    """Run one action in a savepoint of the batch's transaction."""
    with in_locale(waiting):
        for attempt in range(2):
            try:
                with savepoint():
                    waiting.result = waiting.action()
                return
            except IntegrityError as error:
                # Another process wrote the same row between our read and our write
                # (PostgreSQL with several workers): try once more, reading it now.
                if attempt:
                    waiting.error = error
            except Exception as error:  # a refusal, or a bug: it fails alone
                waiting.error = error
                return


def writer(app: Flask) -> Writer:
    """The app's writer in this process (made on first use)."""
    found = app.extensions.get("voting.batch")
    if found is None:
        found = app.extensions.setdefault("voting.batch", Writer(app))
    return found


def run(action: Callable[[], T]) -> T:
    """Run `action` (which calls one service function) through the writer; return its result
    once committed, or raise its error. `action` runs in the writer's session: it must load
    what it needs by id and return plain data.

    Inside an open write transaction (a service calling another) it runs at once instead.
    """
    if in_transaction():
        return action()
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    locale = get_locale() if has_request_context() else None
    waiting = Waiting(action, locale=str(locale) if locale else None)
    # End the caller's read snapshot and give its connection back to the pool: the writer
    # needs one, and a thousand callers waiting must not hold them all. Nothing below may
    # touch the caller's session until the writer is done.
    db.session.commit()
    writer(app).submit(waiting)
    timeout = float(app.config.get("BATCH_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    if not waiting.done.wait(timeout):
        raise Conflict(_("The server is too busy to confirm this now: try again."))
    # A fresh snapshot, so the caller sees what was just committed.
    db.session.commit()
    if waiting.error is not None:
        raise waiting.error
    return waiting.result


def ref(model: type, key: Any) -> Any:
    """A model instance by class and primary key, for `call`, without loading it here: the
    writer loads it (and refuses the action if it is gone)."""
    return _Ref(model, (key,))


def _ref(value: Any) -> Any:
    if isinstance(value, db.Model):
        return _Ref(type(value), inspect(value).identity)
    return value


def _load(value: Any) -> Any:
    if isinstance(value, _Ref):
        found = db.session.get(value.model, value.key)
        if found is None:
            raise Conflict(_("This was removed meanwhile."))
        return found
    return value


def call(
    service: Callable[..., Any],
    *args: Any,
    result: Callable[[Any], T] | None = None,
    **kwargs: Any,
) -> T:
    """`service(*args, **kwargs)` through the writer. Model instances among the arguments
    (the actor, the poll...) are loaded again in the writer's session; `result` turns the
    service's return value into plain data inside the transaction (default: unchanged)."""
    refs = tuple(_ref(a) for a in args)
    keyword = {k: _ref(v) for k, v in kwargs.items()}
    return run(Call(service, refs, keyword, result))
