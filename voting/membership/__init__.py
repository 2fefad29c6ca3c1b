"""People, their accounts, memberships of organisations and roles with their terms; the
roll import; sign-in, join links, password resets and API tokens."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import bindparam, select

from voting.core.api import authenticate_with
from voting.core.extensions import db, login_manager
from voting.membership.models import Person

# Built once (every request and every Socket.IO event loads the signed-in person):
# SQLAlchemy then keeps its cache key instead of working it out each time.
_PERSON_BY_ID = select(Person).where(Person.id == bindparam("id"))


def load_person(session_id: str) -> Person | None:
    """The person of a session: "id:epoch" (changing the password bumps the epoch and so
    ends other sessions)."""
    person_id, _sep, epoch = session_id.partition(":")
    if not person_id.isdigit() or not epoch.isdigit():
        return None
    person = db.session.scalar(_PERSON_BY_ID, {"id": int(person_id)})
    if person is None or person.session_epoch != int(epoch):
        return None
    return person


def init_app(app: Flask) -> None:
    """Sign-in, the account pages, the members' admin pages and their API."""
    from voting.membership import receivers
    from voting.membership.api import account, admin  # noqa: F401  (operations)
    from voting.membership.services.tokens import person_for_api_token
    from voting.membership.views import auth, members, roles, roll  # noqa: F401  (admin pages)

    receivers.connect()
    login_manager.user_loader(load_person)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    authenticate_with(person_for_api_token)
    app.register_blueprint(auth.bp)
