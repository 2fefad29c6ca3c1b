"""API: units, attendance, members, roles, bodies and roll imports, through the same
services as the admin pages (and so the same checks and the same audit entries)."""

from __future__ import annotations

from typing import Any

from flask import request

from voting.core.api import api_person, json_body, operation
from voting.core.parse import parse_text
from voting.membership.models import Membership, Role
from voting.membership.services import members, roll
from voting.org.api import body_json
from voting.org.models import AttendanceRecord, Organisation, Unit
from voting.org.permissions import Action
from voting.org.services import bodies, units

TAG = "admin"
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
UNIT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "name": {"type": "string"},
        "size": {"type": "integer", "minimum": 0},
        "delegate_split": {"type": "string", "enum": list(units.DELEGATE_SPLITS)},
        "members": {"type": "integer"},
    },
}
UNIT_INPUT = {
    "type": "object",
    "properties": {k: UNIT["properties"][k] for k in ("kind", "name", "size", "delegate_split")},
}
ATTENDANCE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "held_on": {"type": "string", "format": "date"},
        "present": {"type": "integer", "minimum": 0},
        "note": {"type": "string"},
    },
}
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
        "body_id": {"type": ["integer", "null"]},
        "unit_id": {"type": ["integer", "null"]},
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
    },
    "required": ["kind"],
}
BODY = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "kind": {"type": "string"},
        "description": {"type": "string"},
        "settings": {"type": "object", "description": "BodySettings, as in the presets"},
    },
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


def unit_json(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "kind": unit.kind.value,
        "name": unit.name,
        "size": unit.size,
        "delegate_split": unit.delegate_split,
        "members": len(unit.memberships),
    }


def attendance_json(record: AttendanceRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "held_on": record.held_on.isoformat(),
        "present": record.present,
        "note": record.note,
    }


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
        "unit_id": role.unit_id,
        "starts_on": _day(role.starts_on),
        "ends_on": _day(role.ends_on),
        "note": role.note,
    }


def _members_org(slug: str) -> Organisation:
    return units.managed_organisation(api_person(), slug, Action.MANAGE_MEMBERS)


def _admin_org(slug: str) -> Organisation:
    return units.managed_organisation(api_person(), slug, Action.MANAGE_ORGANISATION)


# --- units and attendance ---------------------------------------------------------------


@operation(
    "/organisations/<slug>/units", "GET", summary="List units", tag=TAG, response=_list(UNIT)
)
def list_units(slug: str) -> list[dict[str, Any]]:
    return [unit_json(u) for u in _members_org(slug).units]


@operation(
    "/organisations/<slug>/units",
    "POST",
    summary="Add a unit",
    tag=TAG,
    scope="admin",
    request={**UNIT_INPUT, "required": ["kind", "name"]},
    response=UNIT,
    status=201,
)
def create_unit(slug: str) -> dict[str, Any]:
    return unit_json(units.create_unit(api_person(), _members_org(slug), json_body()))


@operation(
    "/organisations/<slug>/units/<int:unit_id>",
    "PATCH",
    summary="Change a unit",
    tag=TAG,
    scope="admin",
    request=UNIT_INPUT,
    response=UNIT,
)
def update_unit(slug: str, unit_id: int) -> dict[str, Any]:
    unit = units.unit_in(_members_org(slug), unit_id)
    return unit_json(units.update_unit(api_person(), unit, json_body()))


@operation(
    "/organisations/<slug>/units/<int:unit_id>",
    "DELETE",
    summary="Delete a unit without members or delegates",
    tag=TAG,
    scope="admin",
    response={"type": "object"},
)
def delete_unit(slug: str, unit_id: int) -> dict[str, Any]:
    units.delete_unit(api_person(), units.unit_in(_members_org(slug), unit_id))
    return {"deleted": unit_id}


@operation(
    "/organisations/<slug>/units/<int:unit_id>/attendance",
    "GET",
    summary="A unit's meeting attendance, newest first",
    tag=TAG,
    response=_list(ATTENDANCE),
)
def list_attendance(slug: str, unit_id: int) -> list[dict[str, Any]]:
    unit = units.unit_in(_members_org(slug), unit_id)
    return [attendance_json(r) for r in unit.attendance]


