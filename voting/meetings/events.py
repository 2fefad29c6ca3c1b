"""Socket.IO events: joining a meeting's screens, resync, and the actions a phone sends.

The connection is authenticated by the Flask session it shares with the pages. Each
action goes through the same service as the page's form, and is acknowledged only after
its transaction has committed: `{"ok": true, "version": n}` or `{"error": {"message"}}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from flask import current_app, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_socketio import emit, join_room

from voting.ballots.models import Poll
from voting.ballots.services import polls
from voting.core import batch, deadlines, live, locale_for, throttle
from voting.core.api import text_field
from voting.core.columns import LARGEST_INTEGER
from voting.core.errors import Invalid, NotAllowed, NotFound, ServiceError
from voting.core.extensions import db, socketio
from voting.core.live import sign_in_room
from voting.core.web import me
from voting.meetings.models import AgendaItem, ConsensusTest, Meeting, SpeakerRequest
from voting.meetings.screens import VIEWS, full_fragments, room_of, screen_for, user_room
from voting.meetings.services import consensus, lookup, speaking
from voting.membership.models import Person
from voting.membership.services.tokens import signed_in_id


def _acknowledged(handler: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
    """Every event gets an answer: the handler's, or an error acknowledgement with a
    message for a refusal, an event beyond the connection's budget (`core.live`) or
    arguments that are not what the event takes. Never a traceback for what a client
    sends; a fault of ours is logged and answered with a message too."""

    @wraps(handler)
    def wrapped(data: Any = None, *more: Any) -> dict[str, Any]:
        try:
            live.charge_event()
            if not isinstance(data, dict) or more:
                raise Invalid(_("The event needs one object of arguments."))
            return handler(data)
        except ServiceError as error:
            db.session.rollback()
            return {"error": {"message": error.message, "field": error.field}}
        except Exception:
            db.session.rollback()
            # A connection closed while its event ran (joining a room fails then) has
            # nobody left to answer: not a fault.
            if socketio.server.manager.is_connected(request.sid, request.namespace):
                current_app.logger.exception("The Socket.IO event %s failed", handler.__name__)
            return {"error": {"message": _("Something went wrong. Nothing was changed.")}}

    return wrapped


@contextmanager
def _sender() -> Iterator[Any]:
    """Who sends an action, as the writer takes it: the signed-in person by reference
    (their sign-in checked at every event; the writer loads them, once for a whole batch),
    or None; the replies in their language. The person is not loaded here: for a hall
    voting at once that load was most of the event's work."""
    session_id = session.get("_user_id")
    found = signed_in_id(session_id) if isinstance(session_id, str) else None
    if found is None:
        # Not signed in by this connection's session (or by a remembered sign-in only):
        # the ordinary way.
        yield me()
        return
    person_id, chosen = found
    language = locale_for(chosen) or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    with force_locale(language):
        yield batch.ref(Person, person_id)


def _id_of(sender: Any) -> int | None:
    """The id of `_sender()`'s person (a reference or a loaded person), None for nobody."""
    if sender is None:
        return None
    key = batch.key_of(sender)
    return key if key is not None else sender.id


def _number(data: dict[str, Any], key: str) -> int:
    """An id: a whole number (or its digits as text) that a record can have."""
    value = data.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value) if len(value) <= len(str(LARGEST_INTEGER)) else LARGEST_INTEGER + 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid(_("%(name)s must be a number.", name=key), field=key)
    if value > LARGEST_INTEGER:
        raise Invalid(_("This number is too large."), field=key)
    return value


def _display(data: dict[str, Any]) -> str:
    """The display link's token a projector opened by it sends ("" for none)."""
    token = data.get("display")
    return token if isinstance(token, str) else ""


@_acknowledged
def join(data: dict[str, Any]) -> dict[str, Any]:
    """Join a meeting's screen; a screen behind the current version gets a full resync."""
    deadlines.start()  # a hall of phones and no page loaded: deadlines still close
    meeting = db.session.get(Meeting, _number(data, "meeting"))
    if meeting is None:
        raise NotFound(_("No such meeting."))
    view = str(data.get("view", ""))
    person = me()
    # Who may watch which screen, and in which room (by audience): screens.screen_for.
    screen = screen_for(view, meeting, person, display=_display(data))
    join_room(room_of(meeting.id, screen))
    if person is not None:
        join_room(user_room(person.id))
        join_room(sign_in_room(person.session_id()))  # left when that sign-in ends
    known = data.get("version")
    if view != "state" and known != meeting.version:
        # To this connection only, which is on this worker: not through the message queue,
        # which would hand every worker a copy of the whole screen to look for it.
        emit("fragments", full_fragments(meeting.id, screen, person), ignore_queue=True)
    return {"ok": True, "version": meeting.version}


