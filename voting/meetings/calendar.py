"""Meetings as calendar files (iCalendar, RFC 5545), written with the icalendar library.

Each meeting is one event: its title, its start in UTC, its body and organisation, and
a link to its page. The event's UID is the meeting's id under this site's host name, so
a calendar that imports the file again updates the same event rather than adding one.
A meeting has no planned end: the event gives its start only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from voting.core.columns import utcnow
from voting.meetings.models import Meeting

PRODUCT = "-//Voting//Meetings//EN"


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
