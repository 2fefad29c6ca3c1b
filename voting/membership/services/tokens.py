"""Secrets handed out once (API tokens, sign-ins, invitation and reset links): create,
hash, look up."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select

from voting.core.api import Unauthenticated
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.extensions import db
from voting.membership.models import ApiToken, Person, SignIn


def _signed_in(*columns: Any) -> Select[Any]:
    """`columns` of the person of a sign-in that has not ended or expired (by its key's
    digest, the person's id and the time, as bound parameters)."""
    return (
        select(*columns)
        .join(SignIn, SignIn.person_id == Person.id)
        .where(
            SignIn.key_hash == bindparam("key_hash"),
            SignIn.person_id == bindparam("person_id"),
            SignIn.ended_at.is_(None),
            SignIn.expires_at > bindparam("now"),
        )
    )


# Built once (every request and every Socket.IO event loads the signed-in person):
# SQLAlchemy then keeps its cache key instead of working it out each time.
_SIGNED_IN = _signed_in(Person)
# The same check without loading the person: their id and language only.
_SIGNED_IN_ID = _signed_in(Person.id, Person.locale)


def new_secret() -> str:
    """A URL-safe secret with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored instead of the secret: its SHA-256 (secrets are random, so no salt)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def split_session_id(session_id: str) -> tuple[int, str] | None:
    """A session's "person id:secret" as its parts, or None if it is not of that shape."""
    person_id, _sep, secret = session_id.partition(":")
    if not person_id.isdigit() or not secret:
        return None
    return int(person_id), secret


def person_for_session(session_id: str) -> Person | None:
    """The person of a sign-in that has not ended or expired, or None.

    The person object remembers the sign-in it was loaded for (`Person.session_id`).
    """
    parts = split_session_id(session_id)
    if parts is None:
        return None
    person_id, secret = parts
    person = db.session.scalar(
        _SIGNED_IN, {"key_hash": digest(secret), "person_id": person_id, "now": utcnow()}
    )
    if person is not None:
        person.signed_in_as = session_id  # type: ignore[attr-defined]
    return person


def signed_in_id(session_id: str) -> tuple[int, str | None] | None:
    """The id and language of the person of a sign-in that has not ended or expired, or
    None: `person_for_session`'s check at a fraction of its cost, for the actions phones
    send in a burst (the writer loads the person once for many actions)."""
    parts = split_session_id(session_id)
    if parts is None:
        return None
    person_id, secret = parts
    # On the session's connection: columns need none of the ORM's machinery.
    row = (
        db.session.connection()
        .execute(
            _SIGNED_IN_ID, {"key_hash": digest(secret), "person_id": person_id, "now": utcnow()}
        )
        .first()
    )
    return (row[0], row[1]) if row is not None else None


def api_token_for(secret: str) -> ApiToken | None:
    """The token a bearer secret stands for, if it still works: not revoked, not expired
    (refused with a message saying so), and of an active person."""
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == digest(secret))
    ).first()
    if token is None or token.revoked_at is not None or not token.person.is_active:
        return None
    now = utcnow()
    if token.expires_at <= now:
        raise Unauthenticated(
            _("This API token has expired. Create a new one on your account page.")
        )
    # Recorded to the minute at most, so a burst of API calls is not a burst of writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        with transaction():
            token.last_used_at = now
    return token
