"""Units, their attendance records, memberships and roles: the secretary's and admin's work.

Every function checks the actor's right in the organisation first, so a page or an API
call that forgets to check cannot write. Values may come as form text or JSON: the
small `parse_*` helpers turn both into typed values with a message tied to the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from voting.core import audit
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.permissions import can, require
from voting.membership.models import Membership, MemberStatus, Person, Role, RoleKind
from voting.org.models import AttendanceRecord, Body, Organisation, Unit, UnitKind
from voting.org.permissions import Action
from voting.org.services.organisations import by_slug

DELEGATE_SPLITS = ("even_first_remainder", "all_to_first")
UNSET: Any = object()  # "leave as it is" for partial updates


def status_explanations() -> dict[str, str]:
    """One line per member status, in the words of the rules."""
    return {
        MemberStatus.FULL.value: _("Full member: attends, speaks and votes."),
        MemberStatus.CANDIDATE.value: _("Candidate member: attends and speaks, never votes."),
        MemberStatus.INDIVIDUAL.value: _(
            "Individual member: attends and speaks, holds no unit vote."
        ),
        MemberStatus.WITHDRAWN.value: _("Withdrawn member: votes only in writing or by proxy."),
        MemberStatus.LAPSED.value: _(
            "Lapsed: dues in arrears past the organisation's limit, counts as resigned."
        ),
    }


# --- parsing form text and JSON alike -------------------------------------------------


def parse_text(value: Any, field: str, *, required: bool = True, max_length: int = 200) -> str:
    """Trimmed text; a clear message when it is missing or too long."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise Invalid(_("This is needed."), field=field)
    if len(text) > max_length:
        raise Invalid(_("At most %(n)d characters.", n=max_length), field=field)
    return text


def parse_count(value: Any, field: str) -> int:
    """A whole number, 0 or more, from a number or its text."""
    if isinstance(value, bool):
        raise Invalid(_("Give a whole number, 0 or more."), field=field)
    if isinstance(value, int):
        number = value
    else:
        text = "" if value is None else str(value).strip()
        if not re.fullmatch(r"-?\d+", text):
            raise Invalid(_("Give a whole number, 0 or more."), field=field)
        number = int(text)
    if number < 0:
        raise Invalid(_("Give a whole number, 0 or more."), field=field)
    return number


def parse_day(value: Any, field: str, *, required: bool = False) -> date | None:
    """A date as YYYY-MM-DD, or day first as DD/MM/YYYY or DD.MM.YYYY; empty is None."""
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise Invalid(_("This is needed."), field=field)
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Invalid(
        _("%(value)s is not a date: write it as 2025-03-31 or 31/03/2025.", value=text),
        field=field,
    )


def normalise_email(value: Any, field: str = "email") -> str:
    """A syntactically valid email, lower-cased as people's logins are stored."""
    text = parse_text(value, field, max_length=254)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_("%(value)s is not an email address.", value=text), field=field) from None
    return result.normalized.lower()


def parse_choice(value: Any, choices: tuple[str, ...] | list[str], field: str) -> str:
    text = parse_text(value, field, max_length=64).lower()
    if text not in choices:
        raise Invalid(_("Choose one of: %(choices)s.", choices=", ".join(choices)), field=field)
    return text


# --- access ------------------------------------------------------------------------------


def managed_organisation(actor: Person | None, slug: str, *actions: Action) -> Organisation:
    """The organisation `slug`, if `actor` may take at least one of `actions` there.

    Without any action given, managing either the organisation or its members is enough
    (the admin dashboard). An unknown slug is NotFound; a known one the actor may not
    manage is NotAllowed.
    """
    org = by_slug(slug)
    if org is None:
        raise NotFound(_("No such organisation."))
    wanted = actions or (Action.MANAGE_ORGANISATION, Action.MANAGE_MEMBERS)
    if not any(can(actor, action, org) for action in wanted):
        raise NotAllowed(_("You do not have the right to do this."))
    return org


def _one(model: type, org: Organisation, object_id: Any, message: str) -> Any:
    try:
        found = db.session.get(model, int(object_id))
    except (TypeError, ValueError):
        found = None
    if found is None or found.organisation_id != org.id:
        raise NotFound(message)
    return found


def unit_in(org: Organisation, unit_id: Any) -> Unit:
    """A unit of this organisation by id; another organisation's unit does not exist here."""
    return _one(Unit, org, unit_id, _("No such unit."))


