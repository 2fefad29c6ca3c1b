"""The settings of an installation with several workers, read from the environment."""

from __future__ import annotations

import pytest

from voting.core.config import from_environment


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://voting:secret@db.example/voting",
        "postgres://voting:secret@db.example/voting",
        "postgresql+psycopg://voting:secret@db.example/voting",
    ],
)
def test_a_postgresql_address_is_served_by_psycopg_3(given, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", given)
    settings = from_environment(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://voting:secret@db.example/voting"
    )


def test_redis_and_the_deadline_rescan_come_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DEADLINES_RESCAN_SECONDS", "5")
    settings = from_environment(tmp_path)
    assert settings["REDIS_URL"] == settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert settings["DEADLINES_RESCAN_SECONDS"] == 5.0
