"""The database runs as configured: SQLite tuned for one machine, or PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import POSTGRES_URL
from voting.core.extensions import db


def test_backend_is_the_one_asked_for(app) -> None:
    expected = "postgresql" if POSTGRES_URL else "sqlite"
    assert db.engine.dialect.name == expected


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite settings")
def test_sqlite_runs_in_wal_mode_with_foreign_keys(app) -> None:
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
