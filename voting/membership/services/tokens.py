"""Secrets handed out once (API tokens, invitation and reset links): create, hash, look up."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.extensions import db
from voting.membership.models import ApiToken, Person


def new_secret() -> str:
    """A URL-safe secret with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored instead of the secret: its SHA-256 (secrets are random, so no salt)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def person_for_api_token(secret: str) -> Person | None:
    """The active person a bearer token belongs to, or None for an unknown or revoked one."""
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == digest(secret))
    ).first()
    if token is None or token.revoked_at is not None or not token.person.is_active:
        return None
    now = utcnow()
    # Recorded to the minute at most, so a burst of API calls is not a burst of writes.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        with transaction():
            token.last_used_at = now
    return token.person
