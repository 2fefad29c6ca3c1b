"""Live meetings: check-in, the agenda, motions and amendments, tests for agreement, the
speakers' queue, the hand-over to a vote, voting cards, mandates and proxies, and the
screens (phone, chair console, projector, observer) kept live over Socket.IO."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """The meeting and poll pages, their API and their Socket.IO events."""
    from voting.core import deadlines, live, notify
    from voting.meetings import electorate, receivers, screens  # noqa: F401  (the "meeting" electorate)
    from voting.meetings.api import meetings, polls, requisitions  # noqa: F401  (operations)
    from voting.meetings.services import consensus
    from voting.meetings.views import calendar as calendar_views
    from voting.meetings.views import meetings as meeting_views
    from voting.meetings.views import polls as poll_views
    from voting.meetings.views import precast as precast_views
    from voting.meetings.views import requisitions as requisition_views

    deadlines.register("consensus_test", consensus.nearest_deadline, consensus.due)
    live.register(screens.CHANNEL, screens.render)
    notify.register_kind("meeting_called", _l("A meeting of a body you belong to is called"))
    notify.register_kind(
        "requisition", _l("A requisition for a meeting reaches its threshold (secretaries)")
    )
    from voting.core import awaiting, pinned
    from voting.meetings.services import awaiting as awaiting_meetings

    awaiting.register("meetings", awaiting_meetings.awaiting)
    awaiting.register("requisitions", awaiting_meetings.requisitions_awaiting)
    pinned.register("emergency_decisions", awaiting_meetings.pinned_decisions)
    receivers.connect()
    app.register_blueprint(meeting_views.bp)
    app.register_blueprint(poll_views.bp)
    app.register_blueprint(precast_views.bp)
    app.register_blueprint(requisition_views.bp)
    app.register_blueprint(calendar_views.bp)
