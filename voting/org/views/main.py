"""The front pages: the home page and an organisation's page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from voting.core import awaiting, pinned
from voting.core.extensions import db
from voting.core.permissions import can
from voting.org.models import Organisation
from voting.org.permissions import Action
from voting.org.services.organisations import by_slug

bp = Blueprint("main", __name__)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    organisations: list[Organisation] = []
    if current_user.is_authenticated:
        if current_user.is_operator:
            organisations = list(
                db.session.scalars(select(Organisation).order_by(Organisation.name))
            )
        else:
            organisations = sorted(
                {m.organisation for m in current_user.memberships}
                | {r.organisation for r in current_user.roles},
                key=lambda o: o.name,
            )
    waiting = awaiting.for_person(current_user) if current_user.is_authenticated else []
    return render_template(
        "home.html",
        organisations=organisations,
        awaiting=waiting,
        can_create=can(current_user, Action.CREATE_ORGANISATION),
    )


@bp.get("/organisations/new")
def new_organisation():  # type: ignore[no-untyped-def]
    """Where people look for it first; the form itself is the admin's."""
    return redirect(url_for("admin.new_organisation"), 302)


@bp.get("/org/<slug>/")
def organisation(slug: str):  # type: ignore[no-untyped-def]
    org = by_slug(slug)
    if org is None:
        abort(404)
    return render_template(
        "organisation.html",
        organisation=org,
        pinned=pinned.for_organisation(org, current_user),
        can_manage=can(current_user, Action.MANAGE_ORGANISATION, org),
        can_manage_members=can(current_user, Action.MANAGE_MEMBERS, org),
    )


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    db.session.execute(select(1))
    return {"status": "ok"}
