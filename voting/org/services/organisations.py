"""Organisations: created from a constitution preset, then edited freely."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from voting.constitutions import load_preset, preset_keys
from voting.core import audit
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid
from voting.core.extensions import db
from voting.core.permissions import Actor, require
from voting.org.models import Body, BodyKind, Organisation
from voting.org.permissions import Action
from voting.org.signals import organisation_created

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def create_from_preset(
    actor: Actor | None, preset_key: str, *, name: str | None = None, slug: str | None = None
) -> Organisation:
    """Create an organisation with the bodies and rules its constitution preset describes.

    `actor` None is the command line (operators at the console); in the pages and the
    API only an operator may create an organisation.
    """
    if actor is not None:
        require(actor, Action.CREATE_ORGANISATION)
    if preset_key not in preset_keys():
        raise Invalid(_("Unknown constitution preset."), field="preset")
    preset = load_preset(preset_key)
    slug = (slug or preset.slug).strip().lower()
    if not SLUG.match(slug):
        raise Invalid(
            _("A short name uses lower-case letters, digits and dashes (2 to 63)."), field="slug"
        )
    with transaction():
        if db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
            raise Conflict(_("An organisation with this short name exists already."), field="slug")
        organisation = Organisation(
            slug=slug,
            name=(name or preset.name).strip(),
            preset=preset.key,
            languages=preset.languages,
            settings={"unit_kinds": preset.unit_kinds, **preset.settings},
        )
        db.session.add(organisation)
        for position, body in enumerate(preset.bodies):
            db.session.add(
                Body(
                    organisation=organisation,
                    slug=body.slug,
                    name=body.name,
                    kind=BodyKind(body.kind),
                    description=body.description,
                    position=position,
                    settings_data=body.settings.to_dict(),
                )
            )
        db.session.flush()
        organisation_created.send(organisation, preset=preset)
        audit.record(
            "organisation.created",
            actor=actor,
            organisation_id=organisation.id,
            preset=preset.key,
            slug=slug,
            bodies=[b.slug for b in preset.bodies],
        )
    return organisation


def by_slug(slug: str) -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.slug == slug)).first()
