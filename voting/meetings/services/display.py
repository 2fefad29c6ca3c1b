"""The projector's display link: /meetings/<id>/projector/<token> shows the projector in
the hall without anyone signing in on its computer, whatever the body lets others see
(`meetings/visibility.py`). The chair gives the meeting a new link when the old one may
have travelled; the old one stops working at once, on pages and on the live socket.
"""

from __future__ import annotations

import secrets

from flask import current_app, url_for
from flask_babel import gettext as _

from voting.core import audit, live
from voting.core.database import after_commit, transaction
from voting.core.errors import NotFound
from voting.core.extensions import socketio
from voting.meetings.models import Meeting, new_display_token
from voting.meetings.permissions import require_chair
from voting.meetings.services.changes import CHANNEL
from voting.membership.models import Person

# The room of the projectors opened by the display link: apart from the plain projector
# page's, so a new link can end them without touching anyone else.
DISPLAY = "display"


def display_room(meeting_id: int) -> str:
    return live.room(CHANNEL, meeting_id, DISPLAY)


def link(meeting: Meeting) -> str:
    """The projector's display link, in full (the chair console shows it)."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    path = url_for("meetings.projector_display", meeting_id=meeting.id, token=meeting.display_token)
    return base + path


def opens_display(meeting: Meeting, token: str | None) -> bool:
    """Whether `token` is the meeting's current display token."""
    return bool(token) and secrets.compare_digest(
        str(token).encode(), meeting.display_token.encode()
    )


def require_display(meeting: Meeting, token: str | None) -> None:
    """Refuse a display link that is not (or no longer) the meeting's."""
    if not opens_display(meeting, token):
        raise NotFound(
            _("This display link does not work (any more): ask the chair for the current one.")
        )


def new_display_link(actor: Person | None, meeting: Meeting) -> Meeting:
    """Give the meeting's projector a new display link (the chair). The old link stops
    working: its pages answer 404 and the projectors it opened are told to reload."""
    require_chair(actor, meeting)
    with transaction():
        meeting.display_token = new_display_token()
        audit.record(
            "meeting.display_link",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
        )
        room = display_room(meeting.id)
        after_commit(lambda: _end_display(room, meeting.id))
    return meeting


def _end_display(room: str, meeting_id: int) -> None:
    socketio.emit("display_ended", {CHANNEL: meeting_id}, to=room)
    socketio.close_room(room)
