"""API: a meeting's minutes — read (the same reading as the page: skeleton minutes leave
out what they leave out) and the secretary's part written through the same service."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from voting.core.api import api_person, int_field, json_body, operation, text_field
from voting.core.errors import Invalid, NotFound
from voting.core.extensions import db
from voting.meetings.models import Meeting
from voting.record import minutes as reading
from voting.record.services import minutes as service

TAG = "record"
MINUTES = {
    "type": "object",
    "description": "A meeting's minutes: status (draft, approved), skeleton, the secretary's "
    "summary and notes per item, the version to send back when writing, the approval "
    "(motion, fingerprint) and the content generated from the meeting",
}


def minutes_json(meeting: Meeting) -> dict[str, Any]:
    read = reading.read(meeting)
    written = read.written
    motion = written.approval_motion if written is not None else None
    return {
        "meeting": meeting.id,
        "status": written.status.value if written is not None else "draft",
        "skeleton": read.skeleton,
        "summary": read.summary,
        "notes": {str(r.item.id): r.note for r in read.items if r.note},
        "version": written.version if written is not None else None,
        "approval": None
        if motion is None
        else {"motion": motion.id, "meeting": motion.item.meeting_id},
        "approved_at": written.approved_at.isoformat()
        if written is not None and written.approved_at
        else None,
        "fingerprint": written.approved_hash or None if written is not None else None,
        "quorum": {"present": read.quorum.present, "needed": read.quorum.needed},
        "content": reading.content(read),
    }


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not reading.may_read(api_person(), meeting):
        raise NotFound(_("No such meeting."))
    return meeting


@operation(
    "/meetings/<int:meeting_id>/minutes",
    "GET",
    summary="A meeting's minutes (the members of the body they go to, its chair, secretaries)",
    tag=TAG,
    response=MINUTES,
)
def get_minutes(meeting_id: int) -> dict[str, Any]:
    return minutes_json(_meeting(meeting_id))


@operation(
    "/meetings/<int:meeting_id>/minutes",
    "PATCH",
    summary="Write the secretary's part of draft minutes (the chair, secretaries)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "summary": {"type": "string"},
            "notes": {
                "type": "object",
                "description": "An agenda item's id → its note (empty: none)",
                "additionalProperties": {"type": "string"},
            },
            "skeleton": {"type": "boolean"},
            "version": {"type": "integer", "description": "The version read; stale: 409"},
        },
    },
    response=MINUTES,
)
def write_minutes(meeting_id: int) -> dict[str, Any]:
    meeting = _meeting(meeting_id)
    data = json_body()
    notes = data.get("notes")
    if notes is not None and (
        not isinstance(notes, dict)
        or not all(isinstance(v, str) and str(k).isdigit() for k, v in notes.items())
    ):
        raise Invalid(_("notes must map an item's id to its text."), field="notes")
    skeleton = data.get("skeleton")
    if skeleton is not None and not isinstance(skeleton, bool):
        raise Invalid(_("skeleton must be true or false."), field="skeleton")
    service.edit(
        api_person(),
        meeting,
        summary=text_field(data, "summary") if "summary" in data else None,
        notes={int(k): v for k, v in (notes or {}).items()},
        skeleton=skeleton,
        version=int_field(data, "version"),
    )
    return minutes_json(meeting)