def membership_in(org: Organisation, membership_id: Any) -> Membership:
    return _one(Membership, org, membership_id, _("No such member."))


def role_in(org: Organisation, role_id: Any) -> Role:
    return _one(Role, org, role_id, _("No such role."))


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


def create_unit(actor: Person | None, org: Organisation, data: dict[str, Any]) -> Unit:
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


def update_unit(actor: Person | None, unit: Unit, data: dict[str, Any]) -> Unit:
    """Change a unit; only the keys present in `data` change. Size changes are audited
    because sections' sizes set their number of votes."""
    org = unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
    with transaction():
        values = _unit_values(org, unit, data)
        changes = {
            key: [_plain(getattr(unit, key)), _plain(value)]
            for key, value in values.items()
            if getattr(unit, key) != value
        }
        for key, value in values.items():
            setattr(unit, key, value)
        if changes:
            audit.record(
                "unit.updated", actor=actor, organisation_id=org.id, unit=unit.id, changes=changes
            )
    return unit


def delete_unit(actor: Person | None, unit: Unit) -> None:
    """Delete a unit that nobody belongs to and nobody represents.

    A unit with members or roles is refused with the numbers: moving people out is a
    decision about each of them, so it is made on the members page, not in bulk here.
    """
    org = unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
    with transaction():
        members = db.session.scalar(
            select(func.count(Membership.id)).where(Membership.unit_id == unit.id)
        )
        roles = db.session.scalar(select(func.count(Role.id)).where(Role.unit_id == unit.id))
        if members:
            raise Conflict(
                _(
                    "%(name)s still has %(n)d members. Move them to another unit (or to no "
                    "unit) on the members page first.",
                    name=unit.name,
                    n=members,
                )
            )
        if roles:
            raise Conflict(
                _(
                    "%(name)s is still represented by %(n)d roles (delegates). Remove them "
                    "on the roles page first.",
                    name=unit.name,
                    n=roles,
                )
            )
        audit.record(
            "unit.deleted", actor=actor, organisation_id=org.id, unit=unit.id, name=unit.name
        )
        db.session.delete(unit)


def add_attendance(actor: Person | None, unit: Unit, data: dict[str, Any]) -> AttendanceRecord:
    """Record how many people were at one meeting of a unit (one record per date)."""
    org = unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
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


def delete_attendance(actor: Person | None, record: AttendanceRecord) -> None:
    """Remove a mistaken attendance record (audited: delegates' votes depend on it)."""
    org = record.unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
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


