"""Who may watch a meeting's screens, and what each audience is shown.

The body's `screens` setting says who may open the observer and projector pages, the
JSON state, the meeting's polls and their results, and join their Socket.IO rooms:

- "public": anyone with the link;
- "organisation": signed-in members of the body's organisation (a membership of any
  status, or a current role in it);
- "attending": those the body lets attend (the meeting's roll), anyone checked in,
  and the chair and check-in staff (secretaries, tellers, admins).

The projector's own display link (`services/display.py`) opens the projector without
signing in whatever the setting: it is the hall's screen.

What an audience sees of a test for agreement, as a chair would have it:

- Names of who answered what, and the reasons given with their authors, are for
  signed-in people: the chair console always, and the signed-in observer view where
  the body shows names. They never reach a screen watched without signing in: the
  projector (whichever link opened it; the hall may hold guests, press and cameras,
  and its link can travel) and the public observer. A member who blocked is named in
  the room by the chair inviting them to speak, not on a page anyone can photograph or
  open from home; a member living where objecting is dangerous must not find their
  name on the open web.
- Screens watched without signing in show the counts and the outcome. Where the
  body's screens are public they also show the reasons given for blocks, without
  names: a block decides the item, and a body that meets in public owes its audience
  the grounds on which it could not agree. Reasons for reservations and stand-asides
  are a member's own word to the meeting and stay with the signed-in. A body that
  keeps its screens to its members keeps its members' words to them too.

The check-in code is shown to the chair and check-in staff, and on the projector
opened by its display link while the meeting is not closed (the hall's screen, where
members scan it at the door); never on the observer view or the plain projector page,
which people far from the hall can open.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from voting.core.permissions import can, roles_on, signed_in
from voting.meetings.models import Meeting, MeetingStatus
from voting.meetings.permissions import CHECK_IN, attending_membership, check_in_of, is_chair

PUBLIC, ORGANISATION, ATTENDING = "public", "organisation", "attending"


def is_staff(person: Any, meeting: Meeting) -> bool:
    """The chair or check-in staff of the meeting: those who hand out the check-in code."""
    body = meeting.body
    return is_chair(person, body) or can(person, CHECK_IN, body.organisation_id, body=body)


def is_member_of_organisation(person: Any, meeting: Meeting) -> bool:
    """A signed-in member of the body's organisation (any status), or a holder of one of
    its roles, or an operator."""
    if not signed_in(person):
        return False
    org_id = meeting.body.organisation_id
    return (
        person.is_operator
        or any(m.organisation_id == org_id for m in person.memberships)
        or bool(roles_on(person, org_id))
    )


def is_attending(person: Any, meeting: Meeting) -> bool:
    """On the meeting's roll (the body lets them attend), checked in, or its staff."""
    return (
        attending_membership(person, meeting.body) is not None
        or check_in_of(person, meeting) is not None
        or is_staff(person, meeting)
    )


def may_watch(person: Any, meeting: Meeting) -> bool:
    """Whether `person` (None: nobody signed in) may watch the meeting's screens."""
    setting = meeting.body.settings.screens
    if setting == PUBLIC:
        return True
    if setting == ORGANISATION:
        return is_member_of_organisation(person, meeting)
    return is_attending(person, meeting)


def refusal(person: Any, meeting: Meeting) -> str:
    """Why `person` may not watch the meeting's screens, in a sentence."""
    if not signed_in(person):
        return _("Sign in to see this meeting's screens.")
    if meeting.body.settings.screens == ORGANISATION:
        return _(
            "The screens of this meeting are for members of %(organisation)s.",
            organisation=meeting.body.organisation.name,
        )
    return _("The screens of this meeting are for those attending it.")


def names_shown(person: Any, meeting: Meeting) -> bool:
    """Whether a screen watched by `person` may carry names of who answered what: only
    for someone signed in who may watch (see the module's note)."""
    return signed_in(person) and may_watch(person, meeting)


def shows_check_in_code(person: Any, meeting: Meeting, *, display: bool = False) -> bool:
    """Whether a screen shows the check-in code: to staff, and on the projector opened by
    its display link (`display`) while members can still check in."""
    if display:
        return meeting.status is not MeetingStatus.CLOSED
    return is_staff(person, meeting)
