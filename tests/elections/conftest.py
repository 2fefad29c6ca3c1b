"""Fixtures of the election suites: a clock, the IS Network's NMM with twelve members."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask

from tests.fixtures.floor import check_in, new_meeting
from tests.fixtures.people import person
from voting.ballots.models import Poll
from voting.ballots.services import polls
from voting.core.extensions import db
from voting.elections.models import Election, Position
from voting.elections.services import elections, nominations
from voting.meetings.models import Meeting
from voting.membership.services.members import add_member
from voting.org.services.organisations import by_slug

NIA = "nia@isn.example"  # ISN's admin, secretary and chair
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
# Twelve more ISN members: (name, gender).
ISN_PEOPLE = [
    ("Aisling", "woman"),
    ("Bernadette", "woman"),
    ("Cathal", "man"),
    ("Declan", "man"),
    ("Eimear", "woman"),
    ("Fionn", "man"),
    ("Grainne", "woman"),
    ("Hugh", "man"),
    ("Iarla", "man"),
    ("Jude", "woman"),
    ("Kevin", "man"),
    ("Liam", "man"),
]


def email_of(name: str) -> str:
    return f"{name.lower()}@isn.example"


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def nmm(live: Flask, clock) -> Meeting:  # type: ignore[no-untyped-def]
    """An ISN National Members' Meeting in session with the twelve checked in (and Nia)."""
    isn = by_slug("isn")
    for name, gender in ISN_PEOPLE:
        add_member(
            person(NIA),
            isn,
            {"name": name, "email": email_of(name), "status": "full", "gender": gender},
        )
    db.session.commit()
    meeting = new_meeting("isn", "nmm", NIA)
    check_in(meeting, NIA, *(email_of(n) for n, _g in ISN_PEOPLE))
    return meeting


@pytest.fixture
def run_election(clock) -> Callable[..., Election]:  # type: ignore[no-untyped-def]
    """Call an election at the meeting, nominate and consent the candidates, move past the
    deadline, prepare and open the ballot; returns the election (its poll open)."""

    def run(
        meeting: Meeting, slug: str, candidates: list[str], *, chair: str = NIA, **kwargs
    ) -> Election:  # type: ignore[no-untyped-def]
        pos = db.session.scalars(
            db.select(Position).where(
                Position.slug == slug, Position.organisation_id == meeting.body.organisation_id
            )
        ).one()
        election = elections.create_election(
            person(chair),
            pos,
            nominations_close_at=clock_now() + timedelta(hours=1),
            occasion_id=meeting.id,
            **kwargs,
        )
        for name in candidates:
            email = email_of(name) if "@" not in name else name
            made = nominations.nominate(person(chair), election, person(email))
            nominations.consent(person(email), made)
        clock_move(timedelta(hours=1, minutes=1))
        poll = elections.prepare_ballot(person(chair), election)
        polls.open_poll(person(chair), poll, confirm_privacy=True)
        return election

    state = {"traveller": clock}

    def clock_now() -> datetime:
        return datetime.now(UTC)

    def clock_move(delta: timedelta) -> None:
        state["traveller"].shift(delta)

    return run


def rank(poll: Poll, email: str, *names: str) -> polls.Receipt:
    """Cast a ranked ballot naming candidates in order."""
    numbers = [str(poll.choices.index(n) + 1) for n in names]
    return polls.cast(person(email), poll, choice=">".join(numbers))
