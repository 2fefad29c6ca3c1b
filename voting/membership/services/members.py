"""Memberships and roles: the secretary's and admin's work.

Every function checks the actor's right in the organisation first, so a page or an API
call that forgets to check cannot write. Values may come as form text or JSON: the
small `parse_*` helpers turn both into typed values with a message tied to the field.

A secretary of one unit (a secretary role held for that unit) sees, adds and changes
the members of their own unit only, and cannot move anyone out of it or into it from
elsewhere; lapsing members, roles and the roll are the organisation's secretaries' and
admins'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from voting.core import audit
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.core.parse import (
    normalise_email,
    parse_choice,
    parse_count,
    parse_day,
    parse_text,
    plain,
)
from voting.core.permissions import require, units_with
from voting.membership.models import Membership, MemberStatus, Person, Role, RoleKind
from voting.org.models import Body, Organisation, Unit
from voting.org.permissions import Action
from voting.org.services.units import one_in, unit_in

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


def membership_in(org: Organisation, membership_id: Any) -> Membership:
    return one_in(Membership, org, membership_id, _("No such member."))


def role_in(org: Organisation, role_id: Any) -> Role:
    return one_in(Role, org, role_id, _("No such role."))


def _refused() -> NotAllowed:
    return NotAllowed(_("You do not have the right to do this."))


def _units_kept(actor: Person | None, org: Organisation, action: Action) -> frozenset[int] | None:
    """None if `actor` has `action` for the whole organisation, else the units they hold it
    for; nowhere at all is refused."""
    scope = units_with(actor, action, org)
    if scope is not None and not scope:
        raise _refused()
    return scope


def _require_units(scope: frozenset[int] | None, unit_ids: Iterable[int | None]) -> None:
    """Refuse a unit's secretary anything about members outside their units (or of none)."""
    if scope is not None and any(unit_id not in scope for unit_id in unit_ids):
        raise NotAllowed(
            _("A unit's secretary manages the members of their own unit only."), field="unit_id"
        )


# --- members -------------------------------------------------------------------------


def manageable_units(actor: Person | None, org: Organisation) -> list[Unit] | None:
    """The units whose members `actor` manages: None for the whole organisation (every
    unit, and members of none), else their own units (refused if none)."""
    scope = _units_kept(actor, org, Action.MANAGE_MEMBERS)
    return None if scope is None else [u for u in org.units if u.id in scope]


def managed_member(actor: Person | None, org: Organisation, membership_id: Any) -> Membership:
    """One membership of `org` that `actor` manages: a unit's secretary, only in their units."""
    membership = membership_in(org, membership_id)
    _require_units(_units_kept(actor, org, Action.MANAGE_MEMBERS), [membership.unit_id])
    return membership


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
    and a status. A unit's secretary sees the members of their own unit only."""
    scope = _units_kept(actor, org, Action.VIEW_MEMBERS)
    conditions = [Membership.organisation_id == org.id]
    if scope is not None:
        conditions.append(Membership.unit_id.in_(scope))
    if query.strip():
        like = f"%{query.strip().lower()}%"
        conditions.append(or_(func.lower(Person.name).like(like), Person.email.like(like)))
    if unit_id == "none":
        _require_units(scope, [None])
        conditions.append(Membership.unit_id.is_(None))
    elif unit_id not in (None, ""):
        unit = unit_in(org, unit_id)
        _require_units(scope, [unit.id])
        conditions.append(Membership.unit_id == unit.id)
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
    they are (they may have set them themselves). A unit's secretary adds members to
    their own unit.
    """
    scope = _units_kept(actor, org, Action.MANAGE_MEMBERS)
    name = parse_text(data.get("name"), "name")
    email = normalise_email(data.get("email"))
    gender = parse_text(data.get("gender"), "gender", required=False, max_length=32) or None
    values = _member_values(org, data, new=True)
    _require_units(scope, [values["unit_id"]])
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
    """Change a member's unit, status or dates; only the keys in `data` change. A unit's
    secretary changes members of their own unit, and keeps them in it."""
    org = membership.organisation
    scope = _units_kept(actor, org, Action.MANAGE_MEMBERS)
    _require_units(scope, [membership.unit_id])
    with transaction():
        values = _member_values(org, data, new=False)
        _require_units(scope, [values.get("unit_id", membership.unit_id)])
        changes = {
            key: [plain(getattr(membership, key)), plain(value)]
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


def _body_of_role(org: Organisation, data: dict[str, Any]) -> Body | None:
    """The body a role is to be held for, by `body_id` or by `body` (its slug); None: the
    whole organisation. Another organisation's body is no body of this one."""
    if data.get("body_id") not in (None, ""):
        key, condition = "body_id", Body.id == parse_count(data["body_id"], "body_id")
    elif data.get("body") not in (None, ""):
        key, condition = "body", Body.slug == str(data["body"])
    else:
        return None
    body = db.session.scalars(select(Body).where(Body.organisation_id == org.id, condition)).first()
    if body is None:
        raise Invalid(_("%(organisation)s has no such body.", organisation=org.name), field=key)
    return body


def assign_role(actor: Person | None, org: Organisation, data: dict[str, Any]) -> Role:
    """Give a member a role, optionally for one body (by id or slug; a role held for one
    body gives its rights for that body only), and for a delegate the unit they
    represent, for a term.

    A delegate must be a member of the unit they represent: a unit's votes are carried
    by its own people (and no one may hold cards for two units), so this is refused
    rather than warned about. Move the membership first if the roll is wrong.
    """
    require(actor, Action.MANAGE_ORGANISATION, org)
    membership = _member_by(org, data)
    kind = RoleKind(parse_choice(data.get("kind"), tuple(k.value for k in RoleKind), "kind"))
    body = _body_of_role(org, data)
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
