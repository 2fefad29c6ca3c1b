"""Live pushes: rooms, coalescing, versions and a registry of screen renderers.

A domain with screens (meetings) registers a renderer for its channel. After a commit a
service calls `publish(channel, key, regions, users=...)`; writes that arrive close
together (two thousand phones answering) are gathered for `LIVE_COALESCE_SECONDS` and
rendered once, with the latest state; 0 publishes at once.

Each `fragments` event carries the subject's `version` and the `base` version of the
previous event sent for it: a screen that knows a version older than `base` has missed
an event and asks for a full resync. A subject's pushes take turns, in the process and,
with Redis, across the workers (`core.shared`): so `base` is the version of the event
before, whichever worker sent it, and the events reach the screens in version order.

Connections: a browser may connect only from the site's own address (`PUBLIC_URL`, and
`SOCKETIO_ALLOWED_ORIGINS`), and each connection spends its events from a budget (a
token bucket); a connection that keeps sending beyond it is disconnected.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_socketio import disconnect

from voting.core import shared
from voting.core.extensions import socketio
from voting.core.throttle import TooFast

DEFAULT_COALESCE_SECONDS = 0.1
# The least time between two pushes of one subject, per screen connected to this worker:
# a push costs every screen's connection its share of the process, so a stream of
# changes (a hall voting) is pushed less often the larger the hall (2,000 screens: once
# a second). A change after a quiet spell still goes out within LIVE_COALESCE_SECONDS.
DEFAULT_PUSH_SECONDS_PER_SCREEN = 0.0005
TURN_SECONDS = 5.0  # the longest one push holds back the next of the same subject
LAST_SENT_SECONDS = 2 * 24 * 3600  # how long Redis keeps a subject's last version sent


@dataclass
class Rendered:
    """What a renderer made of a change: the subject's version, the fragments for each
    screen's room, each person's own fragments, and the JSON state (None: unchanged)."""

    version: int
    screens: dict[str, str] = field(default_factory=dict)  # room -> html
    personal: dict[int, str] = field(default_factory=dict)  # person id -> html
    state: dict[str, Any] | None = None
    # Other rooms' JSON state (room -> state), e.g. one with less in it for anonymous clients.
    states: dict[str, dict[str, Any]] = field(default_factory=dict)


# channel -> renderer(app, key, regions, users) -> Rendered (None: the subject is gone)
Renderer = Callable[[Flask, int, set[str], set[int]], Rendered | None]
_RENDERERS: dict[str, Renderer] = {}
_lock = threading.Lock()


def register(channel: str, renderer: Renderer) -> None:
    """Register the renderer of a channel's screens (again under the same name replaces it)."""
    _RENDERERS[channel] = renderer


def room(channel: str, key: int, view: str | None = None) -> str:
    """The room of one screen (`view`) of a subject, or of its JSON state with no view."""
    return f"{channel}:{key}" if view is None else f"{channel}:{key}:{view}"


def user_room(person_id: int) -> str:
    return f"user:{person_id}"


def sign_in_room(session_id: str) -> str:
    """The connections opened under one sign-in (named by a digest: the room's name
    never carries the session's secret)."""
    return "sign-in:" + hashlib.sha256(session_id.encode()).hexdigest()[:32]


def end_sign_in(session_id: str) -> None:
    """Close every connection opened under a sign-in that has ended (after its commit):
    a phone signed out elsewhere gets no more of that person's own pushes."""
    server = socketio.server
    if server is None:
        return
    for sid in _connections(sign_in_room(session_id)):
        server.disconnect(sid, namespace="/")


def end_sign_ins(person_id: int, *, keep_session: str | None = None) -> None:
    """Close every connection of a person whose sign-ins all ended (a new password), but
    those of `keep_session`, the sign-in that made the change."""
    server = socketio.server
    if server is None:
        return
    kept = _connections(sign_in_room(keep_session)) if keep_session else set()
    for sid in _connections(user_room(person_id)) - kept:
        server.disconnect(sid, namespace="/")


def _connections(room_name: str) -> set[str]:
    return {sid for sid, _eio_sid in socketio.server.manager.get_participants("/", room_name)}


