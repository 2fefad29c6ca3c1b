"""What every domain stands on: the database and its transactions, after-commit hooks,
errors, the audit chain, the batch writer, mail and notifications, reminders sent once,
throttling, the live push machinery, deadlines, the API's `@operation`, permission
checking and the pages' shared parts.

Nothing here knows an organisation, a person, a poll or a meeting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, session
from flask_login import current_user
from werkzeug.routing import IntegerConverter, Map

from voting.core import live
from voting.core.columns import LARGEST_INTEGER
from voting.core.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio


class BoundedInteger(IntegerConverter):
    """Flask's int converter, bounded by what the database can store."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_INTEGER)
        super().__init__(url_map, *args, **kwargs)


def select_locale() -> str | None:
    """The signed-in person's language, else the one chosen on this browser (the language
    switch at the foot of every page), else the browser's best match among ours."""
    if current_user and current_user.is_authenticated and current_user.locale:
        return locale_for(current_user.locale)
    return locale_for(session.get("locale") if request else None)


def locale_for(chosen: str | None) -> str | None:
    """A person's chosen language if it is one of ours, else the browser's best match
    (None: no match, the default language)."""
    languages = current_app.config["LANGUAGES"]
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) if request else None


def init_app(app: Flask) -> None:
    """Set up the extensions, error pages and the deadline watcher on `app`."""
    db.init_app(app)
    from voting.core.database import configure_engine

    with app.app_context():
        configure_engine(db.engine, synchronous=app.config["SQLITE_SYNCHRONOUS"])
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.session_interface = live.SessionInterface()
    login_manager.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        # Browsers' Origin checked at connection against PUBLIC_URL (see core.live).
        cors_allowed_origins=live.origin_check(app),
        max_http_buffer_size=app.config["SOCKETIO_MAX_EVENT_BYTES"],
        # Each connection's events run in turn, in the greenlet that reads them: a client
        # sending faster than it is served is held back by its own connection (and cut
        # off by its budget) instead of queueing work ahead of every other screen.
        async_handlers=False,
    )

    # Ids in addresses fit the database's integers; larger ones are simply not found.
    app.url_map.converters["int"] = BoundedInteger
    from voting.core import deadlines, reminders, web  # noqa: F401  (reminders: its table)

    web.init_app(app)
    deadlines.init_app(app)
