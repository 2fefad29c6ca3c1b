"""Socket.IO events: joining a meeting's screens, resync, and the actions a phone sends.

The connection is authenticated by the Flask session it shares with the pages. Each
action goes through the same service as the page's form, and is acknowledged only after
its transaction has committed: `{"ok": true, "version": n}` or `{"error": {"message"}}`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import emit, join_room

from voting.extensions import db, socketio
from voting.live.publish import VIEWS, full_fragments, meeting_room, user_room
from voting.models import Meeting
from voting.services import consensus, speaking
from voting.services.agenda import get_item
from voting.services.errors import Invalid, NotAllowed, NotFound, ServiceError
from voting.services.meetings import attending_membership, is_chair


def _acknowledged(handler: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
    """Turn refusals into an error acknowledgement instead of a dropped event."""

    @wraps(handler)
    def wrapped(data: Any = None) -> dict[str, Any]:
        try:
            if not isinstance(data, dict):
                raise Invalid(_("The event needs an object of arguments."))
            return handler(data)
        except ServiceError as error:
            db.session.rollback()
            return {"error": {"message": error.message, "field": error.field}}

    return wrapped


def _number(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise Invalid(_("%(name)s must be a number.", name=key), field=key)
    return int(value)


def _me() -> Any:
    return current_user._get_current_object() if current_user.is_authenticated else None


def may_watch(view: str, meeting: Meeting, person: Any) -> bool:
    """Whether `person` may receive the pushes of a screen of the meeting."""
    if view == "chair":
        return is_chair(person, meeting.body)
    if view == "member":
        return attending_membership(person, meeting.body) is not None
    return view in VIEWS or view == "state"  # projector, observer and state are public


@_acknowledged
def join(data: dict[str, Any]) -> dict[str, Any]:
    """Join a meeting's screen; a screen behind the current version gets a full resync."""
    meeting = db.session.get(Meeting, _number(data, "meeting"))
    if meeting is None:
        raise NotFound(_("No such meeting."))
    view = str(data.get("view", ""))
    me = _me()
    if not may_watch(view, meeting, me):
        raise NotAllowed(_("You do not have the right to see this screen."))
    if view == "state":
        join_room(meeting_room(meeting.id))
    else:
        join_room(meeting_room(meeting.id, view))
    if me is not None:
        join_room(user_room(me.id))
    known = data.get("version")
    if view != "state" and known != meeting.version:
        emit("fragments", full_fragments(meeting.id, view, me))
    return {"ok": True, "version": meeting.version}


@_acknowledged
def resync(data: dict[str, Any]) -> dict[str, Any]:
    """Send the whole screen again (after a gap in versions or a reconnect)."""
    meeting = db.session.get(Meeting, _number(data, "meeting"))
    view = str(data.get("view", ""))
    if meeting is None or view not in VIEWS or not may_watch(view, meeting, _me()):
        raise NotAllowed(_("You do not have the right to see this screen."))
    emit("fragments", full_fragments(meeting.id, view, _me()))
    return {"ok": True, "version": meeting.version}


def _done(meeting: Meeting) -> dict[str, Any]:
    db.session.refresh(meeting)
    return {"ok": True, "version": meeting.version}


@_acknowledged
def answer(data: dict[str, Any]) -> dict[str, Any]:
    """Answer the open test for agreement: {test, response, reason}."""
    test = consensus.get_test(_number(data, "test"))
    consensus.answer(_me(), test, str(data.get("response", "")), str(data.get("reason", "")))
    return _done(test.item.meeting)


@_acknowledged
def raise_hand(data: dict[str, Any]) -> dict[str, Any]:
    """Raise a hand on the item under discussion: {item, kind, viewpoint}."""
    item = get_item(_number(data, "item"))
    request_ = speaking.raise_hand(
        _me(), item, str(data.get("kind", "contribution")), str(data.get("viewpoint") or "")
    )
    return {**_done(item.meeting), "request": request_.id}


@_acknowledged
def withdraw_hand(data: dict[str, Any]) -> dict[str, Any]:
    """Lower your hand: {request}."""
    request_ = speaking.get_request(_number(data, "request"))
    speaking.withdraw_hand(_me(), request_)
    return _done(request_.item.meeting)


HANDLERS: dict[str, Callable[..., Any]] = {
    "join": join,
    "resync": resync,
    "answer": answer,
    "raise_hand": raise_hand,
    "withdraw_hand": withdraw_hand,
}


def register() -> None:
    """Bind the handlers to the app's Socket.IO server (once per app)."""
    for name, handler in HANDLERS.items():
        socketio.on(name)(handler)
