"""Writing a meeting's minutes: the secretary's summary and notes per item, skeleton
minutes, and their approval by the body's next meeting.

When a meeting closes, its minutes (a draft) wait for the body's next meeting: an item
"Approval of the minutes" with its motion is added to the earliest meeting of the body
still to come, or to the next one scheduled. When that motion is agreed or carried the
minutes are approved: frozen, their content hashed into the audit chain. When it is lost,
or that meeting closes without deciding it, the minutes stay a draft and go to the
meeting after.
"""

from __future__ import annotations

import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import select

from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.core.permissions import can
from voting.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    Motion,
    MotionStatus,
)
from voting.meetings.permissions import is_chair
from voting.meetings.services.changes import changed
from voting.meetings.services.motions import new_motion
from voting.membership.models import Person
from voting.org.permissions import Action
from voting.record.models import Minutes, MinutesNote, MinutesStatus

MAX_TEXT = 20_000
# Approval comes first on the agenda, before the sections' own items.
APPROVAL_POSITION = -1000


def minutes_of(meeting: Meeting) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def may_edit(person: Person | None, meeting: Meeting) -> bool:
    """The body's chair and the organisation's secretaries write the minutes."""
    return is_chair(person, meeting.body) or can(
        person, Action.MANAGE_MEMBERS, meeting.body.organisation_id
    )


def _ensure(meeting: Meeting) -> Minutes:
    found = minutes_of(meeting)
    if found is None:
        found = Minutes(meeting=meeting)
        db.session.add(found)
        db.session.flush()
    return found


def edit(
    actor: Person | None,
    meeting: Meeting,
    *,
    summary: str | None = None,
    notes: dict[int, str] | None = None,
    skeleton: bool | None = None,
    version: int | None = None,
) -> Minutes:
    """Change the secretary's part of the minutes while they are a draft.

    `notes` maps an agenda item's id to its note (empty: none). `version` is the one the
    editor read: when someone saved in between, nothing is written and they are told."""
    if not may_edit(actor, meeting):
        raise NotAllowed(_("Only the chair or a secretary can write the minutes."))
    summary = None if summary is None else summary.strip()
    notes = {int(k): v.strip() for k, v in (notes or {}).items()}
    items = {item.id for item in meeting.items}
    for item_id, text in notes.items():
        if item_id not in items:
            raise Invalid(_("That item is not on this meeting's agenda."), field="notes")
        if len(text) > MAX_TEXT:
            raise Invalid(
                _("A note can be at most %(n)d characters.", n=MAX_TEXT), field=f"note-{item_id}"
            )
    if summary is not None and len(summary) > MAX_TEXT:
        raise Invalid(
            _("The summary can be at most %(n)d characters.", n=MAX_TEXT), field="summary"
        )
    with transaction():
        minutes = _ensure(meeting)
        if minutes.status is MinutesStatus.APPROVED:
            raise Conflict(_("These minutes are approved: they can no longer change."))
        if version is not None and version != minutes.version:
            raise Conflict(
                _(
                    "Someone else saved these minutes meanwhile. Your text is kept, with "
                    "what they saved beside it: save again to keep yours."
                )
            )
        changes: list[str] = []
        if summary is not None and summary != minutes.summary:
            minutes.summary = summary
            changes.append("summary")
        if skeleton is not None and skeleton != minutes.skeleton:
            minutes.skeleton = skeleton
            changes.append("skeleton")
        existing = {note.item_id: note for note in minutes.notes}
        for item_id, text in sorted(notes.items()):
            note = existing.get(item_id)
            if note is None and text:
                minutes.notes.append(MinutesNote(item_id=item_id, text=text))
            elif note is not None and note.text != text:
                note.text = text
            else:
                continue
            changes.append(f"item:{item_id}")
        if changes:
            minutes.version += 1
            minutes.updated_at = utcnow()
            minutes.updated_by_id = actor.id if actor else None
            audit.record(
                "minutes.edited",
                actor=actor,
                organisation_id=meeting.body.organisation_id,
                meeting=meeting.id,
                changed=changes,
                skeleton=minutes.skeleton,
            )
    return minutes


# --- Approval at the body's next meeting ------------------------------------------------


def fingerprint(content: dict[str, object]) -> str:
    """The hash of the minutes' content as approved (canonical JSON)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _next_meeting(meeting: Meeting) -> Meeting | None:
    """The body's earliest meeting still to come after `meeting`."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.id != meeting.id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.scheduled_for >= meeting.scheduled_for,
        )
        .order_by(Meeting.scheduled_for, Meeting.id)
        .limit(1)
    )


