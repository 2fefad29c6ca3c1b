"""Who takes part in a body's business: the membership whose status the body lets attend
(and, on a council, one of its member roles). Meetings check it at the door; a poll put
to a body directly checks it for every vote."""

from __future__ import annotations

from voting.core.permissions import roles_on, signed_in
from voting.membership.models import Membership, Person
from voting.org.models import Body


def attending_membership(person: Person | None, body: Body) -> Membership | None:
    """The membership that lets `person` take part in `body`'s business, if any."""
    if not signed_in(person):
        return None
    assert person is not None
    settings = body.settings
    membership = next(
        (m for m in person.memberships if m.organisation_id == body.organisation_id), None
    )
    if membership is None or membership.status.value not in settings.attend:
        return None
    if settings.members_roles and not any(
        role.kind.value in settings.members_roles
        for role in roles_on(person, body.organisation_id, body=body)
    ):
        return None
    return membership
