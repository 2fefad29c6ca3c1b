"""Admin pages: organisations, units, members, bodies and roles, and roll imports.

Every view asks a service for what it shows or does, and the service checks the
person's right: a view that forgot a check would still be refused.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from voting.extensions import login_manager
from voting.services.errors import NotAllowed, NotFound, ServiceError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def signed_in():  # type: ignore[no-untyped-def]
    if not current_user.is_authenticated:
        if "auth.login" in current_app.view_functions:
            return login_manager.unauthorized()
        abort(403)
    return None


@bp.errorhandler(NotAllowed)
def not_allowed(error: NotAllowed):  # type: ignore[no-untyped-def]
    return render_template("error.html", title=_("Not allowed"), message=error.message), 403


@bp.errorhandler(NotFound)
def not_found(error: NotFound):  # type: ignore[no-untyped-def]
    return render_template("error.html", title=_("Not found"), message=error.message), 404


def form_data(*lists: str) -> dict[str, Any]:
    """The posted form as a dict; the names in `lists` are multi-valued (checkbox groups)."""
    data: dict[str, Any] = {k: v for k, v in request.form.items() if k != "csrf_token"}
    for name in lists:
        data[name] = request.form.getlist(name)
    return data


def errors_of(error: ServiceError) -> dict[str, str]:
    """A refusal as {field: message}; a message about no field goes under "_"."""
    return {error.field or "_": error.message}


def form_page(
    template: str, error: ServiceError, values: dict[str, Any] | None = None, **context: Any
) -> tuple[str, int]:
    """Show the form again with what was typed and the message next to its field."""
    shown = values if values is not None else form_data()
    return render_template(template, errors=errors_of(error), values=shown, **context), (
        error.status
    )


from voting.web.admin import bodies, members, organisation, roles, roll, units  # noqa: E402

__all__ = ["bodies", "bp", "members", "organisation", "roles", "roll", "units"]
