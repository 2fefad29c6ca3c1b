"""Live pushes: rooms, coalescing, versions and a registry of screen renderers.

A domain with screens (meetings) registers a renderer for its channel. After a commit a
service calls `publish(channel, key, regions, users=...)`; writes that arrive close
together (two thousand phones answering) are gathered for `LIVE_COALESCE_SECONDS` and
rendered once, with the latest state; 0 publishes at once.

Each `fragments` event carries the subject's `version` and the `base` version of the
previous event sent for it: a screen that knows a version older than `base` has missed
an event and asks for a full resync.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from voting.core.extensions import socketio

DEFAULT_COALESCE_SECONDS = 0.1


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


def _memory(app: Flask) -> dict[str, dict[Any, Any]]:
    """Per app: what waits to be published, and the last version sent per subject."""
    return app.extensions.setdefault("voting.live", {"pending": {}, "last": {}})


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
    socketio.start_background_task(_flush_later, app, channel, key, delay)


def _flush_later(app: Flask, channel: str, key: int, delay: float) -> None:
    socketio.sleep(delay)
    with _lock:
        regions, users = _memory(app)["pending"].pop((channel, key), (set(), set()))
    flush(app, channel, key, regions, users)


def flush(app: Flask, channel: str, key: int, regions: set[str], users: set[int]) -> None:
    """Render the changed regions with the channel's renderer and emit them now."""
    rendered = _RENDERERS[channel](app, key, regions, users)
    if rendered is None:
        return
    last = _memory(app)["last"]
    with _lock:
        base = last.get((channel, key), 0)
        if rendered.screens:
            last[(channel, key)] = max(base, rendered.version)
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
