"""Rate limits on votes: a person (or a script gone wrong) sending votes faster than any
honest phone is slowed down with a clear message. Sign-in has its own limits
(membership/views/auth.py), counted per client address (`client_address`), and so have
forms that take a one-time code without a sign-in (a ballot paper's): `code_allowed`
before, `code_failed` after a wrong one.

Checked where a vote enters (the ballot form, the API, the Socket.IO `vote` event), before
it reaches the writer. With Redis (`REDIS_URL`) the count is kept there, shared by every
worker. On one process it is a plain counter per person and minute: the limits library's
in-memory store expires its keys with a timer, which, with thousands of phones voting at
once, cost more than the votes themselves (measured in docs/performance.md).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from limits import parse

from voting.core.errors import ServiceError
from voting.core.extensions import limiter


class TooFast(ServiceError):
    status = 429


def client_address() -> str | None:
    """The address of the client of this request; None outside a request.

    Behind reverse proxies it is the address the nearest trusted one saw (the app wraps
    itself in ProxyFix for `TRUSTED_PROXIES`); with none trusted, a forged
    X-Forwarded-For changes nothing.
    """
    return request.remote_addr if has_request_context() else None


class _Window:
    """Counts per key within the current fixed window; older windows are dropped whole."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = 0
        self.counts: dict[str, int] = {}

    def hit(self, key: str, limit: int, seconds: int) -> bool:
        now = int(time.time()) // seconds
        with self.lock:
            if now != self.started:
                self.started, self.counts = now, {}
            self.counts[key] = count = self.counts.get(key, 0) + 1
        return count <= limit

    def over(self, key: str, limit: int, seconds: int) -> bool:
        """Whether `key` has used up its `limit` in the current window (counting nothing)."""
        with self.lock:
            return self.started == int(time.time()) // seconds and self.counts.get(key, 0) >= limit


def vote_allowed(person: Any) -> None:
    """Count one vote attempt of `person`; refuse once over `RATELIMIT_VOTE`."""
    vote_allowed_for(person.id if person is not None else None)


def vote_allowed_for(person_id: Any) -> None:
    """`vote_allowed` by the person's id (None: nobody signed in, nothing counted)."""
    if person_id is None or not limiter.enabled:
        return
    item = parse(current_app.config["RATELIMIT_VOTE"])
    if current_app.config.get("REDIS_URL"):
        allowed = limiter.limiter.hit(item, "vote", str(person_id))
    else:
        window = current_app.extensions.setdefault("voting.vote_window", _Window())
        allowed = window.hit(str(person_id), item.amount, item.get_expiry())
    if not allowed:
        raise TooFast(_("Too many votes in a short time. Wait a minute and try again."))


def _code_key() -> str:
    return f"code:{client_address() or '-'}"


def code_allowed() -> None:
    """Refuse a one-time code from this client address once `RATELIMIT_CODE` wrong ones
    came from it in the current window (right ones are not counted: a secretary returning
    a unit's three papers from one office is not slowed down)."""
    if not limiter.enabled:
        return
    item = parse(current_app.config["RATELIMIT_CODE"])
    if current_app.config.get("REDIS_URL"):
        over = not limiter.limiter.test(item, _code_key())
    else:
        window = current_app.extensions.setdefault("voting.code_window", _Window())
        over = window.over(_code_key(), item.amount, item.get_expiry())
    if over:
        raise TooFast(
            _("Too many wrong codes from here in a short time. Wait a minute and try again.")
        )


def code_failed() -> None:
    """Count one wrong code from this client address."""
    if not limiter.enabled:
        return
    item = parse(current_app.config["RATELIMIT_CODE"])
    if current_app.config.get("REDIS_URL"):
        limiter.limiter.hit(item, _code_key())
    else:
        window = current_app.extensions.setdefault("voting.code_window", _Window())
        window.hit(_code_key(), item.amount, item.get_expiry())
