"""The record: what a meeting leaves behind. Exports of a meeting's results and
attendance as spreadsheet-safe CSV; the domain listens to what the others announce and
sits above them (it may read meetings, consultations and elections alike)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The record's downloads."""
    from voting.record import api, api_minutes, editing, models, receivers, views  # noqa: F401

    receivers.connect()
    from flask_babel import lazy_gettext as _l

    from voting.core import notify

    notify.register_kind(
        "unit_report", _l("The report to your unit after a meeting its delegates voted at")
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(editing.bp)

    from voting.record import policies_views  # the policy register: pages, API, home page

    policies_views.init_app(app)
