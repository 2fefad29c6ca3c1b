"""What every page shares: the signed-in person, error pages, the admin area and its form
helpers. Views are thin: they parse input, call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
)
from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from voting.core.config import LANGUAGE_NAMES
from voting.core.errors import NotAllowed, NotFound, ServiceError
from voting.core.extensions import login_manager

# The admin area: several domains add their pages to it; the app registers it once all
# of them have (see `register_shared`).
admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.before_request
def signed_in():  # type: ignore[no-untyped-def]
    if not current_user.is_authenticated:
        if "auth.login" in current_app.view_functions:
            return login_manager.unauthorized()
        abort(403)
    return None


@admin.errorhandler(NotAllowed)
def not_allowed(error: NotAllowed):  # type: ignore[no-untyped-def]
    return render_template("error.html", title=_("Not allowed"), message=error.message), 403


@admin.errorhandler(NotFound)
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


def act_on(
    record: Any,
    action: Callable[[Any, Any], Any],
    page: Callable[..., Any],
    done: str,
    back: str,
) -> Any:
    """Run one of a record's page forms through its service (`action(record, form)`): done,
    back to `back` with `done` said; refused, the page again (`page(record, status,
    errors=…, values=…)`) with what was typed and the message beside its field."""
    try:
        action(record, request.form)
    except ServiceError as error:
        return page(record, error.status, errors=errors_of(error), values=form_data())
    flash(done, "success")
    return redirect(back, 303)


HTTP_MESSAGES = {
    403: _l("You do not have the right to see this page."),
    404: _l("This page does not exist."),
    405: _l("This address does not accept that request."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Wait a minute and try again."),
}


def me() -> Any:
    """The signed-in person, or None: what the views hand to services as the actor."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def wants_json() -> bool:
    return request.path.startswith("/api/")


def content_security_policy(frame_ancestors: str) -> str:
    """What a page may load: its own scripts, styles and sockets only; no inline script or
    style, no eval, no plugin; forms post to this site; framed only by `frame_ancestors`."""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


def embeddable(view: Callable[..., Any]) -> Callable[..., Any]:
    """A display page (the projector) that DISPLAY_FRAME_ANCESTORS may show in a frame."""

    @wraps(view)
    def marked(*args: Any, **kwargs: Any) -> Any:
        g.embeddable = True
        return view(*args, **kwargs)

    return marked


def protect(response: Response) -> Response:
    """Headers every answer carries; a page that set its own keeps them."""
    key = "DISPLAY_FRAME_ANCESTORS" if g.get("embeddable") else "FRAME_ANCESTORS"
    ancestors = current_app.config[key]
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(ancestors))
    if ancestors.strip() == "'none'":
        headers.setdefault("X-Frame-Options", "DENY")  # browsers without frame-ancestors
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def register_shared(app: Flask) -> None:
    """Register the areas several domains add to (admin pages, the API), once they have."""
    from voting.core.api import bp as api

    app.register_blueprint(admin)
    app.register_blueprint(api)


def local_time(value: datetime) -> Markup:
    """A moment as the reader's language writes it, in UTC; the page's script
    (static/js/local-times.js) then shows it in the reader's own time zone."""
    when = value if value.tzinfo else value.replace(tzinfo=UTC)
    moment = f"{format_date(when, 'medium')}, {format_time(when, 'short')}"
    written = _("%(when)s UTC", when=moment)
    return Markup('<time datetime="{}" data-local>{}</time>').format(when.isoformat(), written)


def init_app(app: Flask) -> None:
    """Error pages, security headers and template helpers for every page."""
    app.after_request(protect)
    app.add_template_global(local_time)

    @app.context_processor
    def template_helpers() -> dict[str, object]:
        return {
            "current_locale": lambda: str(get_locale() or "en"),
            "language_names": LANGUAGE_NAMES,
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
