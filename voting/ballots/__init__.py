"""Polls over any subject: the entitlement snapshot, casting, counting, closing and
annulling, secret ballots and their trackers. The subject's domain says who may vote
(an electorate) and hears what happens to its polls (signals)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing to plug in yet."""
