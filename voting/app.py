"""The application: settings, then each domain plugged in by its own `init_app`, lowest
first. The one module (with the CLI) that knows every domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from voting import (
    ballots,
    cli,
    consultations,
    core,
    elections,
    meetings,
    membership,
    org,
    record,
)
from voting.core import config as config_module
from voting.core.web import register_shared

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = (core, org, membership, ballots, meetings, consultations, elections, record)


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
    for domain in DOMAINS:
        domain.init_app(app)
    register_shared(app)
    cli.register(app)
    if proxies := app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the trusted proxies saw them (rate limits,
        # the audit trail); without trusted proxies X-Forwarded-* headers are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    return app
