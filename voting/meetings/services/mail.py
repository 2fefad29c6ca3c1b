"""Mail about meetings: the body's members are told when a meeting is called (kind
`meeting_called`), once each, in their own language, if they want it; sent after the
commit from a task of its own (`core.notify.in_background`)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.ballots.services.entitlements import body_roll
from voting.core import reminders
from voting.core.extensions import db
from voting.meetings.models import Meeting
from voting.membership.models import Person

KIND = "meeting_called"
SUBJECT = _l("Meeting called: %(title)s")
BODY = _l(
    "%(body_name)s meets on %(when)s: %(title)s.\n\n"
    "The agenda and the link to join: %(url)s\n"
    "Add it to your calendar: %(calendar)s"
)


def announce_meeting(meeting_id: int) -> int:
    """Tell the members who may attend the body's meetings that this one is called."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return 0
    body = meeting.body
    attending = set(body.settings.attend)
    ids = [
        p
        for p, _name, status in body_roll(body, meeting.scheduled_for.date())
        if status in attending
    ]
    people = list(db.session.scalars(select(Person).where(Person.id.in_(ids))))
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    values = {
        "title": meeting.title,
        "body_name": body.name,
        "when": meeting.scheduled_for,
        "url": f"{base}/meetings/{meeting.id}",
        "calendar": f"{base}/meetings/{meeting.id}.ics",
    }
    return reminders.send_reminders(
        KIND, str(meeting.id), [(p, values) for p in people], SUBJECT, BODY, notification=KIND
    )
