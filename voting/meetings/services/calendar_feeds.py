"""A person's calendar feed: the secret address a calendar program reads their meetings
from. The secret is shown once and stored as its digest; a new one ends the old."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from voting.core.database import transaction
from voting.core.errors import NotAllowed
from voting.core.extensions import db
from voting.core.permissions import signed_in
from voting.meetings.calendar import CalendarFeed
from voting.membership.models import Person
from voting.membership.services.tokens import digest, new_secret


def feed_of(person: Person) -> CalendarFeed | None:
    """The person's feed, if they made one."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.person_id == person.id))


def new_feed(actor: Person | None) -> str:
    """Make the signed-in person a feed address; returns its secret, shown this once. An
    address made before stops working."""
    if not signed_in(actor):
        raise NotAllowed(_("Sign in to make a calendar feed."))
    assert actor is not None
    secret = new_secret()
    with transaction():
        db.session.execute(delete(CalendarFeed).where(CalendarFeed.person_id == actor.id))
        db.session.add(CalendarFeed(person_id=actor.id, key_hash=digest(secret)))
    return secret


def stop_feed(actor: Person) -> bool:
    """End the person's feed address; whether there was one."""
    with transaction():
        ended = db.session.execute(
            delete(CalendarFeed).where(CalendarFeed.person_id == actor.id)
        ).rowcount
    return bool(ended)


def owner_of(secret: str) -> Person | None:
    """Whose feed a secret opens: None for an unknown secret or a switched-off account."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.key_hash == digest(secret)))
    if feed is None:
        return None
    person = db.session.get(Person, feed.person_id)
    return person if person is not None and person.is_active_account else None
