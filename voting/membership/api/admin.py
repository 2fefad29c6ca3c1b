"""API: members, roles and roll imports, through the same services as the admin pages (and
so the same checks and the same audit entries). The organisation's own records (its
settings, bodies, units, attendance) are in `voting.org.api`."""

from __future__ import annotations

from typing import Any

from flask import request

from voting.core.api import api_person, json_body, operation
from voting.core.parse import parse_text
from voting.membership.models import Membership, Role
from voting.membership.services import members, roll
from voting.org.models import Organisation
from voting.org.permissions import Action
from voting.org.services import units

TAG = "admin"
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
MEMBER = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "description": "membership id"},
        "person_id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string"},
        "unit_id": {"type": ["integer", "null"]},
        "status": {
            "type": "string",
            "enum": ["full", "candidate", "individual", "withdrawn", "lapsed"],
        },
        "joined_on": NULLABLE_DATE,
        "dues_paid_until": NULLABLE_DATE,
    },
}
MEMBER_UPDATE = {
    "type": "object",
    "properties": {
        k: MEMBER["properties"][k] for k in ("unit_id", "status", "joined_on", "dues_paid_until")
    },
}
MEMBER_INPUT = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string"},
        "gender": {"type": ["string", "null"]},
        **MEMBER_UPDATE["properties"],
    },
    "required": ["name", "email"],
}
ROLE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "person_id": {"type": "integer"},
        "name": {"type": "string"},
        "kind": {
            "type": "string",
            "enum": ["admin", "secretary", "chair", "delegate", "teller", "officer"],
        },
        "body_id": {
            "type": ["integer", "null"],
            "description": "the body the role is held for (null: the whole organisation)",
        },
        "body": {"type": ["string", "null"], "description": "that body's slug"},
        "unit_id": {
            "type": ["integer", "null"],
            "description": "the unit a delegate represents, or a unit's secretary keeps",
        },
        "starts_on": NULLABLE_DATE,
        "ends_on": NULLABLE_DATE,
        "note": {"type": "string"},
    },
}
ROLE_INPUT = {
    "type": "object",
    "properties": {
        "person_id": {"type": "integer"},
        "email": {"type": "string", "description": "instead of person_id"},
        **{
            k: ROLE["properties"][k]
            for k in ("kind", "body_id", "unit_id", "starts_on", "ends_on", "note")
        },
        "body": {"type": ["string", "null"], "description": "instead of body_id: its slug"},
    },
    "required": ["kind"],
}
ROLL_REQUEST = {
    "type": "object",
    "properties": {
        "csv": {
            "type": "string",
            "description": "The roll: a header line (name, email, unit, status, gender, "
            "joined_on, dues_paid_until), fields separated by , or ;",
        },
        "mode": {"type": "string", "enum": ["all_or_nothing", "skip_bad_rows"]},
        "existing": {"type": "string", "enum": ["skip", "update"]},
        "create_units": {"type": "boolean"},
        "dry_run": {"type": "boolean", "description": "check and count, write nothing"},
    },
    "required": ["csv"],
}
ROLL_REPORT = {
    "type": "object",
    "description": "`imported` is false when nothing was written (a dry run, or errors in "
    "all_or_nothing mode); `errors` lists each bad row by line.",
    "properties": {
        "imported": {"type": "boolean"},
        **{
            k: {"type": "integer"}
            for k in ("rows", "new_people", "new_memberships", "updated", "skipped", "bad_rows")
        },
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "line": {"type": "integer"},
                    "column": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
        "warnings": {"type": "array", "items": {"type": "string"}},
        "new_units": {"type": "array", "items": {"type": "string"}},
        "new_unit_kind": {"type": ["string", "null"]},
    },
}


def _list(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": schema}


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def member_json(m: Membership) -> dict[str, Any]:
    return {
        "id": m.id,
        "person_id": m.person_id,
        "name": m.person.name,
        "email": m.person.email,
        "unit_id": m.unit_id,
        "status": m.status.value,
        "joined_on": _day(m.joined_on),
        "dues_paid_until": _day(m.dues_paid_until),
    }


def role_json(role: Role) -> dict[str, Any]:
    return {
        "id": role.id,
        "person_id": role.person_id,
        "name": role.person.name,
        "kind": role.kind.value,
        "body_id": role.body_id,
        "body": role.body.slug if role.body else None,
        "unit_id": role.unit_id,
        "starts_on": _day(role.starts_on),
        "ends_on": _day(role.ends_on),
        "note": role.note,
    }


def _members_org(slug: str) -> Organisation:
    return units.managed_organisation(api_person(), slug, Action.MANAGE_MEMBERS)


def _admin_org(slug: str) -> Organisation:
    return units.managed_organisation(api_person(), slug, Action.MANAGE_ORGANISATION)


def _units_org(slug: str, action: Action = Action.MANAGE_MEMBERS) -> Organisation:
    """The organisation, for those with `action` in it or in one of its units (a unit's
    secretary: the services keep them to their unit)."""
    return units.managed_organisation(api_person(), slug, action, for_a_unit=True)


# --- members ------------------------------------------------------------------------------


@operation(
    "/organisations/<slug>/members",
    "GET",
    summary="Members; query parameters q (name or email), unit (id or 'none'), status, page",
    tag=TAG,
    response={
        "type": "object",
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "members": _list(MEMBER),
        },
    },
)
def list_members(slug: str) -> dict[str, Any]:
    org = _units_org(slug, Action.VIEW_MEMBERS)
    found = members.list_members(
        api_person(),
        org,
        query=request.args.get("q", ""),
        unit_id=request.args.get("unit") or None,
        status=request.args.get("status") or None,
        page=request.args.get("page", 1, type=int),
    )
    return {
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "members": [member_json(m) for m in found.members],
    }


