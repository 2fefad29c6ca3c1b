"""Blueprints for the pages. Views are thin: they parse input, call a service, render."""

from __future__ import annotations

import importlib

from flask import Flask, flash, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from voting.models import Person
from voting.services.errors import ServiceError

# Areas of the site, each a module with a blueprint `bp`.
BLUEPRINTS = (
    "voting.web.main",
    "voting.web.auth",
    "voting.web.admin",
    "voting.api",
    "voting.web.meetings",
    "voting.web.polls",
)

HTTP_MESSAGES = {
    403: _l("You do not have the right to see this page."),
    404: _l("This page does not exist."),
    405: _l("This address does not accept that request."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Wait a minute and try again."),
}


def me() -> Person | None:
    """The signed-in person, or None: what the views hand to services as the actor."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def wants_json() -> bool:
    return request.path.startswith("/api/")


def register_blueprints(app: Flask) -> None:
    for module in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(module).bp)

    @app.context_processor
    def template_helpers() -> dict[str, object]:
        return {
            "current_locale": lambda: str(get_locale() or "en"),
        }

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):  # type: ignore[no-untyped-def]
        message = _(
            "The form expired or was sent twice. Nothing was saved: "
            "reload the page and send it again."
        )
        if wants_json():
            return {"error": {"message": message}}, 400
        return render_template("error.html", title=_("The form expired"), message=message), 400

    @app.errorhandler(ServiceError)
    def refused(error: ServiceError):  # type: ignore[no-untyped-def]
        if wants_json():
            return {"error": {"message": error.message, "field": error.field}}, error.status
        flash(error.message, "error")
        return redirect(request.referrer or "/"), 303

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        message = str(HTTP_MESSAGES.get(code, error.description or ""))
        if wants_json():
            return {"error": {"message": message}}, code
        return render_template("error.html", title=message, message=""), code
