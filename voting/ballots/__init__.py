"""Polls over any subject: the entitlement snapshot, casting, counting, closing and
annulling, secret ballots and their trackers. The subject's domain says who may vote
(an electorate) and hears what happens to its polls (signals)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Polls close at their deadlines; the API of polls put to a body directly."""
    from voting.ballots import api  # noqa: F401  (operations)
    from voting.ballots.services import polls
    from voting.core import deadlines

    deadlines.register("poll", polls.nearest_deadline, polls.due)
