"""Settings from the environment. The defaults serve one machine: SQLite, one process."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

LANGUAGES = ("en", "fr", "de", "es")


def _secret_key(instance: Path) -> str:
    """A stable secret for sessions: from SECRET_KEY, else one generated once per instance."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance: Path) -> dict[str, object]:
    """Build the Flask config mapping; every key can be overridden by create_app(config=...)."""
    env = os.environ.get
    database = env("DATABASE_URL", f"sqlite:///{instance / 'voting.sqlite3'}")
    if database.startswith("postgres://"):  # the scheme some hosts still hand out
        database = "postgresql://" + database.removeprefix("postgres://")
    redis = env("REDIS_URL") or None
    public_url = env("PUBLIC_URL", "http://127.0.0.1:5000")
    # Cookies of signed-in people only over HTTPS when the site is served over HTTPS.
    secure = env("SESSION_COOKIE_SECURE", "0") == "1" or public_url.startswith("https://")
    session_days = int(env("SESSION_DAYS", "30"))
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis,
        "SOCKETIO_ASYNC_MODE": env("SOCKETIO_ASYNC_MODE", "gevent"),
        "PUBLIC_URL": public_url,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed.
        "TRUSTED_PROXIES": int(env("TRUSTED_PROXIES", "0")),
        "SMTP_HOST": env("SMTP_HOST") or None,
        "SMTP_PORT": int(env("SMTP_PORT", "25")),
        "SMTP_USER": env("SMTP_USER") or None,
        "SMTP_PASSWORD": env("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": env("SMTP_STARTTLS", "0") == "1",
        "MAIL_FROM": env("MAIL_FROM", "voting@localhost"),
        "RATELIMIT_STORAGE_URI": redis or "memory://",
        "RATELIMIT_LOGIN": env("RATELIMIT_LOGIN", "10 per minute"),
        # Failed sign-ins from one address, whatever the accounts (a hall's wifi is one).
        "RATELIMIT_LOGIN_ADDRESS": env("RATELIMIT_LOGIN_ADDRESS", "100 per minute"),
        "RATELIMIT_VOTE": env("RATELIMIT_VOTE", "30 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "INVITATION_DAYS": int(env("INVITATION_DAYS", "30")),
        "PASSWORD_RESET_MINUTES": int(env("PASSWORD_RESET_MINUTES", "60")),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent.parent / "translations"),
        "LANGUAGES": LANGUAGES,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": secure,
        # A sign-in lasts at most this long, remembered ("keep me signed in") or not.
        "SESSION_DAYS": session_days,
        "REMEMBER_COOKIE_DURATION": timedelta(days=session_days),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure,
        # API tokens: how long one lasts unless chosen otherwise, and the longest choice.
        "API_TOKEN_DAYS": int(env("API_TOKEN_DAYS", "90")),
        "API_TOKEN_MAX_DAYS": int(env("API_TOKEN_MAX_DAYS", "365")),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        # Group commit (voting.services.batch): how long the writer gathers, how many at most.
        "BATCH_WINDOW_MS": float(env("BATCH_WINDOW_MS", "5")),
        "BATCH_MAX": int(env("BATCH_MAX", "500")),
    }
