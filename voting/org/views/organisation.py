"""The admin dashboard, creating an organisation from a preset, and its own settings."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voting.constitutions import load_preset, preset_keys
from voting.core.config import LANGUAGES
from voting.core.errors import ServiceError
from voting.core.permissions import can, require, units_with
from voting.core.web import admin as bp
from voting.core.web import form_data, form_page
from voting.org.permissions import Action
from voting.org.services import bodies, organisations
from voting.org.services.units import managed_organisation


@bp.get("/<slug>/")
def organisation(slug: str):  # type: ignore[no-untyped-def]
    org = managed_organisation(
        current_user, slug, Action.MANAGE_ORGANISATION, Action.MANAGE_MEMBERS, for_a_unit=True
    )
    return render_template(
        "admin/dashboard.html",
        organisation=org,
        can_manage=can(current_user, Action.MANAGE_ORGANISATION, org),
        can_manage_members=can(current_user, Action.MANAGE_MEMBERS, org),
        # A unit's secretary: the members of their own units.
        own_units=[
            u
            for u in org.units
            if u.id in (units_with(current_user, Action.MANAGE_MEMBERS, org) or ())
        ],
    )


def _presets() -> list[tuple[str, str]]:
    return [(key, load_preset(key).name) for key in preset_keys()]


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():  # type: ignore[no-untyped-def]
    require(current_user, Action.CREATE_ORGANISATION)
    context = {"presets": _presets()}
    if request.method == "POST":
        values = form_data()
        try:
            org = organisations.create_from_preset(
                current_user,
                values.get("preset", ""),
                name=values.get("name") or None,
                slug=values.get("slug") or None,
            )
        except ServiceError as error:
            return form_page("admin/organisation_new.html", error, **context)
        flash(_("%(name)s was created.", name=org.name), "success")
        return redirect(url_for("admin.organisation", slug=org.slug), 303)
    return render_template("admin/organisation_new.html", values={}, errors={}, **context)


@bp.route("/<slug>/settings", methods=["GET", "POST"])
def organisation_settings(slug: str):  # type: ignore[no-untyped-def]
    org = managed_organisation(current_user, slug, Action.MANAGE_ORGANISATION)
    context = {"organisation": org, "languages": LANGUAGES}
    if request.method == "POST":
        values = form_data("languages")
        try:
            bodies.update_organisation(current_user, org, values)
        except ServiceError as error:
            return form_page("admin/organisation_settings.html", error, values, **context)
        flash(_("Saved."), "success")
        return redirect(url_for("admin.organisation", slug=org.slug), 303)
    values = {"name": org.name, "languages": org.languages}
    return render_template("admin/organisation_settings.html", values=values, errors={}, **context)