def _memory(app: Flask) -> dict[str, dict[Any, Any]]:
    """Per app: what waits to be published, the last version sent per subject (without
    Redis) and each subject's turn to push in this process."""
    return app.extensions.setdefault(
        "voting.live", {"pending": {}, "last": {}, "turns": {}, "pushed_at": {}}
    )


def publish(channel: str, key: int, regions: Iterable[str], *, users: Iterable[int] = ()) -> None:
    """Push the subject's changed regions to every screen, and `users`' own regions."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    delay = float(app.config.get("LIVE_COALESCE_SECONDS", DEFAULT_COALESCE_SECONDS))
    if delay <= 0:
        flush(app, channel, key, set(regions), set(users))
        return
    waiting = _memory(app)["pending"]
    with _lock:
        pending = waiting.get((channel, key))
        if pending is not None:
            pending[0].update(regions)
            pending[1].update(users)
            return
        waiting[(channel, key)] = (set(regions), set(users))
        pushed_at = _memory(app)["pushed_at"].get((channel, key))
    if pushed_at is not None:  # paced: not sooner after the last push than the hall allows
        delay = max(delay, pushed_at + _pace(app) - time.monotonic())
    socketio.start_background_task(_flush_later, app, channel, key, delay)


def _pace(app: Flask) -> float:
    """The least time between two pushes of a subject on this worker (see
    DEFAULT_PUSH_SECONDS_PER_SCREEN): its connections times `LIVE_PUSH_SECONDS_PER_SCREEN`."""
    per_screen = float(
        app.config.get("LIVE_PUSH_SECONDS_PER_SCREEN", DEFAULT_PUSH_SECONDS_PER_SCREEN)
    )
    server = socketio.server
    screens = len(server.eio.sockets) if server is not None else 0
    return screens * per_screen


def _flush_later(app: Flask, channel: str, key: int, delay: float) -> None:
    socketio.sleep(delay)
    with _lock:
        regions, users = _memory(app)["pending"].pop((channel, key), (set(), set()))
        _memory(app)["pushed_at"][(channel, key)] = time.monotonic()
    flush(app, channel, key, regions, users)


@contextmanager
def _in_turn(app: Flask, channel: str, key: int) -> Iterator[None]:
    """One push of a subject at a time: in this process, and across workers with Redis."""
    with _lock:
        mine = _memory(app)["turns"].setdefault((channel, key), threading.Lock())
    with mine, shared.turn(app, f"live:{channel}:{key}", seconds=TURN_SECONDS):
        yield


def _last_sent(app: Flask, channel: str, key: int, version: int | None) -> int:
    """The version of the subject's last event sent (by any worker), recording `version`
    as the next one's unless None. Called in the subject's turn."""
    store = shared.client(app)
    if store is None:
        last = _memory(app)["last"]
        base = last.get((channel, key), 0)
        if version is not None:
            last[(channel, key)] = max(base, version)
        return base
    name = f"voting:live:{channel}:{key}:version"
    base = int(store.get(name) or 0)
    if version is not None and version > base:
        store.set(name, version, ex=LAST_SENT_SECONDS)
    return base


def flush(app: Flask, channel: str, key: int, regions: set[str], users: set[int]) -> None:
    """Render the changed regions with the channel's renderer and emit them now, in the
    subject's turn: rendered from what is committed when the turn comes, and emitted
    before the next push of the subject begins, so versions only grow from one event to
    the next and each event's `base` is the version of the one before."""
    with _in_turn(app, channel, key):
        _render_and_emit(app, channel, key, regions, users)


def _render_and_emit(
    app: Flask, channel: str, key: int, regions: set[str], users: set[int]
) -> None:
    rendered = _RENDERERS[channel](app, key, regions, users)
    if rendered is None:
        return
    base = _last_sent(app, channel, key, rendered.version if rendered.screens else None)
    for screen, html in rendered.screens.items():
        socketio.emit(
            "fragments",
            {channel: key, "version": rendered.version, "base": base, "html": html},
            to=screen,
        )
    for person_id, html in rendered.personal.items():
        socketio.emit("mine", {channel: key, "html": html}, to=user_room(person_id))
    if rendered.screens and rendered.state is not None:
        socketio.emit("state", rendered.state, to=room(channel, key))
    if rendered.screens:
        for state_room, state in rendered.states.items():
            socketio.emit("state", state, to=state_room)


