"""Bodies and their rules, edited through the form generated from BodySettings."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voting.constitutions.schema import BodySettings
from voting.core.errors import ServiceError
from voting.core.web import admin as bp
from voting.core.web import form_data, form_page
from voting.org.models import Body, BodyKind, Organisation
from voting.org.permissions import Action
from voting.org.services import bodies
from voting.org.services.units import managed_organisation
from voting.org.settings_form import build_fields, field_id, labels, parse_form


def _org(slug: str) -> Organisation:
    return managed_organisation(current_user, slug, Action.MANAGE_ORGANISATION)


@bp.get("/<slug>/bodies")
def bodies_list(slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    return render_template("admin/bodies.html", organisation=org)


@bp.route("/<slug>/bodies/new", methods=["GET", "POST"])
def new_body(slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    context = {"organisation": org, "kinds": [k.value for k in BodyKind]}
    if request.method == "POST":
        try:
            body = bodies.create_body(current_user, org, form_data())
        except ServiceError as error:
            return form_page("admin/body_new.html", error, **context)
        flash(_("%(name)s was added. Now set its rules.", name=body.name), "success")
        return redirect(url_for("admin.body", slug=slug, body_slug=body.slug), 303)
    return render_template("admin/body_new.html", values={}, errors={}, **context)


def _body_page(
    org: Organisation,
    body: Body,
    details: dict[str, Any],
    settings: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> tuple[str, int]:
    fields = build_fields(BodySettings, settings, errors)
    page = render_template(
        "admin/body.html",
        organisation=org,
        body=body,
        values=details,
        errors=errors,
        fields=fields,
        labels={**labels(fields), "name": _("Name"), "description": _("Description")},
        field_id=field_id,
    )
    return page, status


@bp.route("/<slug>/bodies/<body_slug>", methods=["GET", "POST"])
def body(slug: str, body_slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    found = bodies.body_in(org, body_slug)
    if request.method == "POST":
        details = {k: request.form.get(k, "") for k in ("name", "description")}
        settings = parse_form(BodySettings, request.form)
        try:
            bodies.update_body(current_user, found, {**details, "settings": settings})
        except bodies.InvalidSettings as error:
            errors = {e.path: e.message for e in error.errors}
            return _body_page(org, found, details, settings, errors, error.status)
        except ServiceError as error:
            errors = {error.field or "_": error.message}
            return _body_page(org, found, details, settings, errors, error.status)
        flash(_("The rules of %(name)s were saved.", name=found.name), "success")
        return redirect(url_for("admin.body", slug=slug, body_slug=found.slug), 303)
    details = {"name": found.name, "description": found.description}
    return _body_page(org, found, details, found.settings.to_dict(), {})


@bp.route("/<slug>/bodies/<body_slug>/delete", methods=["GET", "POST"])
def delete_body(slug: str, body_slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    found = bodies.body_in(org, body_slug)
    if request.method == "POST" and request.form.get("confirm") == found.slug:
        bodies.delete_body(current_user, found)
        flash(_("%(name)s was deleted.", name=found.name), "success")
        return redirect(url_for("admin.bodies_list", slug=slug), 303)
    error = None
    if request.method == "POST":
        error = _("Type the body's short name to confirm.")
    return render_template("admin/body_delete.html", organisation=org, body=found, error=error), (
        422 if error else 200
    )
