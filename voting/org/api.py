"""API: organisations visible to the token's holder, the presets to start one from, and
the organisation's own records for its admins and secretaries: its settings, bodies,
units and their attendance (through the same services as the admin pages)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from voting.constitutions import load_preset, preset_keys
from voting.core import pinned
from voting.core.api import api_person, json_body, operation
from voting.core.errors import NotFound
from voting.core.permissions import can
from voting.org.models import AttendanceRecord, Body, Organisation, Unit
from voting.org.permissions import Action
from voting.org.services import bodies, organisations, units

TAG = "admin"

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
BODY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "description": "for roles held for one body"},
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "kind": {"type": "string"},
        "description": {"type": "string"},
        "settings": {"type": "object", "description": "BodySettings, as in the presets"},
    },
}
ORGANISATION = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "preset": {"type": ["string", "null"]},
        "languages": {"type": "array", "items": {"type": "string"}},
        "bodies": {"type": "array", "items": BODY},
        "pinned": {
            "type": "array",
            "description": "What stays pinned to the organisation until it is dealt with "
            "(decisions of an emergency meeting awaiting ratification), newest first",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string"},
                    "title": {"type": "string"},
                    "text": {"type": "string"},
                    "where": {"type": "string"},
                    "url": {"type": "string"},
                    "since": {"type": ["string", "null"], "format": "date-time"},
                },
            },
        },
    },
}


def body_json(body: Body) -> dict[str, Any]:
    return {
        "id": body.id,
        "slug": body.slug,
        "name": body.name,
        "kind": body.kind.value,
        "description": body.description,
        "settings": body.settings_data,
    }


def organisation_json(org: Organisation) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "preset": org.preset,
        "languages": org.languages,
        "bodies": [body_json(b) for b in org.bodies],
    }


def _list(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": schema}


def unit_json(unit: Unit, members: dict[int, int]) -> dict[str, Any]:
    """A unit, with how many members it has (`members`: the counts by unit id)."""
    return {
        "id": unit.id,
        "kind": unit.kind.value,
        "name": unit.name,
        "size": unit.size,
        "delegate_split": unit.delegate_split,
        "members": members.get(unit.id, 0),
    }


def attendance_json(record: AttendanceRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "held_on": record.held_on.isoformat(),
        "present": record.present,
        "note": record.note,
    }


def _admin_org(slug: str) -> Organisation:
    return units.managed_organisation(api_person(), slug, Action.MANAGE_ORGANISATION)


def _members_org(slug: str) -> Organisation:
    return units.managed_organisation(api_person(), slug, Action.MANAGE_MEMBERS)


def _units_org(slug: str) -> Organisation:
    """The organisation, for its secretaries and admins and for a unit's secretary (the
    services check which units)."""
    return units.managed_organisation(api_person(), slug, Action.MANAGE_MEMBERS, for_a_unit=True)


def _unit_json(unit: Unit) -> dict[str, Any]:
    return unit_json(unit, units.member_counts(unit.organisation))


def visible_organisation(slug: str) -> Organisation:
    """An organisation the caller belongs to or serves; others look like they do not exist."""
    org = organisations.by_slug(slug)
    person = api_person()
    if org is None or not (
        can(person, Action.VIEW_MEMBERS, org)
        or any(m.organisation_id == org.id for m in person.memberships)
    ):
        raise NotFound(_("No such organisation."))
    return org


@operation(
    "/presets",
    "GET",
    summary="Constitution presets an organisation can start from",
    tag="organisations",
    response={"type": "array", "items": {"type": "object"}},
)
def presets() -> list[dict[str, Any]]:
    return [
        {"key": k, "name": p.name, "bodies": [b.slug for b in p.bodies]}
        for k in preset_keys()
        for p in [load_preset(k)]
    ]


@operation(
    "/organisations/<slug>",
    "GET",
    summary="An organisation with its bodies and their rules",
    tag="organisations",
    response=ORGANISATION,
)
def get_organisation(slug: str) -> dict[str, Any]:
    org = visible_organisation(slug)
    return organisation_json(org) | {
        "pinned": [
            {
                "kind": n.kind,
                "title": n.title,
                "text": n.text,
                "where": n.where,
                "url": n.url,
                "since": n.since.isoformat() if n.since else None,
            }
            for n in pinned.for_organisation(org, api_person())
        ]
    }


@operation(
    "/organisations",
    "POST",
    summary="Create an organisation from a constitution preset (operators)",
    tag="organisations",
    scope="admin",
    request={
        "type": "object",
        "properties": {
            "preset": {"type": "string", "enum": preset_keys()},
            "name": {"type": "string"},
            "slug": {"type": "string"},
        },
        "required": ["preset"],
    },
    response=ORGANISATION,
    status=201,
)
def create_organisation() -> dict[str, Any]:
    data = json_body()
    org = organisations.create_from_preset(
        api_person(), str(data.get("preset", "")), name=data.get("name"), slug=data.get("slug")
    )
    return organisation_json(org)


# --- units and attendance ---------------------------------------------------------------


@operation(
    "/organisations/<slug>/units", "GET", summary="List units", tag=TAG, response=_list(UNIT)
)
def list_units(slug: str) -> list[dict[str, Any]]:
    org = _units_org(slug)
    counts = units.member_counts(org)
    return [unit_json(u, counts) for u in units.managed_units(api_person(), org)]


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
    return _unit_json(units.create_unit(api_person(), _members_org(slug), json_body()))


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
    unit = units.unit_in(_units_org(slug), unit_id)
    return _unit_json(units.update_unit(api_person(), unit, json_body()))


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
    unit = units.unit_in(_units_org(slug), unit_id)
    return [attendance_json(r) for r in units.attendance_of(api_person(), unit)]


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
    unit = units.unit_in(_units_org(slug), unit_id)
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
    units.delete_attendance(api_person(), units.attendance_in(_units_org(slug), record_id))
    return {"deleted": record_id}


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
