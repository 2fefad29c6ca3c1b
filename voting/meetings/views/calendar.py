"""Calendar files: a meeting as an .ics file, for whoever may see the meeting.

Not an API operation: the answer is an iCalendar file, not JSON. It is read with the
session like the meeting's pages, so a browser's "Add to calendar" link works as it is.
"""

from __future__ import annotations

from flask import Blueprint, Response
from flask_babel import gettext as _

from voting.core.extensions import db
from voting.meetings import calendar
from voting.meetings.models import Meeting
from voting.meetings.views.meetings import refused

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):  # type: ignore[no-untyped-def]
    """The meeting as a calendar file, for those who may watch it (`visibility.may_watch`)."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if (refusal := refused(meeting)) is not None:
        return refusal
    name = _("%(title)s (%(body)s)", title=meeting.title, body=meeting.body.name)
    answer = Response(calendar.calendar([meeting], name), content_type=CONTENT_TYPE)
    answer.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    # A meeting that is not public is the viewer's own business: no shared cache keeps it.
    answer.headers["Cache-Control"] = "private, no-cache"
    return answer
