"""How the membership domain answers what the org domain announces (inside its
transaction; receivers never commit) and what it asks (how many members a unit has)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from voting.core.errors import Conflict
from voting.core.extensions import db
from voting.membership.models import Membership, Role
from voting.org.models import Body, Organisation, Unit
from voting.org.services.units import count_members_with
from voting.org.signals import body_deleting, unit_deleting


def refuse_unit_in_use(unit: Unit, **_kw: Any) -> None:
    """A unit with members or roles is not deleted: moving people out is a decision about
    each of them, made on the members page, not in bulk."""
    members = db.session.scalar(
        select(func.count(Membership.id)).where(Membership.unit_id == unit.id)
    )
    if members:
        raise Conflict(
            _(
                "%(name)s still has %(n)d members. Move them to another unit (or to no "
                "unit) on the members page first.",
                name=unit.name,
                n=members,
            )
        )
    roles = db.session.scalar(select(func.count(Role.id)).where(Role.unit_id == unit.id))
    if roles:
        raise Conflict(
            _(
                "%(name)s is still represented by %(n)d roles (delegates). Remove them "
                "on the roles page first.",
                name=unit.name,
                n=roles,
            )
        )


def roles_going_with(body: Body, **_kw: Any) -> int:
    """The roles held for a body go with it: how many."""
    return int(db.session.scalar(select(func.count(Role.id)).where(Role.body_id == body.id)) or 0)


def members_per_unit(org: Organisation) -> dict[int, int]:
    """How many members each unit of `org` has (units without any are left out)."""
    counted = db.session.execute(
        select(Membership.unit_id, func.count(Membership.id))
        .where(Membership.organisation_id == org.id, Membership.unit_id.is_not(None))
        .group_by(Membership.unit_id)
    )
    return {unit_id: count for unit_id, count in counted}


def connect() -> None:
    unit_deleting.connect(refuse_unit_in_use)
    body_deleting.connect(roles_going_with)
    count_members_with(members_per_unit)
