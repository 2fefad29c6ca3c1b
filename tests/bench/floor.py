"""A conference floor ready to vote, on a fresh SQLite file (or a PostgreSQL database given
by its URL): the AWL conference (one member, one vote) in session with N simulated members
checked in, an item open and a poll open on its motion; or, `secret`, a WSM delegate
council where N delegates of N branches carry 1 to 3 votes each, in a secret poll. Used by
the kill-during-a-burst tests, the tests of several workers and the voting benchmark,
which prepare the database here and then start the real servers on it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

CHAIR = "ola@awl.example"
WSM_CHAIR = "sam@wsm.example"


def database_url(database: Path | str) -> str:
    """A SQLite file's URL, or the database URL given (PostgreSQL's, for several workers)."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def config(database: Path | str, port: int) -> dict[str, Any]:
    """What the server is started with (its environment mirrors it)."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(database),
        "SECRET_KEY": "floor-secret",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": False,
        "SOCKETIO_ASYNC_MODE": "threading",  # only while preparing, in this process
        "ANNOUNCE_MEETINGS": False,  # 2,000 delegates are not mailed the bench's meeting
    }


def environment(database: Path | str, port: int) -> dict[str, str]:
    """The server's environment: the same database, secret and address."""
    return {
        "DATABASE_URL": database_url(database),
        "SECRET_KEY": "floor-secret",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }


def prepare(
    database: Path | str,
    port: int,
    members: int,
    *,
    minutes: int | None = None,
    secret: bool = False,
) -> dict:
    """Make the database; return what clients need: ids, session cookies, the chair's token
    (and for a secret poll, each voter's weight and the teller key that counts it: the key
    itself stays in this process, which ends here)."""
    from datetime import timedelta

    from voting.app import create_app
    from voting.ballots.models import PollMode
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

    org, slug, chair_email = (
        ("wsm", "delegate-council", WSM_CHAIR)
        if secret
        else (
            "awl",
            "conference",
            CHAIR,
        )
    )
    app = create_app(config(database, port))
    with app.app_context():
        db.create_all()
        load_demo()
        chair = db.session.scalar(select(Person).where(Person.email == chair_email))
        body = next(
            b
            for b in db.session.scalars(select(Body).where(Body.slug == slug))
            if b.organisation.slug == org
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
        people = (
            weighted_delegates(meeting, members) if secret else simulated_members(meeting, members)
        )
        poll = floor.create_poll(
            chair,
            meeting,
            motion=item.motions[0],
            minutes=minutes,
            mode=PollMode.SECRET if secret else PollMode.OPEN,
        )
        polls.open_poll(chair, poll, confirm_privacy=True)
        token = new_secret()
        db.session.add(
            ApiToken(
                person=chair,
                name="floor",
                token_hash=digest(token),
                prefix="f",
                scopes="read vote chair admin",
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        db.session.commit()
        ready = {
            "meeting": meeting.id,
            "poll": poll.id,
            "token": token,
            "cookie_name": app.config["SESSION_COOKIE_NAME"],
            "cookies": [session_cookie(app, p) for p in people],
            "people": [p.id for p in people],
            "weights": {e.holder_id: e.weight for e in poll.entitlements},
        }
        if secret:
            ready["teller_key"] = polls.show_teller_key(chair, poll, 1)
        db.session.remove()
        db.engine.dispose()
    return ready


def weighted_delegates(meeting: Any, count: int) -> list[Any]:
    """`count` branches of the meeting's organisation, each with one delegate carrying its
    attendance at its last meeting (1 to 3), checked in."""
    from voting.core.extensions import db
    from voting.meetings.models import CheckIn, CheckInVia
    from voting.membership.models import Membership, Person, Role, RoleKind
    from voting.org.models import AttendanceRecord, Unit, UnitKind

    org = meeting.body.organisation
    day = meeting.scheduled_for.date()
    people = []
    for n in range(count):
        branch = Unit(organisation=org, kind=UnitKind.BRANCH, name=f"Branch {n}", size=8)
        branch.attendance.append(
            AttendanceRecord(held_on=day - timedelta(days=3), present=1 + n % 3)
        )
        delegate = Person(email=f"delegate{n}@wsm.example", name=f"Delegate {n}")
        db.session.add_all(
            [
                branch,
                delegate,
                Membership(person=delegate, organisation=org, unit=branch),
                Role(person=delegate, organisation_id=org.id, kind=RoleKind.DELEGATE, unit=branch),
                CheckIn(meeting=meeting, person=delegate, via=CheckInVia.TELLER),
            ]
        )
        people.append(delegate)
    db.session.commit()
    return people
