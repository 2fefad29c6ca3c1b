"""Permission checking: who may do what. Each domain declares its permissions beside its
actions (`<domain>/permissions.py`); services call `require` before they write, pages only
hide what a person may not use.

A permission names the role kinds that grant it. Roles are held in an organisation,
optionally for one body or one unit, from a start to an end date; an operator of the
installation may do everything. A role held for one body or one unit grants its rights
there only: a question about the whole organisation is answered by the roles held for
the whole of it. This module knows roles only by those attributes, so it
sits below the domain that stores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from flask_babel import gettext as _

from voting.core.errors import NotAllowed


class Actor(Protocol):
    """Whoever acts: a signed-in person (their id, roles and operator flag)."""

    id: int
    is_operator: bool
    roles: Any


@dataclass(frozen=True)
class Permission:
    """A right granted by any of `roles` (role kinds, e.g. "admin", "secretary")."""

    name: str
    roles: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return self.name


def signed_in(person: Any) -> bool:
    """Whether `person` is a signed-in person (not None, not Flask-Login's anonymous)."""
    return person is not None and bool(getattr(person, "is_authenticated", False))


def _id(thing: Any) -> int | None:
    return thing if thing is None or isinstance(thing, int) else thing.id


def roles_on(
    person: Any,
    organisation: Any,
    *,
    body: Any = None,
    day: date | None = None,
) -> list[Any]:
    """The roles `person` holds in `organisation` on `day` (today by default); with `body`,
    only those for the whole organisation or for that body."""
    if not signed_in(person):
        return []
    day = day or date.today()
    org_id, body_id = _id(organisation), _id(body)
    return [
        role
        for role in person.roles
        if role.organisation_id == org_id
        and role.current_on(day)
        and (body_id is None or role.body_id is None or role.body_id == body_id)
    ]


def role_kinds(roles: Iterable[Any]) -> set[str]:
    return {str(getattr(role.kind, "value", role.kind)) for role in roles}


def _granting(
    person: Any, permission: Permission, organisation: Any, body: Any, unit: Any
) -> list[Any]:
    """The current roles that give `person` `permission` for `body` and `unit` (None: the
    whole organisation); a role held for one body or unit counts only for it."""
    body_id, unit_id = _id(body), _id(unit)
    return [
        role
        for role in roles_on(person, organisation, body=body)
        if (role.body_id is None or role.body_id == body_id)
        and (role.unit_id is None or role.unit_id == unit_id)
        and role_kinds([role]) & permission.roles
    ]


def can(
    person: Any,
    permission: Permission,
    organisation: Any = None,
    *,
    body: Any = None,
    unit: Any = None,
) -> bool:
    """Whether `person` has `permission` in `organisation` (None: installation-wide), for
    `body` and `unit` where given (without them: for the whole organisation)."""
    if not signed_in(person):
        return False
    if person.is_operator:
        return True
    if organisation is None:
        return False
    return bool(_granting(person, permission, organisation, body, unit))


def units_with(person: Any, permission: Permission, organisation: Any) -> frozenset[int] | None:
    """Where `person` has `permission` in `organisation`: None for the whole of it, else
    the units they hold it for through a role held for one unit (perhaps none)."""
    if can(person, permission, organisation):
        return None
    if not signed_in(person):
        return frozenset()
    return frozenset(
        role.unit_id
        for role in roles_on(person, organisation)
        if role.unit_id is not None
        and role.body_id is None
        and role_kinds([role]) & permission.roles
    )


def require(
    person: Any,
    permission: Permission,
    organisation: Any = None,
    *,
    body: Any = None,
    unit: Any = None,
) -> None:
    """Refuse with a clear message unless `person` has `permission`."""
    if not can(person, permission, organisation, body=body, unit=unit):
        raise NotAllowed(_("You do not have the right to do this."))
