"""Engine setup and the write transaction every service runs in."""

from __future__ import annotations

import logging
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import Engine, event

from voting.core.extensions import db

_writing: ContextVar[bool] = ContextVar("writing", default=False)
_after_commit: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "after_commit", default=None
)


SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


def owner_only(path: Path) -> None:
    """Make a file or folder readable by its owner only (if we own it)."""
    try:
        mode = path.stat().st_mode
        if mode & 0o077:
            path.chmod(stat.S_IMODE(mode) & 0o700)
    except OSError:  # gone, or someone else's: nothing of ours to protect
        pass


def configure_engine(engine: Engine, *, synchronous: str = "FULL") -> None:
    """SQLite: WAL, foreign keys, a busy timeout, and writes that take the lock at BEGIN.

    Reads begin DEFERRED so they never queue behind writers; a write transaction begins
    IMMEDIATE so two writers queue at the start instead of failing half-way when both
    try to upgrade a read lock. `synchronous` FULL syncs the log at every commit, so an
    acknowledged write survives a power loss (NORMAL survives a crash of the process, not
    of the machine); it costs nothing to reads, which commit nothing. The database file
    is readable by its owner only, and so are its -wal and -shm files, which SQLite
    creates with the database's permissions.
    """
    if engine.dialect.name != "sqlite":
        return
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"SQLITE_SYNCHRONOUS is one of {', '.join(SYNCHRONOUS)}")
    database = engine.url.database
    files = (
        [Path(database + suffix) for suffix in ("", "-wal", "-shm")]
        if database and database != ":memory:" and not database.startswith("file:")
        else []
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        for path in files:  # the main file first: the others take its permissions
            owner_only(path)
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are zeroed, not left in pages
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
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
        # Truncating waits for readers to leave the log: wait a moment at most (a busy wait
        # would hold up every phone), else SQLite's next checkpoints overwrite it.
        raw = engine.raw_connection()
        try:
            connection = raw.driver_connection
            (patience,) = connection.execute("PRAGMA busy_timeout").fetchone()
            connection.execute("PRAGMA busy_timeout=200")
            busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            connection.execute(f"PRAGMA busy_timeout={int(patience)}")
        finally:
            raw.close()
        if busy:
            logging.getLogger(__name__).info("the write-ahead log is in use: truncated later")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.exec_driver_sql(f'VACUUM "{table}"')
