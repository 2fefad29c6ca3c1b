"""Deliberation and voting for organisations that try consensus first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_login import current_user
from sqlalchemy import bindparam, select
from werkzeug.routing import IntegerConverter, Map

from voting import config as config_module
from voting.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
from voting.models.base import LARGEST_INTEGER

ROOT = Path(__file__).resolve().parent.parent


class BoundedInteger(IntegerConverter):
    """Flask's int converter, bounded by what the database can store."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_INTEGER)
        super().__init__(url_map, *args, **kwargs)


def select_locale() -> str | None:
    """The signed-in person's language, else the browser's best match among ours."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) if request else None


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings from the environment, overridden by `config`."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(config_module.from_environment(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    from voting.services.database import configure_engine

    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS", []),
    )

    from voting import cli, models

    # Built once (every request and every Socket.IO event loads the signed-in person):
    # SQLAlchemy then keeps its cache key instead of working it out each time.
    _PERSON_BY_ID = select(models.Person).where(models.Person.id == bindparam("id"))

    @login_manager.user_loader
    def load_person(session_id: str) -> models.Person | None:
        # "id:epoch": changing the password bumps the epoch and ends other sessions.
        person_id, _sep, epoch = session_id.partition(":")
        if not person_id.isdigit() or not epoch.isdigit():
            return None
        person = db.session.scalar(_PERSON_BY_ID, {"id": int(person_id)})
        if person is None or person.session_epoch != int(epoch):
            return None
        return person

    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself

    # Ids in addresses fit the database's integers; larger ones are simply not found.
    app.url_map.converters["int"] = BoundedInteger
    from voting.web import register_blueprints

    register_blueprints(app)
    from voting.services import deadlines

    deadlines.init_app(app)
    cli.register(app)
    return app
