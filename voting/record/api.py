"""API: a meeting's archive, the JSON document `flask voting import-meeting` reads in
another installation (see `record.archive`)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from voting.core.api import api_person, operation
from voting.core.errors import NotFound
from voting.core.extensions import db
from voting.meetings.models import Meeting
from voting.record import archive

TAG = "record"
ARCHIVE = {
    "type": "object",
    "description": "The meeting's archive (format voting-meeting-archive, version 1): the "
    "meeting, its items, motions with their versions and amendments, tests for agreement, "
    "speakers, attendance by name, and the counted polls with their stored results",
}


@operation(
    "/meetings/<int:meeting_id>/archive",
    "GET",
    summary="A meeting's archive, to import into another installation (its chair, the "
    "organisation's secretaries and admins)",
    tag=TAG,
    response=ARCHIVE,
)
def meeting_archive(meeting_id: int) -> dict[str, Any]:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not archive.may_export(api_person(), meeting):
        raise NotFound(_("No such meeting."))
    return archive.export_meeting(meeting)
