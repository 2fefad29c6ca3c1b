"""The agenda of a meeting: sections from the body's template, items submitted by a
deadline (late ones flagged with the reason), reordering and suspension by decision of
the meeting, and which item is under discussion.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.meetings.models import AgendaItem, ItemStatus, Meeting, MeetingStatus, MotionStage
from voting.meetings.permissions import attending_membership, is_chair, require_chair
from voting.meetings.services.changes import changed
from voting.meetings.services.consensus import open_test_of
from voting.meetings.services.motions import new_motion
from voting.membership.models import Person


def sections(meeting: Meeting) -> list[str]:
    """The agenda sections from the body's template ("" when the body has none)."""
    return list(meeting.body.settings.agenda_template) or [""]


def item_deadline(meeting: Meeting) -> datetime | None:
    """When items are due: the body's days before the meeting (None: no deadline)."""
    days = meeting.body.settings.item_deadline_days
    return meeting.scheduled_for - timedelta(days=days) if days else None


def get_item(item_id: int) -> AgendaItem:
    """The agenda item with this id, or a clear NotFound."""
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_("No such agenda item."))
    return item


def current_item(meeting: Meeting) -> AgendaItem | None:
    """The item under discussion, if any."""
    return next((i for i in meeting.items if i.status is ItemStatus.OPEN), None)


def submit_item(
    actor: Person | None,
    meeting: Meeting,
    *,
    section: str,
    title: str,
    description: str = "",
    late_reason: str = "",
    motion_text: str = "",
    methods_text: str = "",
) -> AgendaItem:
    """Submit an item (and its motion, if a text is given) to the meeting's agenda.

    Members who may attend and the chair submit. After the body's deadline the item is
    flagged late and needs a reason. Where the body takes motions in two stages and
    `methods_text` is given, `motion_text` is the goals and `methods_text` the methods.
    """
    chair = is_chair(actor, meeting.body)
    membership = attending_membership(actor, meeting.body)
    if not chair and membership is None:
        raise NotAllowed(_("Only members who can attend may submit items."))
    if meeting.status is MeetingStatus.CLOSED:
        raise Conflict(_("The meeting is closed."))
    title, late_reason = title.strip(), late_reason.strip()
    if not title:
        raise Invalid(_("Give the item a title."), field="title")
    if section not in sections(meeting):
        raise Invalid(_("Choose one of the agenda's sections."), field="section")
    if methods_text.strip() and not meeting.body.settings.two_stage_motions:
        raise Invalid(_("This body takes motions in one piece."), field="methods_text")
    deadline = item_deadline(meeting)
    now = utcnow()
    late = deadline is not None and now > deadline
    if late and not late_reason:
        raise Invalid(
            _("The deadline for items has passed: say why this item comes late."),
            field="late_reason",
        )
    with transaction():
        position = max((i.position for i in meeting.items), default=0) + 1
        item = AgendaItem(
            meeting=meeting,
            section=section,
            position=position,
            title=title,
            description=description.strip(),
            submitted_by_id=actor.id if actor else None,
            unit_id=membership.unit_id if membership else None,
            submitted_at=now,
            late=late,
            late_reason=late_reason if late else "",
        )
        db.session.add(item)
        db.session.flush()
        if methods_text.strip():
            new_motion(actor, item, title=title, text=motion_text, stage=MotionStage.GOALS)
            new_motion(actor, item, title=title, text=methods_text, stage=MotionStage.METHODS)
        elif motion_text.strip():
            new_motion(actor, item, title=title, text=motion_text)
        audit.record(
            "agenda.item_submitted",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            item=item.id,
            title=title,
            late=late,
            late_reason=item.late_reason,
        )
        changed(meeting, "agenda")
    return item


def move_item(actor: Person | None, item: AgendaItem, position: int) -> AgendaItem:
    """Move an item to `position` (1 = first) by decision of the meeting."""
    meeting = item.meeting
    require_chair(actor, meeting)
    items = [i for i in meeting.items if i.id != item.id]
    position = max(1, min(position, len(items) + 1))
    if meeting.items.index(item) + 1 == position:
        return item
    with transaction():
        items.insert(position - 1, item)
        for number, each in enumerate(items, start=1):
            each.position = number
        audit.record(
            "agenda.item_moved",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            item=item.id,
            position=position,
        )
        changed(meeting, "agenda")
    db.session.refresh(meeting)
    return item


def suspend_item(actor: Person | None, item: AgendaItem, suspended: bool = True) -> AgendaItem:
    """Suspend an item (or bring it back) by decision of the meeting. Idempotent."""
    meeting = item.meeting
    require_chair(actor, meeting)
    if item.suspended is suspended:
        return item
    if suspended and item.status is ItemStatus.OPEN:
        raise Conflict(_("Close the item before suspending it."))
    with transaction():
        item.suspended = suspended
        audit.record(
            "agenda.item_suspended" if suspended else "agenda.item_restored",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            item=item.id,
        )
        changed(meeting, "agenda")
    return item


def open_item(actor: Person | None, item: AgendaItem) -> AgendaItem:
    """Open discussion on an item; the item under discussion before it is closed.

    Opening the item already open changes nothing (two chairs clicking at once).
    """
    meeting = item.meeting
    require_chair(actor, meeting)
    if item.status is ItemStatus.OPEN:
        return item
    if meeting.status is not MeetingStatus.OPEN:
        raise Conflict(_("Open the meeting first."))
    if item.suspended:
        raise Conflict(_("This item is suspended."))
    if item.status is ItemStatus.CLOSED:
        raise Conflict(_("This item is closed."))
    if meeting.needs_justification and not item.is_justification:
        raise Conflict(_("The meeting must first decide that the request is justified."))
    previous = current_item(meeting)
    if previous is not None and open_test_of(previous) is not None:
        raise Conflict(_("A test for agreement is open on the current item: close it first."))
    with transaction():
        if previous is not None:
            previous.status = ItemStatus.CLOSED
        item.status = ItemStatus.OPEN
        audit.record(
            "agenda.item_opened",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            item=item.id,
        )
        changed(meeting)
    return item


def close_item(actor: Person | None, item: AgendaItem) -> AgendaItem:
    """Close discussion on an item. Refused while a test for agreement is open. Idempotent."""
    meeting = item.meeting
    require_chair(actor, meeting)
    if item.status is ItemStatus.CLOSED:
        return item
    if open_test_of(item) is not None:
        raise Conflict(_("A test for agreement is open: close it first."))
    with transaction():
        item.status = ItemStatus.CLOSED
        audit.record(
            "agenda.item_closed",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            item=item.id,
        )
        changed(meeting)
    return item
