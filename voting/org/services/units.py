"""Units and their attendance records, and which organisation a secretary or admin manages.

Every function checks the actor's right in the organisation first, so a page or an API
call that forgets to check cannot write. A secretary of one unit (a branch secretary:
a secretary role held for that unit) keeps their unit's figures, its size and its
meetings' attendance, and nothing of any other unit; adding, renaming or deleting units
is for the organisation's own secretaries and admins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from voting.core import audit
from voting.core.database import transaction
from voting.core.errors import Conflict, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.parse import parse_choice, parse_count, parse_day, parse_text, plain
from voting.core.permissions import Actor, can, require, units_with
from voting.org.models import AttendanceRecord, Organisation, Unit, UnitKind
from voting.org.permissions import Action
from voting.org.services.organisations import by_slug
from voting.org.signals import unit_deleting

DELEGATE_SPLITS = ("even_first_remainder", "all_to_first")
# What a secretary of one unit may change of it; the rest is the organisation's.
UNIT_OWN_FIELDS = frozenset({"size"})

# How many people belong to each unit of an organisation: told by the domain that keeps
# memberships (this one does not know them).
_member_counts: list[Callable[[Organisation], dict[int, int]]] = []


def count_members_with(counter: Callable[[Organisation], dict[int, int]]) -> None:
    """Register how to count the members of an organisation's units (by unit id)."""
    _member_counts[:] = [counter]


def member_counts(org: Organisation) -> dict[int, int]:
    """The number of members of each unit of `org` that has any, by unit id."""
    return _member_counts[0](org) if _member_counts else {}


def managed_organisation(
    actor: Actor | None, slug: str, *actions: Action, for_a_unit: bool = False
) -> Organisation:
    """The organisation `slug`, if `actor` may take at least one of `actions` there.

    Without any action given, managing either the organisation or its members is enough
    (the admin dashboard). With `for_a_unit`, holding the right for one of its units is
    enough too: the service then checks which unit. An unknown slug is NotFound; a known
    one the actor may not manage is NotAllowed.
    """
    org = by_slug(slug)
    if org is None:
        raise NotFound(_("No such organisation."))
    wanted = actions or (Action.MANAGE_ORGANISATION, Action.MANAGE_MEMBERS)
    if not any(
        can(actor, action, org) or (for_a_unit and units_with(actor, action, org))
        for action in wanted
    ):
        raise NotAllowed(_("You do not have the right to do this."))
    return org


def managed_units(actor: Actor | None, org: Organisation) -> list[Unit]:
    """The units whose members and figures `actor` keeps: all of the organisation's for
    its secretaries and admins, their own unit for a unit's secretary."""
    scope = units_with(actor, Action.MANAGE_MEMBERS, org)
    if scope is not None and not scope:
        raise NotAllowed(_("You do not have the right to do this."))
    return [u for u in org.units if scope is None or u.id in scope]


def one_in(model: type, org: Organisation, object_id: Any, message: str) -> Any:
    """The record of `model` with this id if it belongs to `org`; anything else (another
    organisation's, a bad id) is NotFound with `message`."""
    try:
        found = db.session.get(model, int(object_id))
    except (TypeError, ValueError):
        found = None
    if found is None or found.organisation_id != org.id:
        raise NotFound(message)
    return found


def unit_in(org: Organisation, unit_id: Any) -> Unit:
    """A unit of this organisation by id; another organisation's unit does not exist here."""
    return one_in(Unit, org, unit_id, _("No such unit."))


def attendance_in(org: Organisation, record_id: Any) -> AttendanceRecord:
    try:
        record = db.session.get(AttendanceRecord, int(record_id))
    except (TypeError, ValueError):
        record = None
    if record is None or record.unit.organisation_id != org.id:
        raise NotFound(_("No such attendance record."))
    return record


# --- units ---------------------------------------------------------------------------


def unit_kinds(org: Organisation) -> list[str]:
    """The kinds of unit this organisation's constitution knows (all kinds if unsaid)."""
    kinds = org.settings.get("unit_kinds") or [k.value for k in UnitKind]
    return [k for k in kinds if k in UnitKind.__members__.values()]


