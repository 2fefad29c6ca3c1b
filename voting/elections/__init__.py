"""Elections: positions a body elects, nominations with the candidates' consent, ballots
held at a meeting or between meetings (ranked and counted by STV with minimums, by
approval, or a yes/no ratification when uncontested), the elected taking office for
their term, and recalls by the body the constitution names, opening a by-election."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The election pages and API; elections count when their ballots close."""
    from flask_babel import lazy_gettext as _l

    from voting.core import awaiting, notify
    from voting.elections import api, queries, receivers, views  # noqa: F401  (operations)

    receivers.connect()
    awaiting.register("elections", queries.awaiting)
    notify.register_kind("nominated", _l("You are nominated in an election"))
    app.register_blueprint(views.bp)
