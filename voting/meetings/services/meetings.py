"""Meetings of a body: scheduling with notice, opening and closing, check-in.

Every write bumps the meeting's `version` and, once committed, publishes the regions of
the screens it changed (`meetings/screens.py`, through `core/live.py`). Who may do what
is declared in `meetings/permissions.py`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from voting.core import audit, notify
from voting.core.columns import utcnow
from voting.core.database import after_commit, transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.permissions import can, signed_in
from voting.meetings.models import (
    AgendaItem,
    CalledBy,
    CheckIn,
    CheckInVia,
    ItemStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Motion,
    MotionStatus,
    Requisition,
    RequisitionStatus,
)
from voting.meetings.permissions import (
    CHECK_IN,
    attending_membership,
    check_in_of,
    is_chair,
    may_convene,
    require_chair,
)
from voting.meetings.services import mail
from voting.meetings.services.changes import changed
from voting.meetings.services.consensus import open_test_of
from voting.meetings.services.motions import new_motion
from voting.meetings.signals import meeting_closed, meeting_reopened, meeting_scheduled
from voting.membership.models import Person
from voting.org.models import Body
from voting.org.permissions import Action


def get_meeting(meeting_id: int) -> Meeting:
    """The meeting with this id, or a clear NotFound."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


# --- Scheduling ---------------------------------------------------------------------------


def notice_short_by(body: Body, scheduled_for: datetime, given_at: datetime) -> timedelta | None:
    """How much shorter than the body's notice period the notice is, or None if enough."""
    required = timedelta(days=body.settings.notice_days)
    given = scheduled_for - given_at
    return required - given if given < required else None


def may_schedule(actor: Person | None, body: Body) -> bool:
    """The body's chair, or an admin of its organisation or of that body."""
    return is_chair(actor, body) or can(
        actor, Action.MANAGE_ORGANISATION, body.organisation, body=body
    )


def schedule_meeting(
    actor: Person | None,
    body: Body,
    *,
    title: str,
    scheduled_for: datetime,
    kind: MeetingKind = MeetingKind.REGULAR,
    called_by: CalledBy = CalledBy.SCHEDULE,
    grounds: str = "",
    requisition: Requisition | None = None,
) -> Meeting:
    """Schedule a meeting of `body`; a notice shorter than the body's period is flagged.

    Extraordinary and emergency meetings say who called them and on what grounds. An
    emergency body's meeting starts with an item deciding whether the request is
    justified; a regular meeting of the body that ratifies emergency decisions gets an
    item for each one still waiting. The meeting a reached `requisition` of the body
    demands may be scheduled by a secretary too (`services/requisitions.convene`).
    """
    requisitioned = (
        requisition is not None
        and requisition.body_id == body.id
        and requisition.status is RequisitionStatus.REACHED
        and may_convene(actor, body)
    )
    if not (requisitioned or may_schedule(actor, body)):
        raise NotAllowed(_("Only the chair or an admin can schedule a meeting."))
    title = title.strip()
    if not title:
        raise Invalid(_("Give the meeting a title."), field="title")
    if scheduled_for.tzinfo is None:
        raise Invalid(_("Give the date and time of the meeting."), field="scheduled_for")
    now = utcnow()
    if scheduled_for < now - timedelta(hours=12):
        raise Invalid(_("The meeting cannot be in the past."), field="scheduled_for")
    emergency_body = body.settings.emergency.is_emergency
    if emergency_body:
        kind = MeetingKind.EMERGENCY
    if kind is not MeetingKind.REGULAR and called_by is CalledBy.SCHEDULE:
        raise Invalid(_("Say who called this meeting."), field="called_by")
    if kind is not MeetingKind.REGULAR and not grounds.strip():
        raise Invalid(_("State the grounds for calling this meeting."), field="grounds")
    with transaction():
        meeting = Meeting(
            body=body,
            title=title,
            kind=kind,
            scheduled_for=scheduled_for,
            notice_given_at=now,
            short_notice=notice_short_by(body, scheduled_for, now) is not None,
            called_by=called_by,
            grounds=grounds.strip(),
            join_code=secrets.token_urlsafe(12),
            created_by_id=actor.id if actor else None,
        )
        db.session.add(meeting)
        db.session.flush()
        if emergency_body:
            _add_justification_item(actor, meeting)
        elif kind is MeetingKind.REGULAR:
            _add_ratification_items(meeting)
        meeting_scheduled.send(meeting)
        audit.record(
            "meeting.scheduled",
            actor=actor,
            organisation_id=body.organisation_id,
            meeting=meeting.id,
            body=body.slug,
            kind=kind.value,
            scheduled_for=scheduled_for.isoformat(),
            short_notice=meeting.short_notice,
            called_by=called_by.value,
            grounds=meeting.grounds,
            **({"requisition": requisition.id} if requisition is not None else {}),
        )
        if current_app.config.get("ANNOUNCE_MEETINGS", True):  # the demo's meetings are not
            after_commit(notify.in_background(mail.announce_meeting, meeting.id))
    return meeting