def _unit_values(org: Organisation, unit: Unit | None, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "kind" in data or unit is None:
        values["kind"] = UnitKind(parse_choice(data.get("kind"), unit_kinds(org), "kind"))
    if "name" in data or unit is None:
        name = parse_text(data.get("name"), "name")
        clash = db.session.scalar(
            select(Unit.id).where(
                Unit.organisation_id == org.id,
                func.lower(Unit.name) == name.lower(),
                Unit.id != (unit.id if unit else -1),
            )
        )
        if clash:
            raise Conflict(_("There is already a unit called %(name)s.", name=name), field="name")
        values["name"] = name
    if "size" in data or unit is None:
        values["size"] = parse_count(data.get("size", 0), "size")
    if "delegate_split" in data or unit is None:
        values["delegate_split"] = parse_choice(
            data.get("delegate_split") or DELEGATE_SPLITS[0], DELEGATE_SPLITS, "delegate_split"
        )
    return values


def create_unit(actor: Actor | None, org: Organisation, data: dict[str, Any]) -> Unit:
    """Add a unit (kind, name unique in the organisation, size, delegate split)."""
    require(actor, Action.MANAGE_MEMBERS, org)
    with transaction():
        unit = Unit(organisation_id=org.id, **_unit_values(org, None, data))
        db.session.add(unit)
        db.session.flush()
        audit.record(
            "unit.created",
            actor=actor,
            organisation_id=org.id,
            unit=unit.id,
            name=unit.name,
            kind=unit.kind.value,
            size=unit.size,
        )
    return unit


def update_unit(actor: Actor | None, unit: Unit, data: dict[str, Any]) -> Unit:
    """Change a unit; only the keys present in `data` change. Size changes are audited
    because sections' sizes set their number of votes.

    The unit's own secretary may change its size; its name, kind and delegate split
    are the organisation's secretaries' to change.
    """
    org = unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org, unit=unit)
    with transaction():
        values = _unit_values(org, unit, data)
        changes = {
            key: [plain(getattr(unit, key)), plain(value)]
            for key, value in values.items()
            if getattr(unit, key) != value
        }
        if set(changes) - UNIT_OWN_FIELDS and not can(actor, Action.MANAGE_MEMBERS, org):
            raise NotAllowed(
                _(
                    "A unit's secretary changes its size; its name, kind and delegate split "
                    "are changed by the organisation's secretaries."
                ),
                field=sorted(set(changes) - UNIT_OWN_FIELDS)[0],
            )
        for key, value in values.items():
            setattr(unit, key, value)
        if changes:
            audit.record(
                "unit.updated", actor=actor, organisation_id=org.id, unit=unit.id, changes=changes
            )
    return unit


def delete_unit(actor: Actor | None, unit: Unit) -> None:
    """Delete a unit that nobody belongs to and nobody represents.

    A unit with members or roles is refused with the numbers: moving people out is a
    decision about each of them, so it is made on the members page, not in bulk here.
    """
    org = unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
    with transaction():
        unit_deleting.send(unit)  # a domain that still needs the unit refuses here
        audit.record(
            "unit.deleted", actor=actor, organisation_id=org.id, unit=unit.id, name=unit.name
        )
        db.session.delete(unit)


def attendance_of(actor: Actor | None, unit: Unit) -> list[AttendanceRecord]:
    """A unit's attendance records, newest first (for those who keep the unit's figures)."""
    require(actor, Action.MANAGE_MEMBERS, unit.organisation, unit=unit)
    return list(unit.attendance)


def add_attendance(actor: Actor | None, unit: Unit, data: dict[str, Any]) -> AttendanceRecord:
    """Record how many people were at one meeting of a unit (one record per date)."""
    org = unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org, unit=unit)
    held_on = parse_day(data.get("held_on"), "held_on", required=True)
    present = parse_count(data.get("present"), "present")
    note = parse_text(data.get("note"), "note", required=False, max_length=500)
    with transaction():
        exists = db.session.scalar(
            select(AttendanceRecord.id).where(
                AttendanceRecord.unit_id == unit.id, AttendanceRecord.held_on == held_on
            )
        )
        if exists:
            raise Conflict(
                _(
                    "%(unit)s already has a record for %(day)s. Delete it first to record "
                    "that meeting again.",
                    unit=unit.name,
                    day=held_on.isoformat(),
                ),
                field="held_on",
            )
        record = AttendanceRecord(unit_id=unit.id, held_on=held_on, present=present, note=note)
        db.session.add(record)
        db.session.flush()
        audit.record(
            "attendance.recorded",
            actor=actor,
            organisation_id=org.id,
            unit=unit.id,
            held_on=held_on,
            present=present,
        )
    return record


def delete_attendance(actor: Actor | None, record: AttendanceRecord) -> None:
    """Remove a mistaken attendance record (audited: delegates' votes depend on it)."""
    org = record.unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org, unit=record.unit)
    with transaction():
        audit.record(
            "attendance.deleted",
            actor=actor,
            organisation_id=org.id,
            unit=record.unit_id,
            held_on=record.held_on,
            present=record.present,
        )
        db.session.delete(record)
