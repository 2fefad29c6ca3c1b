"""Fixtures for votes on the floor: the WRI conference with voting cards handed out, a WSM
delegate council with a motion, an AWL conference, each in session with people checked in.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.meetings import conftest as shared
from tests.meetings.conftest import person, token_for
from voting.ballots.models import Poll, PollMode
from voting.ballots.services import polls
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.meetings.models import Meeting, Motion
from voting.meetings.services import agenda, floor, meetings, representation
from voting.org.models import AttendanceRecord, Body, Unit

# Fixtures shared with the meeting suite.
live, conference, signed_in, socket_for = (
    shared.live,
    shared.conference,
    shared.signed_in,
    shared.socket_for,
)
__all__ = ["person", "token_for"]

WRI_CHAIR = "chris@wri.example"
WRI_SECRETARY = "ana@wri.example"
WSM_CHAIR = "sam@wsm.example"
AWL_CHAIR = "ola@awl.example"
# Representatives of Sections X and Y and associates P and Q, each holding their unit's cards.
WRI_REPS = {
    "Section X": "xavier@wri.example",
    "Section Y": "yusuf@wri.example",
    "Associate P": "pia@wri.example",
    "Associate Q": "quinn@wri.example",
}


def body(org: str, slug: str) -> Body:
    return next(
        b
        for b in db.session.scalars(select(Body).where(Body.slug == slug))
        if b.organisation.slug == org
    )


def unit(org: str, name: str) -> Unit:
    found = next(u for u in body(org, "conference").organisation.units if u.name == name)
    return found


def check_in(meeting: Meeting, *emails: str) -> None:
    for email in emails:
        meetings.check_in(person(email), meeting, meeting.join_code)


def motion_of(meeting: Meeting) -> Motion:
    return next(m for i in meeting.items for m in i.motions)


def new_meeting(org: str, slug: str, chair: str, title: str = "Motion on housing") -> Meeting:
    """A meeting of the body, in session tomorrow, with one item carrying a motion."""
    meeting = meetings.schedule_meeting(
        person(chair), body(org, slug), title="Meeting", scheduled_for=utcnow() + timedelta(hours=2)
    )
    section = agenda.sections(meeting)
    agenda.submit_item(
        person(chair),
        meeting,
        section="Motions" if "Motions" in section else section[0],
        title=title,
        late_reason="Brought forward by the branches",
        motion_text="The organisation campaigns for public housing.",
    )
    meetings.open_meeting(person(chair), meeting)
    return meeting


@pytest.fixture
def wri(conference: Meeting) -> Meeting:
    """The WRI conference: each representative holds their unit's cards (the demo hands
    them out for its conference) and is checked in."""
    given = {a.person_id for a in representation.cards_of(conference.body.organisation)}
    for name, email in WRI_REPS.items():
        if person(email).id not in given:
            representation.assign_cards(
                person(WRI_SECRETARY), unit("wri", name), person(email), meeting=conference
            )
    check_in(conference, *WRI_REPS.values())
    return conference


@pytest.fixture
def wsm(live: Flask) -> Meeting:
    """A WSM delegate council: Galway (9 at its last meeting), Limerick (5), Dublin (17)."""
    meeting = new_meeting("wsm", "delegate-council", WSM_CHAIR)
    check_in(
        meeting,
        "gal@wsm.example",
        "gwen@wsm.example",
        "lee@wsm.example",
        "dara@wsm.example",
        "tom@wsm.example",
    )
    return meeting


@pytest.fixture
def awl(live: Flask) -> Meeting:
    meeting = new_meeting("awl", "conference", AWL_CHAIR, "Resolution on the climate")
    return meeting


def open_poll(meeting: Meeting, chair: str, mode: PollMode = PollMode.OPEN, **kwargs) -> Poll:  # type: ignore[no-untyped-def]
    kwargs.setdefault("motion", motion_of(meeting))
    poll = floor.create_poll(person(chair), meeting, mode=mode, **kwargs)
    return polls.open_poll(person(chair), poll, confirm_privacy=True)


def vote(poll: Poll, email: str, choice: str, **kwargs) -> polls.Receipt:  # type: ignore[no-untyped-def]
    return polls.cast(person(email), poll, choice=choice, **kwargs)


def later_galway_meeting(day: date, present: int) -> None:
    galway = unit("wsm", "Galway")
    db.session.add(AttendanceRecord(unit_id=galway.id, held_on=day, present=present))
    db.session.commit()