@operation(
    "/organisations/<slug>/members",
    "POST",
    summary="Add a member (an existing person by email gets a new membership)",
    tag=TAG,
    scope="admin",
    request=MEMBER_INPUT,
    response=MEMBER,
    status=201,
)
def add_member(slug: str) -> dict[str, Any]:
    return member_json(members.add_member(api_person(), _units_org(slug), json_body()))


@operation(
    "/organisations/<slug>/members/<int:membership_id>",
    "PATCH",
    summary="Change a member's unit, status or dates",
    tag=TAG,
    scope="admin",
    request=MEMBER_UPDATE,
    response=MEMBER,
)
def update_member(slug: str, membership_id: int) -> dict[str, Any]:
    membership = members.membership_in(_units_org(slug), membership_id)
    return member_json(members.update_member(api_person(), membership, json_body()))


@operation(
    "/organisations/<slug>/members/due-to-lapse",
    "GET",
    summary="Members whose dues are in arrears past the organisation's limit",
    tag=TAG,
    response=_list(MEMBER),
)
def due_to_lapse(slug: str) -> list[dict[str, Any]]:
    return [member_json(m) for m in members.due_to_lapse(_members_org(slug))]


@operation(
    "/organisations/<slug>/members/lapse",
    "POST",
    summary="Mark members due to lapse as lapsed (all, or those in membership_ids)",
    tag=TAG,
    scope="admin",
    request={
        "type": "object",
        "properties": {"membership_ids": {"type": "array", "items": {"type": "integer"}}},
    },
    response={"type": "object", "properties": {"lapsed": {"type": "integer"}}},
)
def lapse_members(slug: str) -> dict[str, Any]:
    ids = json_body().get("membership_ids")
    return {"lapsed": members.mark_lapsed(api_person(), _members_org(slug), ids)}


@operation(
    "/organisations/<slug>/roll",
    "POST",
    summary="Import a membership roll from CSV text; the report lists bad rows by line",
    tag=TAG,
    scope="admin",
    request=ROLL_REQUEST,
    response=ROLL_REPORT,
)
def import_roll(slug: str) -> dict[str, Any]:
    data = json_body()
    org = _members_org(slug)
    options = roll.RollOptions.from_data(data)
    text = parse_text(data.get("csv"), "csv", max_length=16 * 1024 * 1024)
    report = roll.import_roll(
        api_person(), org, text, options, commit=not bool(data.get("dry_run"))
    )
    return report.to_json()


# --- roles --------------------------------------------------------------------------------


@operation(
    "/organisations/<slug>/roles", "GET", summary="List roles", tag=TAG, response=_list(ROLE)
)
def list_roles(slug: str) -> list[dict[str, Any]]:
    return [role_json(r) for r in members.list_roles(api_person(), _admin_org(slug))]


@operation(
    "/organisations/<slug>/roles",
    "POST",
    summary="Assign a role to a member",
    tag=TAG,
    scope="admin",
    request=ROLE_INPUT,
    response=ROLE,
    status=201,
)
def assign_role(slug: str) -> dict[str, Any]:
    return role_json(members.assign_role(api_person(), _admin_org(slug), json_body()))


@operation(
    "/organisations/<slug>/roles/<int:role_id>/end",
    "POST",
    summary="End a role today",
    tag=TAG,
    scope="admin",
    response=ROLE,
)
def end_role(slug: str, role_id: int) -> dict[str, Any]:
    role = members.role_in(_admin_org(slug), role_id)
    return role_json(members.end_role(api_person(), role))


@operation(
    "/organisations/<slug>/roles/<int:role_id>",
    "DELETE",
    summary="Remove a role",
    tag=TAG,
    scope="admin",
    response={"type": "object"},
)
def remove_role(slug: str, role_id: int) -> dict[str, Any]:
    members.remove_role(api_person(), members.role_in(_admin_org(slug), role_id))
    return {"deleted": role_id}
