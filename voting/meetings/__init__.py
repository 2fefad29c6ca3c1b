"""Live meetings: check-in, the agenda, motions and amendments, tests for agreement, the
speakers' queue, the hand-over to a vote, voting cards, mandates and proxies, and the
screens (phone, chair console, projector, observer) kept live over Socket.IO."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The meeting and poll pages, their API and their Socket.IO events."""
    from voting.meetings.api import meetings, polls  # noqa: F401  (operations)
    from voting.meetings.views import meetings as meeting_views
    from voting.meetings.views import polls as poll_views

    app.register_blueprint(meeting_views.bp)
    app.register_blueprint(poll_views.bp)
