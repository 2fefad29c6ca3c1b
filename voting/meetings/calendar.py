"""Meetings as calendar files (iCalendar, RFC 5545), written with the icalendar library.

Each meeting is one event: its title, its start in UTC, its body and organisation, and
a link to its page. The event's UID is the meeting's id under this site's host name, so
a calendar that imports the file again updates the same event rather than adding one.
A meeting has no planned end: the event gives its start only.

A person's feed (`meetings_of`) holds the meetings of the bodies they may attend or
chair, from `FEED_PAST` ago on. A calendar program reads it without signing in, so its
address carries a secret (`CalendarFeed`, stored as its digest, shown once): a new
address ends the old one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from voting.core.columns import UTCDateTime, utcnow
from voting.core.extensions import db
from voting.core.permissions import signed_in
from voting.meetings.models import Meeting
from voting.meetings.permissions import attending_membership, is_chair
from voting.meetings.visibility import may_watch
from voting.membership.models import Person
from voting.org.models import Body

PRODUCT = "-//Voting//Meetings//EN"
FEED_PAST = timedelta(days=90)


class CalendarFeed(db.Model):
    """A person's calendar feed: the digest of the secret in its address, one per person."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _site() -> tuple[str, str]:
    """This site's address (PUBLIC_URL) and its host name."""
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    return public, urlsplit(public).hostname or "localhost"


def uid(meeting: Meeting) -> str:
    """The event's identity: the same for a meeting every time it is exported."""
    return f"meeting-{meeting.id}@{_site()[1]}"


def page_url(meeting: Meeting) -> str:
    return _site()[0] + url_for("meetings.member", meeting_id=meeting.id, _external=False)


def event(meeting: Meeting) -> Event:
    """The meeting as a calendar event."""
    body = meeting.body
    link = page_url(meeting)
    found = Event()
    found.add("uid", uid(meeting))
    found.add("dtstamp", utcnow())
    found.add("dtstart", meeting.scheduled_for.astimezone(UTC))
    found.add("summary", meeting.title)
    found.add(
        "description",
        _(
            "Meeting of %(body)s, %(organisation)s.\n%(url)s",
            body=body.name,
            organisation=body.organisation.name,
            url=link,
        ),
    )
    found.add("url", link)
    found.add("categories", [body.name])
    found.add("status", "CONFIRMED")
    return found


def calendar(meetings: Iterable[Meeting], name: str) -> bytes:
    """An iCalendar file holding `meetings`, under the calendar name `name`."""
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(event(meeting))
    return bytes(cal.to_ical())


def meetings_of(person: Person) -> list[Meeting]:
    """The meetings of the bodies `person` may attend or chair, from `FEED_PAST` ago on,
    that they may see, soonest first."""
    if not signed_in(person):
        return []
    org_ids = {m.organisation_id for m in person.memberships} | {
        r.organisation_id for r in person.roles
    }
    found = db.session.scalars(
        select(Meeting)
        .join(Body)
        .where(Body.organisation_id.in_(org_ids), Meeting.scheduled_for >= utcnow() - FEED_PAST)
        .order_by(Meeting.scheduled_for, Meeting.id)
    )
    return [
        meeting
        for meeting in found
        if (is_chair(person, meeting.body) or attending_membership(person, meeting.body))
        and may_watch(person, meeting)
    ]
