"""The meeting screens (member, chair, projector, observer): which regions each shows, how
they are rendered, and the renderer the live machinery (`voting.core.live`) calls once a
change is committed. The same partials render the pages and the pushes.

Each screen is pushed to rooms by audience (`SCREENS`): the observer view of someone
signed in may name who answered what, the one of someone who is not never does, nor
does the projector (`meetings/visibility.py` says why); `screen_for` decides who joins
which, with the body's `screens` setting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import gettext as _

from voting.core import live
from voting.core.errors import NotAllowed
from voting.core.extensions import db
from voting.core.live import Rendered, user_room
from voting.meetings.models import Meeting
from voting.meetings.permissions import attending_membership, is_chair
from voting.meetings.services.changes import CHANNEL
from voting.meetings.services.display import DISPLAY, require_display
from voting.meetings.state import (
    MeetingState,
    OwnBasis,
    basis_ids,
    meeting_state,
    mine,
    own_basis,
    state_json,
)
from voting.meetings.visibility import may_watch, names_shown, refusal
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
# The rooms screens are pushed to: each room's view (its regions and controls) and
# whether it may name who answered what in a test for agreement.
SCREENS = {
    "member": ("member", True),
    "chair": ("chair", True),
    "observer": ("observer", True),  # watched by someone signed in
    "public": ("observer", False),  # watched by someone not signed in
    "projector": ("projector", False),  # the projector page, for those who may watch
    DISPLAY: ("projector", False),  # the projectors opened by the display link
}
# The rooms of the JSON state: with names, and without for those not signed in.
STATE, PUBLIC_STATE = "state", "state-public"
DEFAULT_JOIN_CACHE_SECONDS = 1.0
_lock = threading.Lock()
__all__ = [
    "REGIONS_BY_VIEW",
    "SCREENS",
    "VIEWS",
    "full_fragments",
    "meeting_room",
    "publish",
    "room_of",
    "screen_for",
    "user_room",
]


def meeting_room(meeting_id: int, view: str | None = None) -> str:
    """The room of a meeting's screen (`view`), or of its JSON state with no view."""
    return live.room(CHANNEL, meeting_id, view)


def room_of(meeting_id: int, screen: str) -> str:
    """The room of one of `SCREENS`, or of the JSON state (`STATE`, `PUBLIC_STATE`)."""
    return meeting_room(meeting_id, None if screen == STATE else screen)


def screen_for(view: str, meeting: Meeting, person: Any, *, display: str = "") -> str:
    """Which room `person` joins to watch `view` of the meeting ("state": its JSON state),
    or a refusal in a sentence. `display`: the display link's token, for the projector.

    The chair console needs the chair; the member screen a membership that attends; the
    projector opened by its display link only the link; everything else the body's
    `screens` setting, with names only for those signed in.
    """
    refused = _("You do not have the right to see this screen.")
    if view == "chair":
        if not is_chair(person, meeting.body):
            raise NotAllowed(refused)
        return "chair"
    if view == "member":
        if attending_membership(person, meeting.body) is None:
            raise NotAllowed(refused)
        return "member"
    if view == "projector" and display:
        require_display(meeting, display)
        return DISPLAY
    if view not in ("projector", "observer", STATE):
        raise NotAllowed(refused)
    if not may_watch(person, meeting):
        raise NotAllowed(refusal(person, meeting))
    named = names_shown(person, meeting)
    if view == "projector":
        return "projector"
    if view == "observer":
        return "observer" if named else "public"
    return STATE if named else PUBLIC_STATE


def publish(meeting_id: int, regions: Iterable[str], *, users: Iterable[int] = ()) -> None:
    """Push the meeting's changed regions to every screen, and `users`' own regions."""
    live.publish(CHANNEL, meeting_id, regions, users=users)


def render_regions(
    state: Any, view: str, regions: Iterable[str], *, named: bool, **context: Any
) -> str:
    """The regions of one screen, each a root element with its id and `hx-swap-oob`.
    `named`: whether they may name who answered what (see `SCREENS`)."""
    return "".join(
        render_template(
            f"partials/meeting/{region}.html", s=state, view=view, named=named, **context
        )
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
        made: dict[tuple[str, bool], str] = {}  # rendered once per view and audience
        screens = {}
        for screen, (view, named) in SCREENS.items():
            shown = [r for r in REGIONS_BY_VIEW[view] if r in regions]
            if not shown:
                continue
            if (view, named) not in made:
                made[view, named] = render_regions(state, view, shown, named=named, push=True)
            screens[room_of(meeting_id, screen)] = made[view, named]
        personal = {}
        for person_id in users:
            person = db.session.get(Person, person_id)
            if person is not None:
                personal[person_id] = render_mine(state, mine(meeting, person, state), push=True)
        public = {room_of(meeting_id, PUBLIC_STATE): state_json(state, named=False)}
        return Rendered(state.version, screens, personal, state_json(state, named=True), public)


def full_fragments(meeting_id: int, screen: str, person: Any) -> dict[str, Any]:
    """Every region of a screen (one of `SCREENS`), and the person's own: what a resync
    sends."""

    meeting = db.session.get(Meeting, meeting_id)
    assert meeting is not None
    html, basis = _shared_regions(meeting, screen)
    if screen == "member":
        html += render_mine(basis, mine(meeting, person, basis), push=True)
    return {"meeting": meeting_id, "version": meeting.version, "base": -1, "html": html}


def _shared_regions(meeting: Meeting, screen: str) -> tuple[str, MeetingState | OwnBasis]:
    """A screen's shared regions at the meeting's version, rendered once for everyone who
    joins within `LIVE_JOIN_CACHE_SECONDS` (a hall of phones arriving together); the
    limit keeps the clocks they show (time left) fresh. With the state they were rendered
    from, or from the cache only what a person's own part needs (`OwnBasis`): the
    meeting's state is then not read at all."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    keep = float(app.config.get("LIVE_JOIN_CACHE_SECONDS", DEFAULT_JOIN_CACHE_SECONDS))
    cache = app.extensions.setdefault("voting.meeting_screens", {})
    now = time.monotonic()
    with _lock:
        hit = cache.get((meeting.id, screen))
    if hit is not None and hit[0] == meeting.version and now - hit[1] < keep:
        return hit[2], own_basis(meeting, hit[3])
    state = meeting_state(meeting)
    view, named = SCREENS[screen]
    html = render_regions(state, view, REGIONS_BY_VIEW[view], named=named, push=True)
    with _lock:
        cache[(meeting.id, screen)] = (state.version, now, html, basis_ids(state))
    return html, state
