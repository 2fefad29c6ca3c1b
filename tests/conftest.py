"""Fixtures shared by every suite: an app on a fresh SQLite file, a client, demo data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import text

from voting.app import create_app
from voting.core.extensions import db


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


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app and database per test: nothing one test writes reaches another."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "SOCKETIO_ASYNC_MODE": "threading",
            "RATELIMIT_STORAGE_URI": "memory://",
            # Explicit: the limiter is one object for the process and keeps the last setting.
            "RATELIMIT_ENABLED": True,
            "PUBLIC_URL": "http://localhost",
            "SERVER_NAME": "localhost",
        }
    )
    # Requests reuse the app context pushed below, so `g` (the signed-in person, the
    # locale) would outlive a request; give each request a fresh `g`, as in production.
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
    with app.app_context():
        if POSTGRES_URL:
            # Background writers of earlier tests may still hold a connection: end them,
            # or dropping their tables waits on their locks.
            with db.engine.connect() as connection:
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def demo(app: Flask) -> None:
    """The four demo organisations with their people (password: demo-password)."""
    from voting.demo import load_demo

    load_demo()


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
