"""Settings from the environment. The defaults serve one machine: SQLite, one process."""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

LANGUAGES = ("en", "fr", "de", "es")
# Each language by its own name, as a person looks for it in a list of languages.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español"}


def private_folder(instance: Path) -> None:
    """The instance folder (the secret key, the SQLite database) is its owner's alone:
    made so, or tightened if an older installation left it readable by others."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    if instance.stat().st_mode & 0o077:
        instance.chmod(0o700)


def _secret_key(instance: Path) -> str:
    """A stable secret for sessions: from SECRET_KEY, else one generated once per instance."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        # Created readable by its owner only: never, even for a moment, by anyone else.
        with suppress(FileExistsError):  # another worker starting at the same moment
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(48))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance: Path) -> dict[str, object]:
    """Build the Flask config mapping; every key can be overridden by create_app(config=...)."""
    env = os.environ.get
    private_folder(instance)
    database = env("DATABASE_URL", f"sqlite:///{instance / 'voting.sqlite3'}")
    # PostgreSQL through psycopg 3, the driver installed: "postgresql://" alone would make
    # SQLAlchemy look for psycopg2; "postgres://" is the scheme some hosts still hand out.
    for scheme in ("postgres://", "postgresql://"):
        if database.startswith(scheme):
            database = "postgresql+psycopg://" + database.removeprefix(scheme)
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
        # Wrong one-time codes (a ballot paper's) from one address before it must wait.
        "RATELIMIT_CODE": env("RATELIMIT_CODE", "10 per minute"),
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
        # How often each worker's deadline watcher looks again for deadlines that another
        # worker set (its own wake it at once).
        "DEADLINES_RESCAN_SECONDS": float(env("DEADLINES_RESCAN_SECONDS", "30")),
        # Group commit (voting.services.batch): how long the writer gathers, how many at most.
        "BATCH_WINDOW_MS": float(env("BATCH_WINDOW_MS", "5")),
        "BATCH_MAX": int(env("BATCH_MAX", "500")),
        # Live pushes (voting.core.live): changes arriving within this many seconds are
        # rendered and sent once.
        "LIVE_COALESCE_SECONDS": float(env("LIVE_COALESCE_SECONDS", "0.1")),
        # ...and a stream of changes is pushed at most once per this many seconds per
        # screen connected to the worker (2,000 screens: once a second).
        "LIVE_PUSH_SECONDS_PER_SCREEN": float(env("LIVE_PUSH_SECONDS_PER_SCREEN", "0.0005")),
        # SQLite: FULL syncs the log at every commit, so an acknowledged vote survives a
        # power loss; NORMAL (faster) may lose the last commits then (not on a crash).
        "SQLITE_SYNCHRONOUS": env("SQLITE_SYNCHRONOUS", "FULL").upper(),
        # Socket.IO: pages of other sites may not connect (beyond PUBLIC_URL, these
        # origins may, comma-separated); each connection's budget of events (a burst,
        # refilled per second), closed once that many are refused before it refills;
        # the largest message it may send.
        "SOCKETIO_ALLOWED_ORIGINS": [
            o for o in env("SOCKETIO_ALLOWED_ORIGINS", "").split(",") if o
        ],
        "SOCKETIO_EVENT_BURST": int(env("SOCKETIO_EVENT_BURST", "20")),
        "SOCKETIO_EVENT_RATE": float(env("SOCKETIO_EVENT_RATE", "10")),
        "SOCKETIO_FLOOD_EVENTS": int(env("SOCKETIO_FLOOD_EVENTS", "50")),
        "SOCKETIO_MAX_EVENT_BYTES": int(env("SOCKETIO_MAX_EVENT_BYTES", "100000")),
        # Who may show the pages in a frame: nobody by default; the display pages (the
        # projector) may be embedded by these sources ("'self' https://screens.example").
        "FRAME_ANCESTORS": env("FRAME_ANCESTORS", "'none'"),
        "DISPLAY_FRAME_ANCESTORS": env("DISPLAY_FRAME_ANCESTORS", "'none'"),
    }