@_acknowledged
def resync(data: dict[str, Any]) -> dict[str, Any]:
    """Send the whole screen again (after a gap in versions or a reconnect)."""
    meeting = db.session.get(Meeting, _number(data, "meeting"))
    view = str(data.get("view", ""))
    if meeting is None or view not in VIEWS:
        raise NotAllowed(_("You do not have the right to see this screen."))
    screen = screen_for(view, meeting, me(), display=_display(data))
    emit("fragments", full_fragments(meeting.id, screen, me()), ignore_queue=True)
    return {"ok": True, "version": meeting.version}


def _version(meeting_id: int) -> Callable[[Any], int]:
    """The meeting's version inside the writer's transaction, after the action."""

    def version(_value: Any) -> int:
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting.version

    return version


@_acknowledged
def answer(data: dict[str, Any]) -> dict[str, Any]:
    """Answer the open test for agreement: {test, response, reason}."""
    with _sender() as sender:
        test_id = _number(data, "test")
        meeting_id = lookup.meeting_of_test(test_id)  # the writer reads the test
        version = batch.call(
            consensus.answer,
            sender,
            batch.ref(ConsensusTest, test_id),
            text_field(data, "response"),
            text_field(data, "reason"),
            result=_version(meeting_id),
        )
    return {"ok": True, "version": version}


@_acknowledged
def raise_hand(data: dict[str, Any]) -> dict[str, Any]:
    """Raise a hand on the item under discussion: {item, kind, viewpoint}."""
    with _sender() as sender:
        item_id = _number(data, "item")
        version = _version(lookup.meeting_of_item(item_id))
        request_id, now = batch.call(
            speaking.raise_hand,
            sender,
            batch.ref(AgendaItem, item_id),
            text_field(data, "kind", "contribution"),
            text_field(data, "viewpoint"),
            result=lambda request_: (request_.id, version(request_)),
        )
    return {"ok": True, "version": now, "request": request_id}


@_acknowledged
def withdraw_hand(data: dict[str, Any]) -> dict[str, Any]:
    """Lower your hand: {request}."""
    with _sender() as sender:
        request_id = _number(data, "request")
        meeting_id = lookup.meeting_of_request(request_id)
        version = batch.call(
            speaking.withdraw_hand,
            sender,
            batch.ref(SpeakerRequest, request_id),
            result=_version(meeting_id),
        )
    return {"ok": True, "version": version}


@_acknowledged
def vote(data: dict[str, Any]) -> dict[str, Any]:
    """Cast your votes in a poll: {poll, choice, keys?, split?, confirm_against_mandate?}.

    The same checks as the ballot page; the acknowledgement follows the commit and carries
    the receipt (a secret ballot's tracker code is shown once, here).
    """
    with _sender() as sender:
        poll_id = _number(data, "poll")
        throttle.vote_allowed_for(_id_of(sender))
        meeting_id = lookup.meeting_of_poll(poll_id)  # not the whole poll: the writer reads it
        keys, split = data.get("keys"), data.get("split")
        choice = text_field(data, "choice") or None
        if keys is not None and (
            not isinstance(keys, list) or not all(isinstance(k, str) for k in keys)
        ):
            raise Invalid(_("keys must be a list of texts."), field="keys")
        if split is not None and (
            not isinstance(split, dict)
            or not all(
                isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= LARGEST_INTEGER
                for v in split.values()
            )
        ):
            raise Invalid(_("split gives a whole number of votes per choice."), field="split")
        version = _version(meeting_id)
        receipt, now = batch.call(
            polls.cast,
            sender,
            batch.ref(Poll, poll_id),
            choice=choice,
            split=split or None,
            keys=keys or None,
            confirm_against_mandate=data.get("confirm_against_mandate") is True,
            result=lambda receipt: (receipt, version(receipt)),
        )
    return {
        "ok": True,
        "version": now,
        "keys": receipt.keys,
        "tracker": receipt.tracker,
        "already": receipt.already,
        "against": receipt.against,
    }


HANDLERS: dict[str, Callable[..., Any]] = {
    "join": join,
    "resync": resync,
    "answer": answer,
    "raise_hand": raise_hand,
    "withdraw_hand": withdraw_hand,
    "vote": vote,
}


def unknown(event: Any = None, *_arguments: Any) -> dict[str, Any]:
    """An event no handler takes: counted against the budget like any other, and refused."""
    try:
        live.charge_event()
    except ServiceError as error:
        return {"error": {"message": error.message, "field": error.field}}
    return {"error": {"message": _("There is no such event.")}}


def register() -> None:
    """Bind the handlers to the app's Socket.IO server (once per app)."""
    for name, handler in HANDLERS.items():
        socketio.on(name)(handler)
    socketio.on("*")(unknown)
