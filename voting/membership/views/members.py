"""Members of an organisation: search, add one, change unit or status, mark lapsed."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from voting.core.errors import ServiceError
from voting.core.permissions import can
from voting.core.web import admin as bp
from voting.core.web import form_data, form_page
from voting.membership.models import Membership, MemberStatus
from voting.membership.services import members
from voting.org.models import Organisation
from voting.org.permissions import Action
from voting.org.services import units


def _org(slug: str) -> Organisation:
    """A secretary of the whole organisation or of one of its units (the services keep
    the latter to their units)."""
    return units.managed_organisation(current_user, slug, Action.MANAGE_MEMBERS, for_a_unit=True)


def _choices(org: Organisation) -> dict[str, Any]:
    own = members.manageable_units(current_user, org)
    return {
        "organisation": org,
        "units": org.units if own is None else own,
        "whole_organisation": own is None,
        "statuses": [s.value for s in MemberStatus],
        "explanations": members.status_explanations(),
    }


@bp.get("/<slug>/members")
def members_list(slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    filters = {
        "q": request.args.get("q", ""),
        "unit": request.args.get("unit", ""),
        "status": request.args.get("status", ""),
    }
    found = members.list_members(
        current_user,
        org,
        query=filters["q"],
        unit_id=filters["unit"] or None,
        status=filters["status"] or None,
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "admin/members.html",
        found=found,
        filters=filters,
        due=members.due_to_lapse(org) if can(current_user, Action.MANAGE_MEMBERS, org) else [],
        lapse_months=org.settings.get("lapse_after_months_in_arrears"),
        **_choices(org),
    )


@bp.route("/<slug>/members/new", methods=["GET", "POST"])
def new_member(slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    if request.method == "POST":
        try:
            membership = members.add_member(current_user, org, form_data())
        except ServiceError as error:
            return form_page("admin/member_new.html", error, **_choices(org))
        flash(_("%(name)s was added.", name=membership.person.name), "success")
        return redirect(url_for("admin.members_list", slug=slug), 303)
    return render_template(
        "admin/member_new.html", values={"status": "full"}, errors={}, **_choices(org)
    )


def _saved(membership: Membership) -> dict[str, Any]:
    return {
        "unit_id": membership.unit_id or "",
        "status": membership.status.value,
        "joined_on": membership.joined_on or "",
        "dues_paid_until": membership.dues_paid_until or "",
    }


@bp.route("/<slug>/members/<int:membership_id>", methods=["GET", "POST"])
def member(slug: str, membership_id: int):  # type: ignore[no-untyped-def]
    org = _org(slug)
    membership = members.managed_member(current_user, org, membership_id)
    context = {"membership": membership, **_choices(org)}
    if request.method == "POST":
        try:
            members.update_member(current_user, membership, form_data())
        except ServiceError as error:
            return form_page("admin/member.html", error, **context)
        flash(_("Saved."), "success")
        return redirect(url_for("admin.members_list", slug=slug), 303)
    return render_template("admin/member.html", values=_saved(membership), errors={}, **context)


@bp.post("/<slug>/members/lapse")
def lapse_members(slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    chosen = request.form.getlist("membership_id", type=int)
    count = members.mark_lapsed(current_user, org, chosen or None)
    flash(
        ngettext("%(num)d member marked lapsed.", "%(num)d members marked lapsed.", count),
        "success",
    )
    return redirect(url_for("admin.members_list", slug=slug), 303)
