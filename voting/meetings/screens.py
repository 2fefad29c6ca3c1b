"""The meeting screens (member, chair, projector, observer): which regions each shows, how
they are rendered, and the renderer the live machinery (`voting.core.live`) calls once a
change is committed. The same partials render the pages and the pushes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, render_template

from voting.core import live
from voting.core.extensions import db
from voting.core.live import Rendered, user_room
from voting.meetings.models import Meeting
from voting.meetings.services.changes import CHANNEL
from voting.meetings.state import meeting_state, mine, state_json
from voting.membership.models import Person

VIEWS = ("member", "chair", "projector", "observer")
REGIONS = ("status", "agenda", "item", "consensus", "speakers", "poll")
# The regions each screen shows, in page order.
REGIONS_BY_VIEW = {
    "member": ("status", "poll", "consensus", "speakers", "item", "agenda"),
    "chair": ("status", "poll", "consensus", "speakers", "item", "agenda"),
    "projector": ("status", "poll", "consensus", "speakers", "item"),
    "observer": ("status", "poll", "consensus", "item", "speakers", "agenda"),
}
DEFAULT_JOIN_CACHE_SECONDS = 1.0
_lock = threading.Lock()
__all__ = ["REGIONS_BY_VIEW", "VIEWS", "full_fragments", "meeting_room", "publish", "user_room"]


def meeting_room(meeting_id: int, view: str | None = None) -> str:
    """The room of a meeting's screen (`view`), or of its JSON state with no view."""
    return live.room(CHANNEL, meeting_id, view)


def publish(meeting_id: int, regions: Iterable[str], *, users: Iterable[int] = ()) -> None:
    """Push the meeting's changed regions to every screen, and `users`' own regions."""
    live.publish(CHANNEL, meeting_id, regions, users=users)


def render_regions(state: Any, view: str, regions: Iterable[str], **context: Any) -> str:
    """The regions of one screen, each a root element with its id and `hx-swap-oob`."""
    return "".join(
        render_template(f"partials/meeting/{region}.html", s=state, view=view, **context)
        for region in regions
    )


def render_mine(state: Any, me: Any, **context: Any) -> str:
    """A person's own regions: their hand on the current item and their answer."""
    return render_template("partials/meeting/mine.html", s=state, me=me, **context)


def render(app: Flask, meeting_id: int, regions: set[str], users: set[int]) -> Rendered | None:
    """The changed regions of every screen of the meeting, and `users`' own regions."""

    # A context of its own: its own database session reads what was committed, and the
    # signed-in person of the request that wrote is not carried into what others see.
    with app.app_context(), app.test_request_context("/", base_url=app.config["PUBLIC_URL"]):
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None:
            return None
        state = meeting_state(meeting)
        screens = {
            meeting_room(meeting_id, view): render_regions(state, view, shown, push=True)
            for view in VIEWS
            if (shown := [r for r in REGIONS_BY_VIEW[view] if r in regions])
        }
        personal = {}
        for person_id in users:
            person = db.session.get(Person, person_id)
            if person is not None:
                personal[person_id] = render_mine(state, mine(meeting, person, state), push=True)
        return Rendered(state.version, screens, personal, state_json(state))


def full_fragments(meeting_id: int, view: str, person: Any) -> dict[str, Any]:
    """Every region of a screen, and the person's own: what a resync sends."""

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
    cache = app.extensions.setdefault("voting.meeting_screens", {})
    now = time.monotonic()
    with _lock:
        hit = cache.get((meeting_id, view))
    if hit is not None and hit[0] == state.version and now - hit[1] < keep:
        return hit[2]
    html = render_regions(state, view, REGIONS_BY_VIEW[view], push=True)
    with _lock:
        cache[(meeting_id, view)] = (state.version, now, html)
    return html
