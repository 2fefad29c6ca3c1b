"""Rate limits on votes: a person (or a script gone wrong) sending votes faster than any
honest phone is slowed down with a clear message. Sign-in has its own limits (web/auth.py).

Checked where a vote enters (the ballot form, the API, the Socket.IO `vote` event), before
it reaches the writer, with the same store as every other limit (memory, or Redis when
`REDIS_URL` is set, so the count holds across workers).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from limits import parse

from voting.extensions import limiter
from voting.models import Person
from voting.services.errors import ServiceError


class TooFast(ServiceError):
    status = 429


def vote_allowed(person: Person | None) -> None:
    """Count one vote attempt of `person`; refuse once over `RATELIMIT_VOTE`."""
    if person is None or not limiter.enabled:
        return
    item = parse(current_app.config["RATELIMIT_VOTE"])
    if not limiter.limiter.hit(item, "vote", str(person.id)):
        raise TooFast(_("Too many votes in a short time. Wait a minute and try again."))
