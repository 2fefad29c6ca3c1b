"""Editing an organisation's own settings and its bodies with their rules.

A body's rules are `BodySettings` data: every change is validated as a whole and the
audit entry records, per setting path, what it was and what it became.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from voting.constitutions.schema import BodySettings, SettingsError
from voting.core import audit
from voting.core.config import LANGUAGES
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotFound
from voting.core.extensions import db
from voting.core.parse import parse_choice, parse_text
from voting.core.permissions import Actor, require
from voting.org.models import Body, BodyKind, Organisation
from voting.org.permissions import Action
from voting.org.services.organisations import SLUG
from voting.org.signals import body_deleting


class InvalidSettings(Invalid):
    """Settings that do not hold together; `errors` lists every problem by path."""

    def __init__(self, errors: list[SettingsError]) -> None:
        super().__init__(errors[0].message, field=errors[0].path)
        self.errors = errors


def update_organisation(
    actor: Actor | None, org: Organisation, data: dict[str, Any]
) -> Organisation:
    """Rename the organisation and choose its languages (a subset of en, fr, de, es)."""
    require(actor, Action.MANAGE_ORGANISATION, org)
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = parse_text(data["name"], "name")
    if "languages" in data:
        languages = data["languages"]
        if not isinstance(languages, list) or not languages:
            raise Invalid(_("Choose at least one language."), field="languages")
        unknown = [lang for lang in languages if lang not in LANGUAGES]
        if unknown:
            raise Invalid(
                _("Languages can be: %(choices)s.", choices=", ".join(LANGUAGES)),
                field="languages",
            )
        values["languages"] = [lang for lang in LANGUAGES if lang in languages]
    with transaction():
        changes = {k: [getattr(org, k), v] for k, v in values.items() if getattr(org, k) != v}
        for key, value in values.items():
            setattr(org, key, value)
        if changes:
            audit.record(
                "organisation.updated", actor=actor, organisation_id=org.id, changes=changes
            )
    return org


def body_in(org: Organisation, slug: str) -> Body:
    """A body of this organisation by its short name."""
    body = db.session.scalars(
        select(Body).where(Body.organisation_id == org.id, Body.slug == slug)
    ).first()
    if body is None:
        raise NotFound(_("No such body."))
    return body


def create_body(actor: Actor | None, org: Organisation, data: dict[str, Any]) -> Body:
    """Add a body (kind, short name, name); its rules start from the defaults."""
    require(actor, Action.MANAGE_ORGANISATION, org)
    kind = BodyKind(parse_choice(data.get("kind"), tuple(k.value for k in BodyKind), "kind"))
    slug = parse_text(data.get("slug"), "slug", max_length=63).lower()
    if not SLUG.match(slug):
        raise Invalid(
            _("A short name uses lower-case letters, digits and dashes (2 to 63)."), field="slug"
        )
    name = parse_text(data.get("name"), "name")
    description = parse_text(
        data.get("description"), "description", required=False, max_length=2000
    )
    with transaction():
        if db.session.scalar(
            select(Body.id).where(Body.organisation_id == org.id, Body.slug == slug)
        ):
            raise Conflict(_("A body with this short name exists already."), field="slug")
        position = db.session.scalar(
            select(func.coalesce(func.max(Body.position), -1)).where(Body.organisation_id == org.id)
        )
        body = Body(
            organisation_id=org.id,
            slug=slug,
            name=name,
            kind=kind,
            description=description,
            position=(position if position is not None else -1) + 1,
            settings_data=BodySettings().to_dict(),
        )
        db.session.add(body)
        db.session.flush()
        audit.record(
            "body.created",
            actor=actor,
            organisation_id=org.id,
            body=body.id,
            slug=slug,
            kind=kind.value,
        )
    return body


def update_body(actor: Actor | None, body: Body, data: dict[str, Any]) -> Body:
    """Rename a body, change its description and, with a "settings" key, its rules.

    Everything is checked before anything is written, and it is saved in one go.
    """
    org = body.organisation
    require(actor, Action.MANAGE_ORGANISATION, org)
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = parse_text(data["name"], "name")
    if "description" in data:
        values["description"] = parse_text(
            data["description"], "description", required=False, max_length=2000
        )
    if "settings" in data:
        check_settings(data["settings"] if isinstance(data["settings"], dict) else {})
    with transaction():
        changes = {k: [getattr(body, k), v] for k, v in values.items() if getattr(body, k) != v}
        for key, value in values.items():
            setattr(body, key, value)
        if changes:
            audit.record(
                "body.updated", actor=actor, organisation_id=org.id, body=body.id, changes=changes
            )
        if "settings" in data:
            update_body_settings(actor, body, data["settings"])
    return body


def check_settings(data: dict[str, Any]) -> BodySettings:
    """Read and check a body's settings; raise InvalidSettings listing every problem found."""
    try:
        settings = BodySettings.from_dict(data)
    except SettingsError as error:
        raise InvalidSettings([error]) from None
    problems = settings.validate()
    if problems:
        raise InvalidSettings(problems)
    return settings


def merge_settings(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`patch` laid over `current`: groups merge key by key, lists and values replace."""
    merged = dict(current)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_settings(merged[key], value)
        else:
            merged[key] = value
    return merged


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Settings as {path: value}, e.g. {"decision.fraction": "2/3", "weight_bands[0].votes": 3}."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, sub in value.items():
            flat.update(flatten(sub, f"{path}.{key}" if path else key))
        return flat
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        flat = {}
        for index, sub in enumerate(value):
            flat.update(flatten(sub, f"{path}[{index}]"))
        return flat
    return {path: value}


def settings_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """What changed, per setting path: [old, new]; a row added or removed has None."""
    before, after = flatten(old), flatten(new)
    return {
        path: [before.get(path), after.get(path)]
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    }


def update_body_settings(
    actor: Actor | None, body: Body, data: dict[str, Any], *, merge: bool = False
) -> BodySettings:
    """Replace a body's rules with `data` (or lay `data` over them, with `merge`).

    The whole set is validated first (InvalidSettings names each wrong path); the audit
    entry records each changed path, old and new. Nothing changed: nothing is written.
    """
    org = body.organisation
    require(actor, Action.MANAGE_ORGANISATION, org)
    if not isinstance(data, dict):
        raise Invalid(_("Settings must be a group of named values."), field="settings")
    old = body.settings.to_dict()
    settings = check_settings(merge_settings(old, data) if merge else data)
    new = settings.to_dict()
    changes = settings_diff(old, new)
    if changes:
        with transaction():
            body.settings_data = new
            audit.record(
                "body.settings_changed",
                actor=actor,
                organisation_id=org.id,
                body=body.id,
                slug=body.slug,
                changes=changes,
            )
    return settings


def delete_body(actor: Actor | None, body: Body) -> None:
    """Delete a body and the roles held in it (the page asks for confirmation first)."""
    org = body.organisation
    require(actor, Action.MANAGE_ORGANISATION, org)
    with transaction():
        # Domains holding records for the body say how many go with it (roles).
        roles = sum(int(n or 0) for _receiver, n in body_deleting.send(body))
        audit.record(
            "body.deleted",
            actor=actor,
            organisation_id=org.id,
            body=body.id,
            slug=body.slug,
            roles_removed=roles,
        )
        db.session.delete(body)
