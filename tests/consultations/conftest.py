"""Fixtures of the consultation suites: a controllable clock, WRI's Executive of nine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from flask import Flask

from tests.fixtures.people import person
from voting.core.extensions import db
from voting.membership.services.members import add_member, assign_role
from voting.org.services.organisations import by_slug

ANA = "ana@wri.example"  # WRI's admin and secretary: facilitates
START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def executive(app: Flask, demo: None, clock) -> list[str]:  # type: ignore[no-untyped-def]
    """WRI's Executive Committee with nine members: Chris (its chair) and eight officers."""
    wri = by_slug("wri")
    emails = []
    for n in range(8):
        email = f"officer{n}@wri.example"
        add_member(person(ANA), wri, {"name": f"Officer {n}", "email": email, "status": "full"})
        assign_role(person(ANA), wri, {"email": email, "kind": "officer", "body": "executive"})
        emails.append(email)
    db.session.commit()
    return ["chris@wri.example", *emails]