# --- connections: where from, and how much each may send ---------------------------------


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without reading the cookie again for every event of
    a Socket.IO connection.

    Flask opens the session for each event's request context; Flask-SocketIO then puts in
    its place the session it saved at the connection's first event (`saved_session` in
    the connection's environ, which only the server writes). Checking the cookie's
    signature and decoding it was over half of that context's cost (about 220 µs of 380),
    for a session thrown away at once: from the second event on, an empty one stands in
    until Flask-SocketIO's replaces it."""

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        if "saved_session" in request.environ:
            return self.session_class()
        return super().open_session(app, request)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> str:
    """The origin of an address as a browser sends it: scheme://host[:port], the default
    port left out ("https://vote.example.org/meetings" gives "https://vote.example.org")."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6
    try:
        port = parts.port
    except ValueError:  # not a port: no origin of ours
        return ""
    if port in (None, _DEFAULT_PORTS.get(scheme)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def allowed_origins(config: Any) -> set[str]:
    """The origins whose pages may open a Socket.IO connection: `PUBLIC_URL`'s, and the
    ones listed in `SOCKETIO_ALLOWED_ORIGINS`."""
    extra = config.get("SOCKETIO_ALLOWED_ORIGINS") or ()
    if isinstance(extra, str):
        extra = extra.split(",")
    return {origin(url) for url in (config["PUBLIC_URL"], *extra) if url.strip()}


def origin_check(app: Flask) -> Callable[[str | None], bool]:
    """For python-socketio's `cors_allowed_origins`: whether a browser's `Origin` may
    connect. Read from the settings at each connection, so a change applies at once.
    A request without an `Origin` (not a browser) is not checked by the library."""

    def allowed(requested: str | None) -> bool:
        return requested is not None and origin(requested) in allowed_origins(app.config)

    return allowed


class Budget:
    """A connection's budget of events: `burst` at once, refilled at `rate` a second. A
    connection refused `flood` events before its budget is full again keeps sending
    faster than any screen does: it is to be closed."""

    def __init__(self, burst: int, rate: float, flood: int) -> None:
        self.burst, self.rate, self.flood = burst, rate, flood
        self.tokens = float(burst)
        self.at = time.monotonic()
        self.refused = 0  # events refused since the budget was last full
        self.lock = threading.Lock()

    def spend(self) -> bool | None:
        """Take one event from the budget: True if it may run, False if it is refused,
        None (once) when the refusals reach `flood`."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens == self.burst:  # quiet long enough to refill: a fresh start
                self.refused = 0
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            self.refused += 1
            return None if self.refused == self.flood else False


_BUDGET = "voting.event_budget"  # kept in the connection's WSGI environ: it dies with it


def charge_event() -> None:
    """In a Socket.IO handler: count the event against its connection's budget.

    Refused beyond the budget (`SOCKETIO_EVENT_BURST` at once, `SOCKETIO_EVENT_RATE` a
    second), with a message; after `SOCKETIO_FLOOD_EVENTS` refusals (before the budget
    refilled) the connection is closed. Checked before any other work, so that a flood
    costs little.

    Each event first gives the other connections their turn: under gevent the greenlet
    reading a connection does not yield while its socket holds data, so a client sending
    without pause would otherwise hold the whole process until it stopped.
    """
    socketio.sleep(0)
    budget = request.environ.get(_BUDGET)
    if budget is None:
        config = current_app.config
        budget = request.environ.setdefault(
            _BUDGET,
            Budget(
                int(config["SOCKETIO_EVENT_BURST"]),
                float(config["SOCKETIO_EVENT_RATE"]),
                int(config["SOCKETIO_FLOOD_EVENTS"]),
            ),
        )
    allowed = budget.spend()
    if allowed:
        return
    if allowed is None:
        logging.getLogger(__name__).warning(
            "Socket.IO connection from %s closed: it kept sending beyond its budget",
            request.remote_addr,
        )
        server = socketio.server
        transport = server.manager.eio_sid_from_sid(request.sid, request.namespace)  # type: ignore[attr-defined]
        disconnect()
        # The transport too: a client that ignores being disconnected would go on sending,
        # and every message would still be read.
        if transport is not None:
            server.eio.disconnect(transport)
    raise TooFast(_("Too many events in a short time. Wait a moment and try again."))
