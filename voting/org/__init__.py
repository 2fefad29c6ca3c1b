"""Organisations, their bodies with their rules (from the constitution presets), units and
their recorded attendance."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The home and organisation pages, the admin pages of organisations, bodies and units,
    and their API."""
    from voting.org import api  # noqa: F401  (operations)
    from voting.org.views import bodies, main, organisation, units  # noqa: F401  (admin pages)

    app.register_blueprint(main.bp)
