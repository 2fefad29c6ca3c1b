"""Positions: those the constitution names are made with the organisation (from its
preset); an admin adds others."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.constitutions import Preset
from voting.core import audit, parse
from voting.core.database import transaction
from voting.core.errors import Invalid, NotFound
from voting.core.extensions import db
from voting.core.permissions import require
from voting.elections.models import Position
from voting.membership.models import Person, RoleKind
from voting.org.models import Body, Organisation
from voting.org.permissions import Action

GROUP = parse.Limit(64, _l("A group name can be at most %(count)d characters."))
SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def positions_of(organisation_id: int) -> list[Position]:
    return list(
        db.session.scalars(
            select(Position)
            .where(Position.organisation_id == organisation_id)
            .order_by(Position.elected_by_id, Position.sort, Position.id)
        )
    )


def get_position(position_id: int) -> Position:
    position = db.session.get(Position, position_id)
    if position is None:
        raise NotFound(_("No such position."))
    return position


def from_preset(organisation: Organisation, preset: Preset) -> None:
    """Make the positions the preset names (an `organisation_created` receiver)."""
    bodies = {b.slug: b for b in organisation.bodies}
    for p in preset.positions:
        db.session.add(
            Position(
                organisation=organisation,
                slug=p.slug,
                name=p.name,
                seats=p.seats,
                elected_by=bodies[p.elected_by],
                sits_on=bodies.get(p.sits_on),
                recalled_by=bodies.get(p.recalled_by),
                term_months=p.term_months,
                group=p.group,
                role=p.role,
                sort=p.sort,
            )
        )


def create_position(
    actor: Person | None,
    organisation: Organisation,
    *,
    name: str,
    elected_by: Body,
    seats: int = 1,
    term_months: int = 12,
    sits_on: Body | None = None,
    recalled_by: Body | None = None,
    group: str = "",
    role: str = "officer",
) -> Position:
    """An admin adds a position the organisation elects (WSM: Conference "may create and
    fill other national positions as it sees fit")."""
    require(actor, Action.MANAGE_ORGANISATION, organisation)
    name = parse.NAME.check(name.strip(), "name")
    if not name:
        raise Invalid(_("Give the position a name."), field="name")
    for body in (elected_by, sits_on, recalled_by):
        if body is not None and body.organisation_id != organisation.id:
            raise Invalid(_("Choose a body of this organisation."), field="elected_by")
    if not 1 <= seats <= 50:
        raise Invalid(_("The seats are a number from 1 to 50."), field="seats")
    if not 1 <= term_months <= 120:
        raise Invalid(_("The term is a number of months from 1 to 120."), field="term_months")
    if role not in {r.value for r in RoleKind}:
        raise Invalid(_("Choose a role."), field="role")
    slug = (
        "".join(c if c in SLUG_CHARS else "-" for c in name.lower()).strip("-")[:60] or "position"
    )
    with transaction():
        taken = set(
            db.session.scalars(
                select(Position.slug).where(Position.organisation_id == organisation.id)
            )
        )
        base, n = slug, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        position = Position(
            organisation=organisation,
            slug=slug,
            name=name,
            seats=seats,
            elected_by=elected_by,
            sits_on=sits_on,
            recalled_by=recalled_by,
            term_months=term_months,
            group=GROUP.check(group.strip(), "group"),
            role=role,
        )
        db.session.add(position)
        db.session.flush()
        audit.record(
            "position.created",
            actor=actor,
            organisation_id=organisation.id,
            position=position.id,
            name=name,
        )
    return position
