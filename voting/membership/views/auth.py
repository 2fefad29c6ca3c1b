"""Sign-in, sign-out, password reset, the account page, invitations and API tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from voting.core import live
from voting.core.api import SCOPES, scope_descriptions
from voting.core.errors import Invalid, ServiceError
from voting.core.extensions import limiter
from voting.core.permissions import can
from voting.core.throttle import client_address
from voting.membership.models import Person
from voting.membership.services import accounts, notifications
from voting.membership.services.passwords import MIN_LENGTH
from voting.org.models import Organisation
from voting.org.permissions import Action
from voting.org.services.organisations import by_slug

bp = Blueprint("auth", __name__)

# Pages whose address carries a secret, or that show one: never cached, never referred.
SECRET_PAGES = {"auth.reset", "auth.join", "auth.tokens", "auth.invitation_sheet"}


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def address_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ADDRESS"]


def email_key() -> str:
    """Rate-limit key for one account tried from one address.

    Not the account alone: then anyone could lock its owner out by failing ten times in
    their name. Guessing from many addresses meets each address's own limit instead.
    """
    email = accounts.normalise_email(request.form.get("email", ""))
    return f"email:{email} from:{client_address()}"


def failed(response: Response) -> bool:
    """Only refused attempts count against the limit; signing in successfully is free."""
    return response.status_code >= 400


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: no open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return None
    return target


def me() -> Person:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def errors_of(error: ServiceError) -> dict[str, str]:
    return {error.field or "form": error.message}


def begin_session(person: Person, remember: bool = False) -> None:
    """Sign `person` in in this browser: a new sign-in, which signing out ends."""
    accounts.start_session(person)
    login_user(person, remember=remember)


def link_problem(error: ServiceError, *, again_url: str, again_label: str) -> tuple[str, int]:
    """A page that says what is wrong with a mailed link and what to do instead."""
    page = render_template(
        "auth/link_problem.html",
        message=error.message,
        again_url=again_url,
        again_label=again_label,
    )
    return page, error.status


@bp.context_processor
def form_settings() -> dict[str, object]:
    return {"password_min_length": MIN_LENGTH}


@bp.after_request
def protect_secrets(response: Response) -> Response:
    if request.endpoint in SECRET_PAGES:
        # Never the address (it holds the secret), only the origin: over HTTPS the CSRF
        # check needs a Referer of this site on the page's own form.
        response.headers["Referrer-Policy"] = "strict-origin"
        response.headers["Cache-Control"] = "no-store"
    return response


# --- Signing in and out ---


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"], deduct_when=failed)
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed, key_func=email_key)
def login():  # type: ignore[no-untyped-def]
    next_url = safe_next(request.values.get("next"))
    form = {"email": request.form.get("email", ""), "remember": bool(request.form.get("remember"))}
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    if request.method == "POST":
        try:
            person = accounts.sign_in(form["email"], request.form.get("password", ""))
        except ServiceError as error:
            page = render_template(
                "auth/login.html", form=form, errors=errors_of(error), next_url=next_url
            )
            return page, error.status
        begin_session(person, remember=form["remember"])
        return redirect(next_url or url_for("main.home"), 303)
    return render_template("auth/login.html", form=form, errors={}, next_url=next_url)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        session_id = me().session_id()
        accounts.sign_out(session_id)  # a copy of the cookie stops working too
        live.end_sign_in(session_id)  # and its open connections close
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"), 303)


# --- Password reset ---


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=email_key)
def forgot():  # type: ignore[no-untyped-def]
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            accounts.request_password_reset(email)
        except Invalid as error:
            page = render_template("auth/forgot.html", email=email, errors=errors_of(error))
            return page, error.status
        return render_template("auth/forgot_sent.html", email=email.strip())
    return render_template("auth/forgot.html", email=email, errors={})


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def reset(token: str):  # type: ignore[no-untyped-def]
    again = {"again_url": url_for("auth.forgot"), "again_label": _("Ask for a new link")}
    try:
        person = accounts.password_reset_for(token).person
        if request.method == "POST":
            person = accounts.reset_password(
                token, request.form.get("password", ""), request.form.get("confirmation", "")
            )
            live.end_sign_ins(person.id)  # phones signed in with the old password
            begin_session(person)
            flash(_("Your new password is saved. You are signed in."), "success")
            return redirect(url_for("main.home"), 303)
    except Invalid as error:
        page = render_template("auth/reset.html", person=person, errors=errors_of(error))
        return page, error.status
    except ServiceError as error:
        return link_problem(error, **again)
    return render_template("auth/reset.html", person=person, errors={})


# --- The account page ---


def account_page(
    errors: dict[str, str] | None = None, status: int = 200, **form: str
) -> tuple[str, int]:
    values = {"name": me().name, "locale": me().locale or "", **form}
    page = render_template(
        "auth/account.html",
        form=values,
        errors=errors or {},
        languages=current_app.config["LANGUAGES"],
        mail_choices=notifications.preferences(me()),
    )
    return page, status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        form = {"name": request.form.get("name", ""), "locale": request.form.get("locale", "")}
        try:
            accounts.update_account(me(), name=form["name"], locale=form["locale"] or None)
        except Invalid as error:
            return account_page(errors_of(error), error.status, **form)
        flash(_("Your account is saved."), "success")
        return redirect(url_for("auth.account"), 303)
    return account_page()


@bp.post("/language")
def language():  # type: ignore[no-untyped-def]
    """The language switch at the foot of every page: remembered by this browser, and
    by the account of whoever is signed in (so their mail and pushes follow)."""
    locale = request.form.get("locale", "")
    back_to = safe_next(request.form.get("next")) or url_for("main.home")
    if locale not in current_app.config["LANGUAGES"]:
        flash(_("Choose one of the offered languages."), "error")
        return redirect(back_to, 303)
    if current_user.is_authenticated:
        accounts.choose_language(me(), locale)
    session["locale"] = locale
    return redirect(back_to, 303)


@bp.post("/account/password")
@login_required
def change_password():  # type: ignore[no-untyped-def]
    try:
        accounts.change_password(
            me(),
            request.form.get("current_password", ""),
            request.form.get("password", ""),
            request.form.get("confirmation", ""),
            keep_session=me().session_id(),
        )
    except Invalid as error:
        return account_page(errors_of(error), error.status)
    live.end_sign_ins(me().id, keep_session=me().session_id())
    flash(_("Your new password is saved. Your other sessions are signed out."), "success")
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/notifications")
@login_required
def notification_choices():  # type: ignore[no-untyped-def]
    """The kinds of mail one receives: each kind offered is on if its box was ticked."""
    ticked = set(request.form.getlist("kind"))
    try:
        notifications.set_preferences(
            me(), {c.name: c.name in ticked for c in notifications.preferences(me())}
        )
    except Invalid as error:
        return account_page(errors_of(error), error.status)
    flash(_("Your choice of mail is saved."), "success")
    return redirect(url_for("auth.account"), 303)


# --- API tokens ---


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():  # type: ignore[no-untyped-def]
    created: tuple[object, str] | None = None
    errors: dict[str, str] = {}
    status = 200
    name = request.form.get("name", "")
    scopes = request.form.getlist("scope") if request.method == "POST" else ["read"]
    days = request.form.get("days", str(current_app.config["API_TOKEN_DAYS"]))
    if request.method == "POST":
        try:
            created = accounts.create_api_token(me(), name, scopes=scopes, days=days)
            name = ""
        except Invalid as error:
            errors, status = errors_of(error), error.status
    page = render_template(
        "auth/tokens.html",
        tokens=accounts.api_tokens(me()),
        created=created,
        name=name,
        scopes=scopes,
        days=days,
        scope_choices=[(scope, scope_descriptions()[scope]) for scope in SCOPES],
        day_choices=sorted(
            choice
            for choice in {7, 30, 90, 365, current_app.config["API_TOKEN_DAYS"]}
            if choice <= current_app.config["API_TOKEN_MAX_DAYS"]
        ),
        errors=errors,
    )
    return page, status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):  # type: ignore[no-untyped-def]
    token = accounts.revoke_api_token(me(), token_id)
    flash(_("The token “%(name)s” no longer works.", name=token.name), "success")
    return redirect(url_for("auth.tokens"), 303)


# --- Invitations ---


def managed_organisation(slug: str) -> Organisation:
    """The organisation whose members the signed-in person manages; 404 or 403 otherwise."""
    organisation = by_slug(slug)
    if organisation is None:
        abort(404)
    if not can(current_user, Action.MANAGE_MEMBERS, organisation):
        abort(403)
    return organisation


def invitations_page(
    organisation: Organisation,
    chosen: set[str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    members = accounts.member_invitations(me(), organisation)
    if request.args.get("choose") == "waiting":
        chosen = {
            str(m.membership.id) for m in members if m.state is not accounts.InvitationState.JOINED
        }
    page = render_template(
        "auth/invitations.html",
        organisation=organisation,
        members=members,
        chosen=chosen,
        errors=errors or {},
        states=accounts.InvitationState,
    )
    return page, status


@bp.route("/org/<slug>/invitations", methods=["GET", "POST"])
@login_required
def invitations(slug: str):  # type: ignore[no-untyped-def]
    organisation = managed_organisation(slug)
    chosen = request.form.getlist("membership_id")
    if request.method == "POST":
        try:
            outcome = accounts.send_invitations(me(), organisation, chosen)
        except Invalid as error:
            return invitations_page(organisation, set(chosen), errors_of(error), error.status)
        if outcome.sent:
            count = len(outcome.sent)
            flash(
                ngettext(
                    "A join link was sent to %(num)d member.",
                    "Join links were sent to %(num)d members.",
                    count,
                ),
                "success",
            )
        if outcome.failed:
            flash(
                _(
                    "The mail to %(names)s could not be sent. Their new links are saved: "
                    "try again later, or print the QR sheet.",
                    names=", ".join(outcome.failed),
                ),
                "error",
            )
        return redirect(url_for("auth.invitations", slug=slug), 303)
    return invitations_page(organisation, set())


@bp.post("/org/<slug>/invitations/sheet")
@login_required
def invitation_sheet(slug: str):  # type: ignore[no-untyped-def]
    organisation = managed_organisation(slug)
    chosen = request.form.getlist("membership_id")
    try:
        links = accounts.join_links(me(), organisation, chosen)
    except Invalid as error:
        return invitations_page(organisation, set(chosen), errors_of(error), error.status)
    sheet = [
        (
            link,
            Markup(
                segno.make(link.url, error="m").svg_inline(
                    scale=4,
                    omitsize=True,
                    title=_("Join link for %(name)s", name=link.membership.person.name),
                )
            ),
        )
        for link in links
    ]
    return render_template("auth/invitation_sheet.html", organisation=organisation, sheet=sheet)


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def join(token: str):  # type: ignore[no-untyped-def]
    again = {"again_url": url_for("auth.login"), "again_label": _("Go to the sign-in page")}
    try:
        invitation = accounts.invitation_for(token)
        if request.method == "POST":
            invitation = accounts.accept_invitation(
                token, request.form.get("password", ""), request.form.get("confirmation", "")
            )
            begin_session(invitation.membership.person)
            organisation = invitation.membership.organisation
            flash(_("Welcome to %(organisation)s.", organisation=organisation.name), "success")
            return redirect(url_for("main.organisation", slug=organisation.slug), 303)
    except Invalid as error:
        page = render_template("auth/join.html", invitation=invitation, errors=errors_of(error))
        return page, error.status
    except ServiceError as error:
        return link_problem(error, **again)
    return render_template("auth/join.html", invitation=invitation, errors={})