def _add_justification_item(actor: Person | None, meeting: Meeting) -> None:
    item = AgendaItem(
        meeting=meeting,
        section="",
        position=0,
        title=_("Is this emergency meeting justified?"),
        description=meeting.grounds,
        submitted_by_id=actor.id if actor else None,
        is_justification=True,
    )
    db.session.add(item)
    db.session.flush()

    grounds = ", ".join(meeting.body.settings.emergency.grounds)
    new_motion(
        actor,
        item,
        title=_("The request is justified"),
        text=_(
            "This meeting is justified on the grounds stated (%(allowed)s): %(grounds)s",
            allowed=grounds,
            grounds=meeting.grounds,
        ),
    )


def _add_ratification_items(meeting: Meeting) -> None:
    """List the emergency decisions this body ratifies and that wait for a meeting."""
    ratifying = [
        b.id
        for b in meeting.body.organisation.bodies
        if b.settings.emergency.is_emergency
        and b.settings.emergency.ratified_by == meeting.body.slug
    ]
    if not ratifying:
        return
    waiting = db.session.scalars(
        select(Motion)
        .join(AgendaItem, Motion.item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            Meeting.body_id.in_(ratifying),
            Motion.needs_ratification.is_(True),
            Motion.ratification_item_id.is_(None),
        )
        .order_by(Motion.decided_at)
    ).all()
    sections = list(meeting.body.settings.agenda_template) or [""]
    # In the agenda's motions where it has a section for them, else its first section.
    section = next((s for s in sections if s.casefold() == "motions"), sections[0])
    for position, motion in enumerate(waiting):
        decided = motion.item.meeting
        item = AgendaItem(
            meeting=meeting,
            section=section,
            position=-len(waiting) + position,
            title=_("Ratify: %(title)s", title=motion.title),
            description=_(
                "Decided by %(body)s on %(day)s (%(meeting)s); it stands until this meeting "
                "ratifies or rejects it.",
                body=decided.body.name,
                day=decided.scheduled_for.strftime("%Y-%m-%d"),
                meeting=decided.title,
            ),
        )
        db.session.add(item)
        db.session.flush()
        motion.ratification_item_id = item.id
        ratification = new_motion(
            None,
            item,
            title=_("Ratify: %(title)s", title=motion.title),
            text=motion.text,
        )
        ratification.ratifies_id = motion.id


def open_meeting(actor: Person | None, meeting: Meeting) -> Meeting:
    """Open the meeting: check-in stays open and the chair can take items. Idempotent."""
    require_chair(actor, meeting)
    if meeting.status is MeetingStatus.OPEN:
        return meeting
    if meeting.status is MeetingStatus.CLOSED:
        raise Conflict(_("The meeting is closed."))
    with transaction():
        meeting.status = MeetingStatus.OPEN
        meeting.opened_at = utcnow()
        audit.record(
            "meeting.opened",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
        )
        changed(meeting)
    return meeting


def close_meeting(actor: Person | None, meeting: Meeting) -> Meeting:
    """Close the meeting. Refused while a test for agreement is open. Idempotent."""
    require_chair(actor, meeting)
    if meeting.status is MeetingStatus.CLOSED:
        return meeting

    for item in meeting.items:
        if open_test_of(item) is not None:
            raise Conflict(_("A test for agreement is still open: close it first."))
    with transaction():
        for item in meeting.items:
            if item.status is ItemStatus.OPEN:
                item.status = ItemStatus.CLOSED
        meeting.status = MeetingStatus.CLOSED
        meeting.closed_at = utcnow()
        audit.record(
            "meeting.closed",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            present=attendance(meeting),
        )
        meeting_closed.send(meeting)
        changed(meeting)
    return meeting


