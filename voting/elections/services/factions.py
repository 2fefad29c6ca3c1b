"""Factions and their members: a member signs a faction's platform (or leaves it); the
list is open to every member of the organisation. Nominations show each candidate's
faction and an election's result how many seats each faction won."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from voting.core import audit
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.core.permissions import can
from voting.elections import permissions
from voting.elections.models import FactionMember
from voting.membership.models import Person
from voting.org.models import Unit, UnitKind
from voting.org.permissions import Action


def factions_of(organisation_id: int) -> list[Unit]:
    return list(
        db.session.scalars(
            select(Unit)
            .where(Unit.organisation_id == organisation_id, Unit.kind == UnitKind.FACTION)
            .order_by(Unit.name)
        )
    )


def members_of(unit: Unit) -> list[Person]:
    return sorted(
        db.session.scalars(
            select(Person).join(FactionMember).where(FactionMember.unit_id == unit.id)
        ),
        key=lambda p: p.name.casefold(),
    )


def faction_names(organisation_id: int, person_ids: list[int]) -> dict[int, list[str]]:
    """The factions each of these people belongs to (by name)."""
    rows = db.session.execute(
        select(FactionMember.person_id, Unit.name)
        .join(Unit, Unit.id == FactionMember.unit_id)
        .where(Unit.organisation_id == organisation_id, FactionMember.person_id.in_(person_ids))
        .order_by(Unit.name)
    )
    found: dict[int, list[str]] = {}
    for person_id, name in rows:
        found.setdefault(person_id, []).append(name)
    return found


def _require_faction(unit: Unit) -> None:
    if unit.kind is not UnitKind.FACTION:
        raise Invalid(_("%(unit)s is not a faction.", unit=unit.name), field="unit")


def join(actor: Person | None, unit: Unit, person: Person | None = None) -> FactionMember:
    """A member signs the faction's platform; the organisation's secretary may record a
    member's signature given on paper."""
    _require_faction(unit)
    person = person or actor
    if (
        actor is None
        or person is None
        or not permissions.in_organisation(actor, unit.organisation_id)
    ):
        raise NotAllowed(_("Only members of the organisation join its factions."))
    if person.id != actor.id and not can(actor, Action.MANAGE_MEMBERS, unit.organisation_id):
        raise NotAllowed(_("Only the secretary records another member's signature."))
    if permissions.member_of(person, unit.organisation_id) is None:
        raise Invalid(_("Only a member of the organisation can join a faction."), field="person")
    if db.session.get(FactionMember, (unit.id, person.id)) is not None:
        raise Conflict(
            _("%(name)s is already a member of %(unit)s.", name=person.name, unit=unit.name)
        )
    with transaction():
        row = FactionMember(unit_id=unit.id, person_id=person.id)
        db.session.add(row)
        db.session.flush()
        audit.record(
            "faction.joined",
            actor=actor,
            organisation_id=unit.organisation_id,
            unit=unit.id,
            person=person.id,
        )
    return row


def leave(actor: Person | None, unit: Unit) -> None:
    _require_faction(unit)
    row = db.session.get(FactionMember, (unit.id, actor.id)) if actor is not None else None
    if row is None:
        raise Conflict(_("You are not a member of %(unit)s.", unit=unit.name))
    with transaction():
        db.session.delete(row)
        audit.record(
            "faction.left", actor=actor, organisation_id=unit.organisation_id, unit=unit.id
        )
