"""Engine setup and the write transaction every service runs in."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Engine, event

from voting.core.extensions import db

_writing: ContextVar[bool] = ContextVar("writing", default=False)
_after_commit: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "after_commit", default=None
)


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL, foreign keys, a busy timeout, and writes that take the lock at BEGIN.

    Reads begin DEFERRED so they never queue behind writers; a write transaction begins
    IMMEDIATE so two writers queue at the start instead of failing half-way when both
    try to upgrade a read lock.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are zeroed, not left in pages
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


@contextmanager
def transaction() -> Iterator[None]:
    """Run a service's writes as one transaction; commit, then run `after_commit` hooks.

    A read transaction left open by the request (loading the current user, say) is
    ended first, so the write begins with the lock it needs. Nesting joins the outer
    transaction: a service may call another.
    """
    if _writing.get():
        yield
        return
    db.session.commit()
    hooks: list[Callable[[], None]] = []
    writing = _writing.set(True)
    pending = _after_commit.set(hooks)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _writing.reset(writing)
        _after_commit.reset(pending)
    for hook in hooks:
        hook()


@contextmanager
def savepoint() -> Iterator[None]:
    """Inside a transaction: run one part that may fail alone (a SAVEPOINT).

    If the part raises, its writes are rolled back and the `after_commit` hooks it queued
    are dropped; the rest of the transaction goes on. The error is raised again.
    """
    hooks = _after_commit.get()
    kept = len(hooks) if hooks is not None else 0
    try:
        with db.session.begin_nested():
            yield
    except BaseException:
        if hooks is not None:
            del hooks[kept:]
        raise


def in_transaction() -> bool:
    """Whether a write transaction is open in this context."""
    return _writing.get()


def after_commit(hook: Callable[[], None]) -> None:
    """Run `hook` once the current transaction has committed (publishing, mail)."""
    hooks = _after_commit.get()
    if hooks is None:
        hook()
    else:
        hooks.append(hook)


def erase_deleted(*tables: str) -> None:
    """After a commit that deleted secrets, make the deleted rows unrecoverable from the
    database's files as far as the database allows.

    SQLite zeroes deleted content in its pages (`secure_delete` on every connection); the
    write-ahead log still holds older images of those pages, so it is checkpointed and
    truncated. PostgreSQL: VACUUM prunes the dead row versions of `tables` (its WAL keeps
    its records until the server recycles the segments; see docs/security.md).
    """
    engine = db.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            busy, _log, _done = raw.driver_connection.execute(
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).fetchone()
        finally:
            raw.close()
        if busy:
            logging.getLogger(__name__).warning("the write-ahead log could not be truncated yet")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.exec_driver_sql(f'VACUUM "{table}"')