MAX_REOPEN_REASON = 500


def reopen_meeting(actor: Person | None, meeting: Meeting, reason: str) -> Meeting:
    """The chair reopens a closed meeting, saying why (a count to correct, an item left
    out): it is in session again, its items stay as they were, and its screens say so.
    Refused once its minutes are approved (the record says so through
    `signals.meeting_reopened`)."""
    require_chair(actor, meeting)
    if meeting.status is not MeetingStatus.CLOSED:
        raise Conflict(_("The meeting is not closed: there is nothing to reopen."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the meeting reopens: it goes in the record."), field="reason")
    if len(reason) > MAX_REOPEN_REASON:
        raise Invalid(
            _("Say why in at most %(n)d characters.", n=MAX_REOPEN_REASON), field="reason"
        )
    with transaction():
        meeting.status = MeetingStatus.OPEN
        meeting.closed_at = None
        audit.record(
            "meeting.reopened",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            reason=reason,
        )
        meeting_reopened.send(meeting)
        changed(meeting)
    return meeting


def record_justification(actor: Person | None, meeting: Meeting, justified: bool) -> Meeting:
    """Record the emergency body's decision (e.g. by the fallback vote) on its justification."""
    require_chair(actor, meeting)
    if meeting.kind is not MeetingKind.EMERGENCY:
        raise Invalid(_("Only an emergency meeting decides whether it is justified."))
    if meeting.justified is justified:
        return meeting
    with transaction():
        meeting.justified = justified
        audit.record(
            "meeting.justification",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            justified=justified,
        )
        changed(meeting, "status", "agenda")
    return meeting


# --- Check-in and attendance ---------------------------------------------------------------


def check_in(
    actor: Person | None, meeting: Meeting, code: str, via: CheckInVia = CheckInVia.LINK
) -> CheckIn:
    """Check yourself in with the meeting's code (from a link or the QR at the door).

    Checking in twice changes nothing and says so by returning the first check-in.
    """
    if not signed_in(actor):
        raise NotAllowed(_("Sign in to check in."))
    assert actor is not None
    if attending_membership(actor, meeting.body) is None:
        raise NotAllowed(_("You are not a member who can attend this meeting."))
    # Bytes: compare_digest refuses str with non-ASCII characters, and codes come from anyone.
    if not secrets.compare_digest((code or "").encode(), meeting.join_code.encode()):
        raise Invalid(_("This check-in code is not right for this meeting."), field="code")
    return _check_in(actor, meeting, actor, via)


def check_in_member(actor: Person | None, meeting: Meeting, person_id: int) -> CheckIn:
    """A teller (or the chair) checks a member in at the door."""
    body = meeting.body
    if not (is_chair(actor, body) or can(actor, CHECK_IN, body.organisation, body=body)):
        raise NotAllowed(_("Only a teller or the chair can check people in."))
    person = db.session.get(Person, person_id)
    if person is None or attending_membership(person, meeting.body) is None:
        raise Invalid(_("This person cannot attend this meeting."), field="person")
    return _check_in(person, meeting, actor, CheckInVia.TELLER)


def _check_in(person: Person, meeting: Meeting, by: Person | None, via: CheckInVia) -> CheckIn:
    if meeting.status is MeetingStatus.CLOSED:
        raise Conflict(_("The meeting is closed."))
    existing = check_in_of(person, meeting)
    if existing is not None:
        return existing
    with transaction():
        record = CheckIn(meeting=meeting, person_id=person.id, via=via, by_id=by.id if by else None)
        db.session.add(record)
        audit.record(
            "meeting.check_in",
            actor=by,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            person=person.id,
            via=via.value,
        )
        changed(meeting, "status", "consensus", users=[person.id])
    return record


def attendance(meeting: Meeting) -> int:
    """How many have checked in."""
    return (
        db.session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.meeting_id == meeting.id)
        )
        or 0
    )


def emergency_decisions(meeting: Meeting) -> list[Motion]:
    """Decisions of this (emergency) meeting that a regular meeting ratifies, whether
    still waiting, ratified or rejected: shown with the meeting until then and after."""
    return [
        motion
        for item in meeting.items
        for motion in item.motions
        if motion.needs_ratification
        and motion.status in (MotionStatus.CONSENSUS, MotionStatus.CARRIED)
    ]