def _put_for_approval(minutes: Minutes, at: Meeting) -> None:
    meeting = minutes.meeting
    day = meeting.scheduled_for.strftime("%Y-%m-%d")
    sections = list(at.body.settings.agenda_template) or [""]
    item = AgendaItem(
        meeting=at,
        section=sections[0],
        position=APPROVAL_POSITION + meeting.id % 1000,
        title=_("Approval of the minutes: %(meeting)s", meeting=meeting.title),
        description=_(
            "The minutes of %(meeting)s (%(day)s), as the secretary drafted them.",
            meeting=meeting.title,
            day=day,
        ),
    )
    db.session.add(item)
    db.session.flush()
    motion = new_motion(
        None,
        item,
        title=_("Approve the minutes of %(meeting)s", meeting=meeting.title),
        text=_(
            "That the minutes of %(meeting)s of %(day)s be approved as a true record.",
            meeting=meeting.title,
            day=day,
        ),
    )
    minutes.approval_motion_id = motion.id
    audit.record(
        "minutes.put_for_approval",
        actor=None,
        organisation_id=meeting.body.organisation_id,
        meeting=meeting.id,
        at_meeting=at.id,
        motion=motion.id,
    )
    changed(at, "agenda")


def _waiting(body_id: int) -> list[Minutes]:
    """The body's draft minutes of closed meetings with no approval motion on an agenda."""
    return list(
        db.session.scalars(
            select(Minutes)
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            .where(
                Meeting.body_id == body_id,
                Meeting.status == MeetingStatus.CLOSED,
                Minutes.status == MinutesStatus.DRAFT,
                Minutes.approval_motion_id.is_(None),
            )
            .order_by(Meeting.scheduled_for, Meeting.id)
        )
    )


def on_meeting_closed(meeting: Meeting, **_: object) -> None:
    """The meeting's minutes wait for the body's next meeting, and so do the minutes this
    meeting did not approve (lost, or left undecided)."""
    _ensure(meeting)
    for minutes in db.session.scalars(
        select(Minutes)
        .join(Motion, Motion.id == Minutes.approval_motion_id)
        .join(AgendaItem, AgendaItem.id == Motion.item_id)
        .where(AgendaItem.meeting_id == meeting.id, Minutes.status == MinutesStatus.DRAFT)
    ):
        minutes.approval_motion_id = None
    db.session.flush()
    for minutes in _waiting(meeting.body_id):
        at = _next_meeting(minutes.meeting)
        if at is not None:
            _put_for_approval(minutes, at)


def on_meeting_reopened(meeting: Meeting, **__: object) -> None:
    """Approved minutes are the record of a meeting that ended: it cannot reopen."""
    written = minutes_of(meeting)
    if written is not None and written.status is MinutesStatus.APPROVED:
        raise Conflict(
            _("The minutes of this meeting are approved: it cannot reopen. Hold a new meeting.")
        )


def on_meeting_scheduled(meeting: Meeting, **_: object) -> None:
    """A meeting of the body is scheduled: the body's minutes still waiting go on it."""
    if meeting.status is not MeetingStatus.SCHEDULED:
        return
    for minutes in _waiting(meeting.body_id):
        if _next_meeting(minutes.meeting) is meeting:
            _put_for_approval(minutes, meeting)


def on_motion_decided(motion: Motion, **_: object) -> None:
    """The approval motion was agreed or carried: the minutes are approved and frozen; lost,
    or no decision: they stay a draft for the next meeting."""
    minutes = db.session.scalar(select(Minutes).where(Minutes.approval_motion_id == motion.id))
    if minutes is None or minutes.status is not MinutesStatus.DRAFT:
        return
    organisation_id = minutes.meeting.body.organisation_id
    if motion.status in (MotionStatus.CONSENSUS, MotionStatus.CARRIED):
        from voting.record import minutes as reading

        content = reading.content(reading.read(minutes.meeting))
        minutes.status = MinutesStatus.APPROVED
        minutes.approved_at = utcnow()
        minutes.approved_text = json.dumps(content, sort_keys=True, ensure_ascii=False)
        minutes.approved_hash = fingerprint(content)
        audit.record(
            "minutes.approved",
            actor=None,
            organisation_id=organisation_id,
            meeting=minutes.meeting_id,
            by_motion=motion.id,
            hash=minutes.approved_hash,
        )
    elif motion.status in (MotionStatus.LOST, MotionStatus.NO_DECISION):
        minutes.approval_motion_id = None
        audit.record(
            "minutes.not_approved",
            actor=None,
            organisation_id=organisation_id,
            meeting=minutes.meeting_id,
            by_motion=motion.id,
        )
