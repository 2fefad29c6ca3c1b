"""Who may do what. Services call `require` before they write; pages only hide buttons."""

from __future__ import annotations

import enum
from datetime import date

from flask_babel import gettext as _

from voting.models import Organisation, Person, RoleKind
from voting.services.errors import NotAllowed


class Action(enum.StrEnum):
    CREATE_ORGANISATION = "create_organisation"
    MANAGE_ORGANISATION = "manage_organisation"  # settings, bodies, roles
    MANAGE_MEMBERS = "manage_members"  # roll imports, units, attendance, invitations
    VIEW_MEMBERS = "view_members"
    CHECK_IN = "check_in"


# Which roles grant each action; operators may do everything.
GRANTS: dict[Action, frozenset[RoleKind]] = {
    Action.CREATE_ORGANISATION: frozenset(),
    Action.MANAGE_ORGANISATION: frozenset({RoleKind.ADMIN}),
    Action.MANAGE_MEMBERS: frozenset({RoleKind.ADMIN, RoleKind.SECRETARY}),
    Action.VIEW_MEMBERS: frozenset(
        {RoleKind.ADMIN, RoleKind.SECRETARY, RoleKind.CHAIR, RoleKind.TELLER}
    ),
    Action.CHECK_IN: frozenset(
        {RoleKind.ADMIN, RoleKind.SECRETARY, RoleKind.CHAIR, RoleKind.TELLER}
    ),
}


def current_roles(person: Person | None, organisation: Organisation) -> set[RoleKind]:
    """The roles a person holds in an organisation today."""
    if person is None or not getattr(person, "is_authenticated", False):
        return set()
    today = date.today()
    return {
        role.kind
        for role in person.roles
        if role.organisation_id == organisation.id and role.current_on(today)
    }


def can(person: Person | None, action: Action, organisation: Organisation | None = None) -> bool:
    """Whether `person` may take `action` in `organisation` (None: installation-wide)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    if person.is_operator:
        return True
    if organisation is None:
        return False
    return bool(current_roles(person, organisation) & GRANTS[action])


def require(
    person: Person | None, action: Action, organisation: Organisation | None = None
) -> None:
    """Refuse with a clear message unless `person` may take `action`."""
    if not can(person, action, organisation):
        raise NotAllowed(_("You do not have the right to do this."))
