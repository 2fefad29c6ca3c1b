"""A conference floor ready to vote, on a fresh SQLite file: the AWL conference (one member,
one vote) in session with N simulated members checked in, an item open and a poll open on
its motion. Used by the kill-during-a-burst test and the voting benchmark, which prepare
the database here and then start the real server on it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

CHAIR = "ola@awl.example"


def config(database: Path, port: int) -> dict[str, Any]:
    """What the server is started with (its environment mirrors it)."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "SECRET_KEY": "floor-secret",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": False,
        "SOCKETIO_ASYNC_MODE": "threading",  # only while preparing, in this process
    }


def environment(database: Path, port: int) -> dict[str, str]:
    """The server's environment: the same database, secret and address."""
    return {
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "floor-secret",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }


def prepare(database: Path, port: int, members: int, *, minutes: int | None = None) -> dict:
    """Make the database; return what clients need: ids, session cookies, the chair's token."""
    from voting.app import create_app
    from voting.ballots.services import polls
    from voting.core.columns import utcnow
    from voting.core.extensions import db
    from voting.demo import load_demo
    from voting.meetings.services import agenda, floor, meetings
    from voting.meetings.services.simulation import simulated_members
    from voting.meetings.simulate import session_cookie
    from voting.membership.models import ApiToken, Person
    from voting.membership.services.tokens import digest, new_secret
    from voting.org.models import Body

    app = create_app(config(database, port))
    with app.app_context():
        db.create_all()
        load_demo()
        chair = db.session.scalar(select(Person).where(Person.email == CHAIR))
        body = next(
            b
            for b in db.session.scalars(select(Body).where(Body.slug == "conference"))
            if b.organisation.slug == "awl"
        )
        meeting = meetings.schedule_meeting(
            chair, body, title="Floor", scheduled_for=utcnow() + timedelta(hours=1)
        )
        item = agenda.submit_item(
            chair,
            meeting,
            section=agenda.sections(meeting)[0],
            title="Resolution on the climate",
            late_reason="Brought by the branches",
            motion_text="The conference resolves to act on the climate.",
        )
        meetings.open_meeting(chair, meeting)
        agenda.open_item(chair, item)
        people = simulated_members(meeting, members)
        poll = floor.create_poll(chair, meeting, motion=item.motions[0], minutes=minutes)
        polls.open_poll(chair, poll)
        secret = new_secret()
        db.session.add(ApiToken(person=chair, name="floor", token_hash=digest(secret), prefix="f"))
        db.session.commit()
        ready = {
            "meeting": meeting.id,
            "poll": poll.id,
            "token": secret,
            "cookie_name": app.config["SESSION_COOKIE_NAME"],
            "cookies": [session_cookie(app, p) for p in people],
            "people": [p.id for p in people],
        }
        db.session.remove()
        db.engine.dispose()
    return ready
