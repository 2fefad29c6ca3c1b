"""Fixtures shared by every suite: an app on a fresh database, a client, demo data."""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, closing, contextmanager
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url

from voting.app import create_app
from voting.core.extensions import db

# Factories and fixtures per domain, for every suite (meetings in session, floor votes).
pytest_plugins = ["tests.fixtures.meetings", "tests.fixtures.floor"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translation catalogues, as `make` does, so a bare `pytest` sees them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).resolve().parent.parent.glob("voting/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source), use_fuzzy=True)


# Set by `python -m tests.postgres`: the same tests then run on PostgreSQL.
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")

# Every test's app; the schema template is built through the same settings, so its
# engine is configured as theirs (WAL on SQLite).
CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "SOCKETIO_ASYNC_MODE": "threading",
    "RATELIMIT_STORAGE_URI": "memory://",
    # Explicit: the limiter is one object for the process and keeps the last setting.
    "RATELIMIT_ENABLED": True,
    "PUBLIC_URL": "http://localhost",
    "SERVER_NAME": "localhost",
}

# Opens a fresh database for one test (given its tmp_path, and whether it starts with
# the demo organisations), yields its URL, disposes of it.
FreshDatabase = Callable[[Path, bool], AbstractContextManager[str]]
# The templates: the bare schema, and the schema with the demo organisations loaded
# (loading them costs half a second, and most tests start from them).
TEMPLATES = (False, True)


def _build_schema(url: str, demo: bool) -> None:
    # Pushes at once, not from a thread left running after the template is built.
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url, "LIVE_COALESCE_SECONDS": 0})
    with app.app_context():
        db.create_all()
        if demo:
            from voting.demo import load_demo

            load_demo()
        db.session.remove()
        db.engine.dispose()


@contextmanager
def _sqlite_databases(directory: Path) -> Iterator[FreshDatabase]:
    templates = {}
    for demo in TEMPLATES:
        template = directory / f"template{'-demo' if demo else ''}.sqlite3"
        _build_schema(f"sqlite:///{template}", demo)
        # The copies are of the main file alone: fold the WAL into it. Closing the last
        # connection then removes the -wal and -shm files; check it did.
        with closing(sqlite3.connect(template)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert not template.with_name(f"{template.name}-wal").exists()
        templates[demo] = template

    @contextmanager
    def fresh(tmp_path: Path, demo: bool) -> Iterator[str]:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(templates[demo], path)
        yield f"sqlite:///{path}"

    yield fresh


# On PostgreSQL, how many used databases wait to be dropped, and how long the last ones
# wait at the end: see _PostgresDatabases.
KEPT_DATABASES = 2
LAST_GRACE_SECONDS = 0.5


class _PostgresDatabases:
    """Each test's database a copy of a template holding the schema, on the server at `url`.

    On PostgreSQL a copy costs about what creating the tables does, so one worker thread
    makes the next test's database while a test runs, and drops the used ones.
    """

    def __init__(self, url: str) -> None:
        self.server = make_url(url)
        # CREATE and DROP DATABASE cannot run inside a transaction.
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        # Apart from other sessions on the server, and from what a crashed one left.
        prefix = f"voting_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.templates = {demo: f"{prefix}_template{'_demo' if demo else ''}" for demo in TEMPLATES}
        self.names = (f"{prefix}_{n}" for n in itertools.count())
        try:
            for demo, template in self.templates.items():
                self.run(f"CREATE DATABASE {template}")
                # Copies need the template free of connections: _build_schema disposes its own.
                _build_schema(self.address(template), demo)
                # What loading the demo left running (a screen's delayed push) may still
                # hold a connection: a template is copied only with none. Close it to
                # connections for good and end any that remain.
                self.run(f"ALTER DATABASE {template} WITH ALLOW_CONNECTIONS false")
                self.run(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{template}'"
                )
        except BaseException:
            for template in self.templates.values():
                self.drop(template)
            raise
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases")
        # One copy of each template made ahead: the next test takes the one it needs.
        self.ready = {
            demo: self.worker.submit(self.copy, next(self.names), demo) for demo in TEMPLATES
        }
        self.used: deque[str] = deque()
        self.drops: list[Future[None]] = []

    def run(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def address(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def copy(self, name: str, demo: bool) -> str:
        self.run(f"CREATE DATABASE {name} TEMPLATE {self.templates[demo]}")
        return name

    def drop(self, name: str) -> None:
        # Background writers of a test may outlive it, holding a connection; FORCE ends
        # them (PostgreSQL 13+) where a plain DROP would fail, and lets no new one in.
        self.run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    @contextmanager
    def __call__(self, _tmp_path: Path, demo: bool) -> Iterator[str]:
        name = self.ready[demo].result()
        self.ready[demo] = self.worker.submit(self.copy, next(self.names), demo)
        try:
            yield self.address(name)
        finally:
            # An older test's database, not yet this one's: what a test leaves running (a
            # screen's delayed push) finishes during the next tests rather than failing on
            # a database dropped under it.
            self.used.append(name)
            if len(self.used) > KEPT_DATABASES:
                self.drops.append(self.worker.submit(self.drop, self.used.popleft()))

    def close(self) -> None:
        time.sleep(LAST_GRACE_SECONDS)  # what the last tests left running: see __call__
        self.worker.shutdown()
        for dropped in self.drops:
            dropped.result()  # raises what the worker could not drop
        ready = [future.result() for future in self.ready.values()]
        for name in (*ready, *self.used, *self.templates.values()):
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def fresh_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshDatabase]:
    """Fresh databases, each a copy of one given the schema once a session: cheaper than
    creating the tables for every test."""
    if POSTGRES_URL:
        databases = _PostgresDatabases(POSTGRES_URL)
        try:
            yield databases
        finally:
            databases.close()
    else:
        with _sqlite_databases(tmp_path_factory.mktemp("schema")) as fresh:
            yield fresh


@pytest.fixture
def app(
    request: pytest.FixtureRequest, tmp_path: Path, fresh_database: FreshDatabase
) -> Iterator[Flask]:
    """A fresh app and database per test: nothing one test writes reaches another. A test
    that asks for `demo` (directly or through another fixture) starts from a copy that
    already holds the demo organisations."""
    with fresh_database(tmp_path, "demo" in request.fixturenames) as url:
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        # Requests reuse the app context pushed below, so `g` (the signed-in person, the
        # locale) would outlive a request; give each request a fresh `g`, as in production.
        app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def demo(app: Flask) -> None:
    """The four demo organisations with their people (password: demo-password): the
    `app` fixture starts such a test from a database that holds them already."""


@pytest.fixture
def mailbox(app: Flask) -> Iterator[object]:
    """A real SMTP server on the loopback; the app sends its mail there (see tests/smtp.py)."""
    from tests.smtp import smtp_server

    with smtp_server() as inbox:
        app.config.update(SMTP_HOST=inbox.host, SMTP_PORT=inbox.port)
        yield inbox


@pytest.fixture
def newcomer(demo: None) -> object:
    """Nadia, on the WRI roll (Section X) without a password: she has not joined yet."""
    from voting.core.database import transaction
    from voting.membership.models import Membership, Person
    from voting.org.services.organisations import by_slug

    with transaction():
        wri = by_slug("wri")
        assert wri is not None
        section_x = next(unit for unit in wri.units if unit.name == "Section X")
        membership = Membership(
            person=Person(email="nadia@wri.example", name="Nadia Newcomer"),
            organisation=wri,
            unit=section_x,
        )
        db.session.add(membership)
    return membership
