"""Fixtures shared by every suite: an app on a fresh SQLite file, a client, demo data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from voting import create_app
from voting.extensions import db

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
            "PUBLIC_URL": "http://localhost",
            "SERVER_NAME": "localhost",
        }
    )
    with app.app_context():
        if POSTGRES_URL:
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
    from voting.services.demo import load_demo

    load_demo()