@operation(
    "/organisations/<slug>/units/<int:unit_id>/attendance",
    "POST",
    summary="Record a meeting's attendance (one record per date)",
    tag=TAG,
    scope="admin",
    request={**ATTENDANCE, "required": ["held_on", "present"]},
    response=ATTENDANCE,
    status=201,
)
def add_attendance(slug: str, unit_id: int) -> dict[str, Any]:
    unit = units.unit_in(_members_org(slug), unit_id)
    return attendance_json(units.add_attendance(api_person(), unit, json_body()))


@operation(
    "/organisations/<slug>/attendance/<int:record_id>",
    "DELETE",
    summary="Delete an attendance record",
    tag=TAG,
    scope="admin",
    response={"type": "object"},
)
def delete_attendance(slug: str, record_id: int) -> dict[str, Any]:
    units.delete_attendance(api_person(), units.attendance_in(_members_org(slug), record_id))
    return {"deleted": record_id}


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
    org = units.managed_organisation(api_person(), slug, Action.VIEW_MEMBERS)
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
    return member_json(members.add_member(api_person(), _members_org(slug), json_body()))


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
    membership = members.membership_in(_members_org(slug), membership_id)
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


# --- organisation and bodies --------------------------------------------------------------


@operation(
    "/organisations/<slug>",
    "PATCH",
    summary="Rename the organisation or set its languages",
    tag=TAG,
    scope="admin",
    request={
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "languages": {
                "type": "array",
                "items": {"type": "string", "enum": ["en", "fr", "de", "es"]},
            },
        },
    },
    response={"type": "object"},
)
def update_organisation(slug: str) -> dict[str, Any]:
    org = bodies.update_organisation(api_person(), _admin_org(slug), json_body())
    return {"slug": org.slug, "name": org.name, "languages": org.languages}


@operation(
    "/organisations/<slug>/bodies",
    "GET",
    summary="List bodies with their rules",
    tag=TAG,
    response=_list(BODY),
)
def list_bodies(slug: str) -> list[dict[str, Any]]:
    return [body_json(b) for b in _admin_org(slug).bodies]


@operation(
    "/organisations/<slug>/bodies",
    "POST",
    summary="Add a body (rules start from the defaults)",
    tag=TAG,
    scope="admin",
    request={
        "type": "object",
        "properties": {k: {"type": "string"} for k in ("kind", "slug", "name", "description")},
        "required": ["kind", "slug", "name"],
    },
    response=BODY,
    status=201,
)
def create_body(slug: str) -> dict[str, Any]:
    return body_json(bodies.create_body(api_person(), _admin_org(slug), json_body()))


@operation(
    "/organisations/<slug>/bodies/<body_slug>",
    "GET",
    summary="A body with its rules",
    tag=TAG,
    response=BODY,
)
def get_body(slug: str, body_slug: str) -> dict[str, Any]:
    return body_json(bodies.body_in(_admin_org(slug), body_slug))


@operation(
    "/organisations/<slug>/bodies/<body_slug>",
    "PATCH",
    summary="Change a body: name, description, and settings (merged over the current "
    "ones; lists are replaced). Invalid settings: 422 with `field` the setting's path.",
    tag=TAG,
    scope="admin",
    request={
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "settings": {"type": "object"},
        },
    },
    response=BODY,
)
def update_body(slug: str, body_slug: str) -> dict[str, Any]:
    body = bodies.body_in(_admin_org(slug), body_slug)
    data = json_body()
    if isinstance(data.get("settings"), dict):
        data["settings"] = bodies.merge_settings(body.settings.to_dict(), data["settings"])
    return body_json(bodies.update_body(api_person(), body, data))


@operation(
    "/organisations/<slug>/bodies/<body_slug>",
    "DELETE",
    summary="Delete a body and the roles held in it",
    tag=TAG,
    scope="admin",
    response={"type": "object"},
)
def delete_body(slug: str, body_slug: str) -> dict[str, Any]:
    bodies.delete_body(api_person(), bodies.body_in(_admin_org(slug), body_slug))
    return {"deleted": body_slug}