# --- members -------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberPage:
    members: list[Membership]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_members(
    actor: Person | None,
    org: Organisation,
    *,
    query: str = "",
    unit_id: str | int | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> MemberPage:
    """Members by name, filtered by a search on name or email, a unit ("none": no unit)
    and a status."""
    require(actor, Action.VIEW_MEMBERS, org)
    conditions = [Membership.organisation_id == org.id]
    if query.strip():
        like = f"%{query.strip().lower()}%"
        conditions.append(or_(func.lower(Person.name).like(like), Person.email.like(like)))
    if unit_id == "none":
        conditions.append(Membership.unit_id.is_(None))
    elif unit_id not in (None, ""):
        conditions.append(Membership.unit_id == unit_in(org, unit_id).id)
    if status:
        conditions.append(
            Membership.status == MemberStatus(parse_choice(status, _statuses(), "status"))
        )
    base = select(Membership).join(Person).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = max(1, page)
    members = db.session.scalars(
        base.order_by(func.lower(Person.name), Membership.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return MemberPage(list(members), total, page, per_page)


def _statuses() -> tuple[str, ...]:
    return tuple(s.value for s in MemberStatus)


def _member_values(org: Organisation, data: dict[str, Any], *, new: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "unit_id" in data or new:
        unit_id = data.get("unit_id")
        values["unit_id"] = unit_in(org, unit_id).id if unit_id not in (None, "", "none") else None
    if "status" in data or new:
        values["status"] = MemberStatus(
            parse_choice(data.get("status") or "full", _statuses(), "status")
        )
    for key in ("joined_on", "dues_paid_until"):
        if key in data or new:
            values[key] = parse_day(data.get(key), key)
    return values


def find_person(email: str) -> Person | None:
    return db.session.scalars(select(Person).where(Person.email == email)).first()


def add_member(actor: Person | None, org: Organisation, data: dict[str, Any]) -> Membership:
    """Add one member: name, email, unit, status, optional self-declared gender, dates.

    People are shared between organisations by email: an email that already has an
    account gets a new membership here, and that person's name and gender stay as
    they are (they may have set them themselves).
    """
    require(actor, Action.MANAGE_MEMBERS, org)
    name = parse_text(data.get("name"), "name")
    email = normalise_email(data.get("email"))
    gender = parse_text(data.get("gender"), "gender", required=False, max_length=32) or None
    values = _member_values(org, data, new=True)
    with transaction():
        person = find_person(email)
        new_person = person is None
        if person is None:
            person = Person(email=email, name=name, gender=gender)
            db.session.add(person)
            db.session.flush()
        elif db.session.scalar(
            select(Membership.id).where(
                Membership.person_id == person.id, Membership.organisation_id == org.id
            )
        ):
            raise Conflict(_("%(email)s is already a member.", email=email), field="email")
        membership = Membership(person_id=person.id, organisation_id=org.id, **values)
        db.session.add(membership)
        db.session.flush()
        audit.record(
            "member.added",
            actor=actor,
            organisation_id=org.id,
            membership=membership.id,
            new_person=new_person,
            status=membership.status.value,
            unit=membership.unit_id,
        )
    return membership


def update_member(actor: Person | None, membership: Membership, data: dict[str, Any]) -> Membership:
    """Change a member's unit, status or dates; only the keys in `data` change."""
    org = membership.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
    with transaction():
        values = _member_values(org, data, new=False)
        changes = {
            key: [_plain(getattr(membership, key)), _plain(value)]
            for key, value in values.items()
            if getattr(membership, key) != value
        }
        for key, value in values.items():
            setattr(membership, key, value)
        if changes:
            audit.record(
                "member.updated",
                actor=actor,
                organisation_id=org.id,
                membership=membership.id,
                changes=changes,
            )
    return membership


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def lapse_cutoff(org: Organisation, today: date | None = None) -> date | None:
    """Dues paid until before this day mean a member is due to lapse; None: no such rule."""
    months = org.settings.get("lapse_after_months_in_arrears") or 0
    if not isinstance(months, int) or months <= 0:
        return None
    return _months_before(today or date.today(), months)


def due_to_lapse(org: Organisation, today: date | None = None) -> list[Membership]:
    """Members (not yet lapsed) whose dues are paid until more than the organisation's
    limit of months ago. Members without a recorded date are never listed."""
    cutoff = lapse_cutoff(org, today)
    if cutoff is None:
        return []
    return list(
        db.session.scalars(
            select(Membership)
            .join(Person)
            .where(
                Membership.organisation_id == org.id,
                Membership.status != MemberStatus.LAPSED,
                Membership.dues_paid_until.is_not(None),
                Membership.dues_paid_until < cutoff,
            )
            .order_by(func.lower(Person.name))
        )
    )


def mark_lapsed(
    actor: Person | None, org: Organisation, membership_ids: list[int] | None = None
) -> int:
    """Mark members due to lapse as lapsed (all of them, or those of `membership_ids`).

    Only members who are due on the day are changed, whatever ids are sent.
    """
    require(actor, Action.MANAGE_MEMBERS, org)
    with transaction():
        due = due_to_lapse(org)
        if membership_ids is not None:
            wanted = {int(i) for i in membership_ids}
            due = [m for m in due if m.id in wanted]
        for membership in due:
            membership.status = MemberStatus.LAPSED
        if due:
            audit.record(
                "members.lapsed",
                actor=actor,
                organisation_id=org.id,
                count=len(due),
                memberships=[m.id for m in due],
                months=org.settings.get("lapse_after_months_in_arrears"),
            )
    return len(due)


# --- roles ---------------------------------------------------------------------------


def list_roles(actor: Person | None, org: Organisation) -> list[Role]:
    """Every role in the organisation: current ones first, then by kind and name."""
    require(actor, Action.VIEW_MEMBERS, org)
    today = date.today()
    roles = db.session.scalars(select(Role).join(Person).where(Role.organisation_id == org.id))
    return sorted(
        roles, key=lambda r: (not r.current_on(today), r.kind.value, r.person.name.lower())
    )


def _member_by(org: Organisation, data: dict[str, Any]) -> Membership:
    """The membership named by `person_id` or `email` in a request."""
    if data.get("person_id") not in (None, ""):
        condition = Membership.person_id == parse_count(data["person_id"], "person_id")
        field = "person_id"
    else:
        condition = Person.email == normalise_email(data.get("email"))
        field = "email"
    membership = db.session.scalars(
        select(Membership).join(Person).where(Membership.organisation_id == org.id, condition)
    ).first()
    if membership is None:
        raise Invalid(_("This person is not a member of the organisation."), field=field)
    return membership


def assign_role(actor: Person | None, org: Organisation, data: dict[str, Any]) -> Role:
    """Give a member a role, optionally for one body, and for a delegate the unit they
    represent, for a term.

    A delegate must be a member of the unit they represent: a unit's votes are carried
    by its own people (and no one may hold cards for two units), so this is refused
    rather than warned about. Move the membership first if the roll is wrong.
    """
    require(actor, Action.MANAGE_ORGANISATION, org)
    membership = _member_by(org, data)
    kind = RoleKind(parse_choice(data.get("kind"), tuple(k.value for k in RoleKind), "kind"))
    body_id = data.get("body_id")
    body = _one(Body, org, body_id, _("No such body.")) if body_id not in (None, "") else None
    unit_id = data.get("unit_id")
    unit = unit_in(org, unit_id) if unit_id not in (None, "") else None
    starts_on = parse_day(data.get("starts_on"), "starts_on")
    ends_on = parse_day(data.get("ends_on"), "ends_on")
    note = parse_text(data.get("note"), "note", required=False)
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid(_("The term cannot end before it starts."), field="ends_on")
    if kind == RoleKind.DELEGATE:
        if unit is None:
            raise Invalid(_("A delegate represents a unit: choose it."), field="unit_id")
        if membership.unit_id != unit.id:
            raise Invalid(
                _(
                    "%(name)s is a member of %(their)s, not of %(unit)s: a delegate "
                    "represents their own unit. Change their unit on the members page first.",
                    name=membership.person.name,
                    their=membership.unit.name if membership.unit else _("no unit"),
                    unit=unit.name,
                ),
                field="unit_id",
            )
    with transaction():
        role = Role(
            person_id=membership.person_id,
            organisation_id=org.id,
            kind=kind,
            body_id=body.id if body else None,
            unit_id=unit.id if unit else None,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
        )
        db.session.add(role)
        db.session.flush()
        audit.record(
            "role.assigned",
            actor=actor,
            organisation_id=org.id,
            role=role.id,
            person=role.person_id,
            kind=kind.value,
            body=role.body_id,
            unit=role.unit_id,
            starts_on=starts_on,
            ends_on=ends_on,
        )
    return role


def _refuse_last_admin(role: Role, today: date) -> None:
    if role.kind != RoleKind.ADMIN or not role.current_on(today):
        return
    others = [
        r
        for r in db.session.scalars(
            select(Role).where(
                Role.organisation_id == role.organisation_id,
                Role.kind == RoleKind.ADMIN,
                Role.id != role.id,
            )
        )
        if r.current_on(today) and r.person_id != role.person_id
    ]
    if not others:
        raise Conflict(_("This is the organisation's last admin. Make someone else admin first."))


def end_role(actor: Person | None, role: Role) -> Role:
    """End a role today (a term ends early); the role stays in the record."""
    org = role.organisation
    require(actor, Action.MANAGE_ORGANISATION, org)
    today = date.today()
    with transaction():
        _refuse_last_admin(role, today)
        if role.ends_on is None or role.ends_on > today:
            role.ends_on = today
            if role.starts_on and role.starts_on > today:
                role.starts_on = today
            audit.record(
                "role.ended", actor=actor, organisation_id=org.id, role=role.id, ends_on=today
            )
    return role


def remove_role(actor: Person | None, role: Role) -> None:
    """Delete a role given by mistake (ending it keeps the history; this does not)."""
    org = role.organisation
    require(actor, Action.MANAGE_ORGANISATION, org)
    with transaction():
        _refuse_last_admin(role, date.today())
        audit.record(
            "role.removed",
            actor=actor,
            organisation_id=org.id,
            role=role.id,
            person=role.person_id,
            kind=role.kind.value,
        )
        db.session.delete(role)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)
