"""Who runs an election, who nominates, who reads.

The electing body's chair, secretary or admin runs its elections (the right that runs
its polls). Any member who takes part in the electing body may nominate or support a
nomination; a unit nominates through its secretary or delegate; only the candidate
consents. The organisation's members read its elections; nobody else learns they exist.
"""

from __future__ import annotations

from flask_babel import gettext as _

from voting.ballots.electorates import MANAGE_POLLS
from voting.core.errors import NotAllowed, NotFound
from voting.core.permissions import Permission, can, signed_in
from voting.membership.models import Membership, Person
from voting.membership.permissions import attending_membership
from voting.org.models import Body, Unit

# A unit's secretary or delegate speaks for it (nominates in its name).
SPEAK_FOR_UNIT = Permission("speak_for_unit", frozenset({"secretary", "delegate"}))


def manages(actor: Person | None, body: Body) -> bool:
    return can(actor, MANAGE_POLLS, body.organisation_id, body=body)


def require_manager(actor: Person | None, body: Body) -> None:
    if not manages(actor, body):
        raise NotAllowed(_("Only the body's chair or secretary can run its elections."))


def member_of(actor: Person | None, organisation_id: int) -> Membership | None:
    if not signed_in(actor):
        return None
    assert actor is not None
    return next((m for m in actor.memberships if m.organisation_id == organisation_id), None)


def in_organisation(actor: Person | None, organisation_id: int) -> bool:
    """Whether `actor` is one of the organisation's members, or an operator."""
    return member_of(actor, organisation_id) is not None or bool(
        getattr(actor, "is_operator", False)
    )


def may_read(actor: Person | None, body: Body) -> bool:
    return manages(actor, body) or member_of(actor, body.organisation_id) is not None


def require_reader(actor: Person | None, body: Body) -> None:
    if not may_read(actor, body):
        raise NotFound(_("No such election."))


def require_nominator(actor: Person | None, body: Body) -> Membership:
    """The membership that lets `actor` nominate in the body's elections, or the reason not."""
    if not signed_in(actor):
        raise NotAllowed(_("Sign in to nominate."))
    membership = attending_membership(actor, body)
    if membership is None:
        raise NotAllowed(_("Only members who take part in %(body)s may nominate.", body=body.name))
    return membership


def speaks_for(actor: Person | None, unit: Unit) -> bool:
    """Whether `actor` is the unit's secretary or delegate, or the organisation's secretary
    (who enters the nominations units send in writing)."""
    return can(actor, SPEAK_FOR_UNIT, unit.organisation_id, unit=unit)
