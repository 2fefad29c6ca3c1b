"""Who may do what at a meeting, declared in one place.

Chair actions need the chair role for the body (or the admin role, or an operator);
member actions need a membership whose status the body lets attend (and, on a council,
one of its member roles), and for most actions a check-in to the open meeting.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from voting.core.errors import Conflict, NotAllowed
from voting.core.extensions import db
from voting.core.permissions import Permission, can, signed_in
from voting.meetings.models import CheckIn, Meeting, MeetingStatus
from voting.membership.models import Membership, Person
from voting.membership.permissions import attending_membership
from voting.org.models import Body

_UNKNOWN: Any = object()  # an argument not given (None is a meaning of its own)

# Runs the body's meetings: agenda, tests for agreement, speakers, polls.
CHAIR = Permission("chair", frozenset({"chair", "admin"}))
# Checks members in at the door.
CHECK_IN = Permission("check_in", frozenset({"admin", "secretary", "chair", "teller"}))
# Convenes the meeting a requisition demands: the organisation's (or the body's) secretary.
CONVENE = Permission("convene", frozenset({"admin", "secretary"}))


def is_chair(person: Person | None, body: Body) -> bool:
    """Whether `person` may run meetings of `body`: its chair, an admin, or an operator."""
    return can(person, CHAIR, body.organisation_id, body=body)


def may_convene(person: Person | None, body: Body) -> bool:
    """Whether `person` may schedule the meeting a requisition of `body` demands: a
    secretary or admin of the organisation or of that body, or its chair."""
    return is_chair(person, body) or can(person, CONVENE, body.organisation_id, body=body)


def require_chair(person: Person | None, meeting: Meeting) -> None:
    """Refuse unless `person` chairs the meeting's body."""
    if not is_chair(person, meeting.body):
        raise NotAllowed(_("Only the chair can do this."))


def may_speak(person: Person | None, body: Body, *, membership: Any = _UNKNOWN) -> bool:
    """Whether the body lets `person` speak (their status is among who speaks);
    `membership`: their `attending_membership`, if already known."""
    if membership is _UNKNOWN:
        membership = attending_membership(person, body)
    return membership is not None and membership.status.value in body.settings.speak


def check_in_of(person: Person | None, meeting: Meeting) -> CheckIn | None:
    """The person's check-in to the meeting, if they have checked in."""
    if not signed_in(person):
        return None
    assert person is not None
    return db.session.scalar(
        select(CheckIn).where(CheckIn.meeting_id == meeting.id, CheckIn.person_id == person.id)
    )


def require_present(
    person: Person | None, meeting: Meeting, *, checked_in: Collection[int] | None = None
) -> Membership:
    """Refuse unless `person` may attend and has checked in to the open meeting.

    `checked_in`: the ids of people known to be checked in (read once for many people);
    anyone else is looked up.
    """
    membership = attending_membership(person, meeting.body)
    if membership is None:
        raise NotAllowed(_("You are not a member who can attend this meeting."))
    assert person is not None
    known = checked_in is not None and person.id in checked_in
    if not known and check_in_of(person, meeting) is None:
        raise NotAllowed(_("Check in to the meeting first."))
    require_open(meeting)
    return membership


def require_open(meeting: Meeting) -> None:
    """Refuse unless the meeting is in session."""
    if meeting.status is MeetingStatus.SCHEDULED:
        raise Conflict(_("The meeting has not started yet."))
    if meeting.status is MeetingStatus.CLOSED:
        raise Conflict(_("The meeting is closed."))
