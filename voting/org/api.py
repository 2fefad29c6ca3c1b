"""API: organisations visible to the token's holder, and the presets to start one from."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from voting.constitutions import load_preset, preset_keys
from voting.core.api import api_person, json_body, operation
from voting.core.errors import NotFound
from voting.core.permissions import can
from voting.org.models import Body, Organisation
from voting.org.permissions import Action
from voting.org.services import organisations

ORGANISATION = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "preset": {"type": ["string", "null"]},
        "languages": {"type": "array", "items": {"type": "string"}},
        "bodies": {"type": "array", "items": {"type": "object"}},
    },
}


def body_json(body: Body) -> dict[str, Any]:
    return {
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
    return organisation_json(visible_organisation(slug))


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
