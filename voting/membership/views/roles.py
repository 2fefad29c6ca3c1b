"""Roles in an organisation: assign, end a term, remove."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voting.core.errors import ServiceError
from voting.core.web import admin as bp
from voting.core.web import form_data, form_page
from voting.membership.models import RoleKind
from voting.membership.services import members
from voting.org.models import Organisation
from voting.org.permissions import Action
from voting.org.services import units

DATALIST_LIMIT = 500  # beyond this, typing the email is quicker than a long list


def _org(slug: str) -> Organisation:
    return units.managed_organisation(current_user, slug, Action.MANAGE_ORGANISATION)


def _context(org: Organisation) -> dict[str, Any]:
    people = members.list_members(current_user, org, per_page=DATALIST_LIMIT)
    return {
        "organisation": org,
        "roles": members.list_roles(current_user, org),
        "kinds": [k.value for k in RoleKind],
        "people": people.members if people.total <= DATALIST_LIMIT else [],
        "today": date.today(),
    }


@bp.route("/<slug>/roles", methods=["GET", "POST"])
def roles(slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    if request.method == "POST":
        try:
            role = members.assign_role(current_user, org, form_data())
        except ServiceError as error:
            return form_page("admin/roles.html", error, **_context(org))
        flash(
            _("%(name)s is now %(kind)s.", name=role.person.name, kind=role.kind.value), "success"
        )
        return redirect(url_for("admin.roles", slug=slug), 303)
    return render_template("admin/roles.html", values={}, errors={}, **_context(org))


@bp.post("/<slug>/roles/<int:role_id>/end")
def end_role(slug: str, role_id: int):  # type: ignore[no-untyped-def]
    org = _org(slug)
    members.end_role(current_user, members.role_in(org, role_id))
    flash(_("The role ends today."), "success")
    return redirect(url_for("admin.roles", slug=slug), 303)


@bp.post("/<slug>/roles/<int:role_id>/delete")
def remove_role(slug: str, role_id: int):  # type: ignore[no-untyped-def]
    org = _org(slug)
    members.remove_role(current_user, members.role_in(org, role_id))
    flash(_("The role was removed."), "success")
    return redirect(url_for("admin.roles", slug=slug), 303)
