"""Publishing: render the changed regions once per screen and emit them to its room.

A service calls `publish` after its transaction commits (through `meetings.changed`).
Writes that arrive close together (two thousand phones answering) are gathered for
`LIVE_COALESCE_SECONDS` and published once, with the latest state; 0 publishes at once.

Each `fragments` event carries the meeting's `version` and the `base` version of the
previous event sent for the meeting: a screen that knows a version older than `base`
has missed an event and asks for a full resync.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, render_template

from voting.core.extensions import db, socketio

VIEWS = ("member", "chair", "projector", "observer")
REGIONS = ("status", "agenda", "item", "consensus", "speakers", "poll")
# The regions each screen shows, in page order.
REGIONS_BY_VIEW = {
    "member": ("status", "poll", "consensus", "speakers", "item", "agenda"),
    "chair": ("status", "poll", "consensus", "speakers", "item", "agenda"),
    "projector": ("status", "poll", "consensus", "speakers", "item"),
    "observer": ("status", "poll", "consensus", "item", "speakers", "agenda"),
}
DEFAULT_COALESCE_SECONDS = 0.1
DEFAULT_JOIN_CACHE_SECONDS = 1.0

_lock = threading.Lock()


def _memory(app: Flask) -> dict[str, dict[int, Any]]:
    """Per app: regions waiting to be published, and the last version sent per meeting."""
    return app.extensions.setdefault("voting.live", {"pending": {}, "last": {}})


def meeting_room(meeting_id: int, view: str | None = None) -> str:
    """The room of a meeting's screen (`view`), or of its JSON state with no view."""
    return f"meeting:{meeting_id}" if view is None else f"meeting:{meeting_id}:{view}"


def user_room(person_id: int) -> str:
    return f"user:{person_id}"


def publish(meeting_id: int, regions: Iterable[str], *, users: Iterable[int] = ()) -> None:
    """Push the meeting's changed regions to every screen, and `users`' own regions."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    delay = float(app.config.get("LIVE_COALESCE_SECONDS", DEFAULT_COALESCE_SECONDS))
    if delay <= 0:
        flush(app, meeting_id, set(regions), set(users))
        return
    waiting = _memory(app)["pending"]
    with _lock:
        pending = waiting.get(meeting_id)
        if pending is not None:
            pending[0].update(regions)
            pending[1].update(users)
            return
        waiting[meeting_id] = (set(regions), set(users))
    socketio.start_background_task(_flush_later, app, meeting_id, delay)


def _flush_later(app: Flask, meeting_id: int, delay: float) -> None:
    socketio.sleep(delay)
    with _lock:
        regions, users = _memory(app)["pending"].pop(meeting_id, (set(), set()))
    flush(app, meeting_id, regions, users)


def render_regions(state: Any, view: str, regions: Iterable[str], **context: Any) -> str:
    """The regions of one screen, each a root element with its id and `hx-swap-oob`."""
    return "".join(
        render_template(f"partials/meeting/{region}.html", s=state, view=view, **context)
        for region in regions
    )


def render_mine(state: Any, me: Any, **context: Any) -> str:
    """A person's own regions: their hand on the current item and their answer."""
    return render_template("partials/meeting/mine.html", s=state, me=me, **context)


def flush(app: Flask, meeting_id: int, regions: set[str], users: set[int]) -> None:
    """Render the changed regions and emit them now."""
    from voting.meetings.models import Meeting
    from voting.meetings.state import meeting_state, mine, state_json
    from voting.membership.models import Person

    # A context of its own: its own database session reads what was committed, and the
    # signed-in person of the request that wrote is not carried into what others see.
    with app.app_context(), app.test_request_context("/", base_url=app.config["PUBLIC_URL"]):
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            return
        changed = set(regions)
        state = meeting_state(meeting)
        payloads = {
            view: render_regions(state, view, shown, push=True)
            for view in VIEWS
            if (shown := [r for r in REGIONS_BY_VIEW[view] if r in changed])
        }
        personal = {}
        for person_id in users:
            person = db.session.get(Person, person_id)
            if person is not None:
                personal[person_id] = render_mine(state, mine(meeting, person, state), push=True)
        data = state_json(state)
    last = _memory(app)["last"]
    with _lock:
        base = last.get(meeting_id, 0)
        if payloads:
            last[meeting_id] = max(base, state.version)
    for view, html in payloads.items():
        socketio.emit(
            "fragments",
            {"meeting": meeting_id, "version": state.version, "base": base, "html": html},
            to=meeting_room(meeting_id, view),
        )
    for person_id, html in personal.items():
        socketio.emit("mine", {"meeting": meeting_id, "html": html}, to=user_room(person_id))
    if payloads:
        socketio.emit("state", data, to=meeting_room(meeting_id))


def full_fragments(meeting_id: int, view: str, person: Any) -> dict[str, Any]:
    """Every region of a screen, and the person's own: what a resync sends."""
    from voting.meetings.models import Meeting
    from voting.meetings.state import meeting_state, mine

    meeting = db.session.get(Meeting, meeting_id)
    assert meeting is not None
    state = meeting_state(meeting)
    html = _shared_regions(meeting_id, view, state)
    if view == "member":
        html += render_mine(state, mine(meeting, person, state), push=True)
    return {"meeting": meeting_id, "version": state.version, "base": -1, "html": html}


def _shared_regions(meeting_id: int, view: str, state: Any) -> str:
    """A screen's shared regions at the state's version, rendered once for everyone who
    joins within `LIVE_JOIN_CACHE_SECONDS` (a hall of phones arriving together); the
    limit keeps the clocks they show (time left) fresh."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    keep = float(app.config.get("LIVE_JOIN_CACHE_SECONDS", DEFAULT_JOIN_CACHE_SECONDS))
    cache = _memory(app).setdefault("joined", {})
    now = time.monotonic()
    with _lock:
        hit = cache.get((meeting_id, view))
    if hit is not None and hit[0] == state.version and now - hit[1] < keep:
        return hit[2]
    html = render_regions(state, view, REGIONS_BY_VIEW[view], push=True)
    with _lock:
        cache[(meeting_id, view)] = (state.version, now, html)
    return html
