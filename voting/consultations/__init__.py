"""Decisions between meetings: electronic consultations of a body. A proposal or a
question put to the body's members (or its units) with an opening and a closing time, a
discussion thread and consensus answers; where the body's rule says so and no consensus
was reached, a fallback vote of the same roll under the body's threshold."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The consultation pages and API; consultations open and close at their times."""
    from voting.consultations import api, electorate, views  # noqa: F401  (operations; the electorate)
    from voting.consultations.services import consultations, mail
    from voting.core import awaiting, deadlines

    deadlines.register("consultation", consultations.nearest_deadline, consultations.due)
    deadlines.register("consultation_mail", mail.nearest, mail.due)
    mail.register()
    awaiting.register("consultations", consultations.awaiting)
    app.register_blueprint(views.bp)
