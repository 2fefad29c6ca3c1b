"""Importing a membership roll: upload and check, then confirm.

The first step decodes the file and shows what would happen. The text travels to the
second step in a hidden field of a url-encoded form (whose size is bounded by the
request limit, not by the smaller per-field limit of file uploads), and is checked
again there: nothing the browser sends back is trusted.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from voting.core.errors import ServiceError
from voting.core.web import admin as bp
from voting.core.web import errors_of, form_data
from voting.membership.services import roll
from voting.org.models import Organisation
from voting.org.permissions import Action
from voting.org.services.units import managed_organisation


def _page(org: Organisation, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("values", form_data())
    context.setdefault("errors", {})
    page = render_template(
        "admin/import.html",
        organisation=org,
        encodings=roll.ENCODINGS,
        max_rows=roll.MAX_ROWS,
        invitations_url=_invitations_url(org),
        **context,
    )
    return page, status


def _invitations_url(org: Organisation) -> str:
    # The invitations page belongs to the accounts area; link to it once it exists.
    try:
        return url_for("auth.invitations", slug=org.slug)
    except BuildError:  # not built yet: the address is still the right one
        return f"/org/{org.slug}/invitations"


@bp.route("/<slug>/import", methods=["GET", "POST"])
def import_roll(slug: str):  # type: ignore[no-untyped-def]
    org = managed_organisation(current_user, slug, Action.MANAGE_MEMBERS)
    if request.method == "GET":
        return _page(org, values={"encoding": "auto", "existing": "skip"})
    confirming = request.form.get("step") == "confirm"
    try:
        options = roll.RollOptions.from_data(form_data())
        if confirming:
            text = request.form.get("content", "")
        else:
            upload = request.files.get("file")
            text = roll.decode(
                upload.read() if upload else b"", request.form.get("encoding", "auto")
            )
        report = roll.import_roll(current_user, org, text, options, commit=confirming)
    except ServiceError as error:
        return _page(org, error.status, errors=errors_of(error))
    return _page(org, report=report, content=text, options=options)
