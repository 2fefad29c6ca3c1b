"""People, their accounts, memberships of organisations and roles with their terms; the
roll import; sign-in, join links, password resets and API tokens."""

from __future__ import annotations

from flask import Flask

from voting.core import notify
from voting.core.api import authenticate_with
from voting.core.extensions import login_manager


def init_app(app: Flask) -> None:
    """Sign-in, the account pages, the members' admin pages and their API."""
    from voting.membership import receivers
    from voting.membership.api import account, admin, notifications  # noqa: F401  (operations)
    from voting.membership.services import notifications as mail_choices
    from voting.membership.services.tokens import api_token_for, person_for_session
    from voting.membership.views import auth, members, roles, roll  # noqa: F401  (admin pages)

    receivers.connect()
    # A session holds "person id:secret" of one sign-in (a row in sign_in): signing out
    # ends that row, a new password ends them all.
    login_manager.id_attribute = "session_id"
    login_manager.user_loader(person_for_session)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    authenticate_with(api_token_for)
    notify.preferences_from(mail_choices.wants)  # each person's choice of mail
    if app.config["PUBLIC_URL"].startswith("https://"):
        # Served over HTTPS: no cookie of a signed-in person ever travels in clear.
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    app.register_blueprint(auth.bp)
