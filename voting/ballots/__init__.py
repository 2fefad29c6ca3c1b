"""Polls over any subject: the entitlement snapshot, casting, counting, closing and
annulling, secret ballots and their trackers. The subject's domain says who may vote
(an electorate) and hears what happens to its polls (signals)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Polls close at their deadlines; the API of polls put to a body directly."""
    from voting.ballots import api  # noqa: F401  (operations)
    from voting.ballots.services import polls
    from voting.core import deadlines, notify

    deadlines.register("poll", polls.nearest_deadline, polls.due)
    notify.register_kind("result", _l("A decision is recorded: the result of a vote"))
