"""API: meetings, their agenda, motions, tests for agreement and speakers, through the same
services as the pages. Live updates: Socket.IO, event `join` with view "state", then
`state` events carry the same object as GET /meetings/{id}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from voting.ballots.models import PollMode
from voting.core.api import api_person, int_field, json_body, operation, text_field
from voting.core.errors import Invalid, NotAllowed, NotFound
from voting.meetings import visibility
from voting.meetings.models import CalledBy, CheckInVia, Meeting, MeetingKind
from voting.meetings.services import (
    agenda,
    consensus,
    display,
    floor,
    handover,
    meetings,
    motions,
    speaking,
)
from voting.meetings.state import meeting_state, state_json
from voting.org.services.organisations import by_slug

TAG = "meetings"
STATE = {"type": "object", "description": "The meeting's state, as in the `state` event"}
OK = {"type": "object", "properties": {"version": {"type": "integer"}, "id": {"type": "integer"}}}


def watched(meeting_id: int) -> Meeting:
    """The meeting, if the token's owner may watch its screens (the body's `screens`
    setting), else a 403 saying who may."""
    meeting = meetings.get_meeting(meeting_id)
    if not visibility.may_watch(api_person(), meeting):
        raise NotAllowed(visibility.refusal(api_person(), meeting))
    return meeting


def _done(meeting: Any, made: Any = None) -> dict[str, Any]:
    result: dict[str, Any] = {"version": meeting.version}
    if made is not None:
        result["id"] = made.id
    return result


@operation(
    "/organisations/<slug>/meetings",
    "POST",
    summary="Schedule a meeting of a body (chair or admin)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "body": {"type": "string"},
            "title": {"type": "string"},
            "scheduled_for": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "enum": [k.value for k in MeetingKind]},
            "called_by": {"type": "string", "enum": [c.value for c in CalledBy]},
            "grounds": {"type": "string"},
        },
        "required": ["body", "title", "scheduled_for"],
    },
    response=STATE,
    status=201,
)
def schedule(slug: str) -> dict[str, Any]:
    data = json_body()
    org = by_slug(slug)
    body = next((b for b in org.bodies if b.slug == data.get("body")), None) if org else None
    if body is None:
        raise NotFound(_("No such body."))
    try:
        when = datetime.fromisoformat(text_field(data, "scheduled_for"))
        kind = MeetingKind(data.get("kind", "regular"))
        called_by = CalledBy(data.get("called_by", "schedule"))
    except ValueError as error:
        raise Invalid(_("Check the date, kind and caller of the meeting."), field="kind") from error
    meeting = meetings.schedule_meeting(
        api_person(),
        body,
        title=text_field(data, "title"),
        scheduled_for=when,
        kind=kind,
        called_by=called_by,
        grounds=text_field(data, "grounds"),
    )
    return state_json(meeting_state(meeting), named=True)


@operation(
    "/meetings/<int:meeting_id>",
    "GET",
    summary="A meeting's state (for those the body's screens setting lets watch)",
    tag=TAG,
    response=STATE,
)
def get_meeting(meeting_id: int) -> dict[str, Any]:
    return state_json(meeting_state(watched(meeting_id)), named=True)


@operation(
    "/meetings/<int:meeting_id>/display-link",
    "POST",
    summary="Give the projector a new display link; the old one stops working (chair)",
    tag=TAG,
    scope="chair",
    response={
        "type": "object",
        "properties": {"version": {"type": "integer"}, "url": {"type": "string"}},
    },
)
def new_display_link(meeting_id: int) -> dict[str, Any]:
    meeting = display.new_display_link(api_person(), meetings.get_meeting(meeting_id))
    return {**_done(meeting), "url": display.link(meeting)}


@operation(
    "/meetings/<int:meeting_id>/check-in",
    "POST",
    summary="Check in with the meeting's code",
    tag=TAG,
    scope="vote",
    request={"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]},
    response=OK,
)
def check_in(meeting_id: int) -> dict[str, Any]:
    meeting = meetings.get_meeting(meeting_id)
    made = meetings.check_in(
        api_person(), meeting, text_field(json_body(), "code"), CheckInVia.LINK
    )
    return _done(meeting, made)


@operation(
    "/meetings/<int:meeting_id>/open",
    "POST",
    summary="Open the meeting",
    tag=TAG,
    scope="chair",
    response=OK,
)
def open_meeting(meeting_id: int) -> dict[str, Any]:
    return _done(meetings.open_meeting(api_person(), meetings.get_meeting(meeting_id)))


@operation(
    "/meetings/<int:meeting_id>/close",
    "POST",
    summary="Close the meeting",
    tag=TAG,
    scope="chair",
    response=OK,
)
def close_meeting(meeting_id: int) -> dict[str, Any]:
    return _done(meetings.close_meeting(api_person(), meetings.get_meeting(meeting_id)))


@operation(
    "/meetings/<int:meeting_id>/reopen",
    "POST",
    summary="Reopen a closed meeting, saying why (refused once its minutes are approved)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {"reason": {"type": "string", "maxLength": 500}},
        "required": ["reason"],
    },
    response=OK,
)
def reopen_meeting(meeting_id: int) -> dict[str, Any]:
    data = json_body()
    return _done(
        meetings.reopen_meeting(
            api_person(), meetings.get_meeting(meeting_id), str(data.get("reason", ""))
        )
    )


@operation(
    "/meetings/<int:meeting_id>/items",
    "POST",
    summary="Submit an agenda item, with its motion if a text is given",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "section": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "late_reason": {"type": "string"},
            "motion_text": {"type": "string"},
            "methods_text": {"type": "string"},
        },
        "required": ["title"],
    },
    response=OK,
    status=201,
)
def submit_item(meeting_id: int) -> dict[str, Any]:
    meeting = meetings.get_meeting(meeting_id)
    data = json_body()
    fields = ("title", "description", "late_reason", "motion_text", "methods_text")
    item = agenda.submit_item(
        api_person(),
        meeting,
        section=text_field(data, "section") or agenda.sections(meeting)[0],
        **{name: text_field(data, name) for name in fields},
    )
    return _done(meeting, item)


def _item_action(action: Any, item_id: int, *args: Any) -> dict[str, Any]:
    item = action(api_person(), agenda.get_item(item_id), *args)
    return _done(item.meeting)


@operation(
    "/items/<int:item_id>/open",
    "POST",
    summary="Open discussion",
    tag=TAG,
    scope="chair",
    response=OK,
)
def open_item(item_id: int) -> dict[str, Any]:
    return _item_action(agenda.open_item, item_id)


@operation(
    "/items/<int:item_id>/close",
    "POST",
    summary="Close an item",
    tag=TAG,
    scope="chair",
    response=OK,
)
def close_item(item_id: int) -> dict[str, Any]:
    return _item_action(agenda.close_item, item_id)


@operation(
    "/items/<int:item_id>/move",
    "POST",
    summary="Move an item on the agenda (by decision of the meeting)",
    tag=TAG,
    scope="chair",
    request={"type": "object", "properties": {"position": {"type": "integer"}}},
    response=OK,
)
def move_item(item_id: int) -> dict[str, Any]:
    return _item_action(agenda.move_item, item_id, int_field(json_body(), "position") or 1)


@operation(
    "/items/<int:item_id>/suspend",
    "POST",
    summary="Suspend an item, or restore it with suspended=false",
    tag=TAG,
    scope="chair",
    request={"type": "object", "properties": {"suspended": {"type": "boolean"}}},
    response=OK,
)
def suspend_item(item_id: int) -> dict[str, Any]:
    return _item_action(agenda.suspend_item, item_id, json_body().get("suspended", True) is True)


@operation(
    "/motions/<int:motion_id>/amendments",
    "POST",
    summary="Propose an amendment to a paragraph (numbered from 1) or the whole motion",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "paragraph": {"type": ["integer", "null"]},
            "reason": {"type": "string"},
        },
        "required": ["text"],
    },
    response=OK,
    status=201,
)
def propose_amendment(motion_id: int) -> dict[str, Any]:
    motion = motions.get_motion(motion_id)
    data = json_body()
    made = motions.propose_amendment(
        api_person(),
        motion,
        text=text_field(data, "text"),
        paragraph=int_field(data, "paragraph"),
        reason=text_field(data, "reason"),
    )
    return _done(motion.item.meeting, made)


@operation(
    "/amendments/<int:amendment_id>/friendly",
    "POST",
    summary="Accept an amendment as friendly (the motion's proposer or their delegates)",
    tag=TAG,
    scope="vote",
    response=OK,
)
def accept_friendly(amendment_id: int) -> dict[str, Any]:
    made = motions.accept_friendly(api_person(), motions.get_amendment(amendment_id))
    return _done(made.motion.item.meeting)


@operation(
    "/amendments/<int:amendment_id>/put",
    "POST",
    summary="Put an amendment to the meeting",
    tag=TAG,
    scope="chair",
    response=OK,
)
def put_to_meeting(amendment_id: int) -> dict[str, Any]:
    made = motions.put_to_meeting(api_person(), motions.get_amendment(amendment_id))
    return _done(made.motion.item.meeting)


@operation(
    "/motions/<int:motion_id>/tests",
    "POST",
    summary="Test for agreement on a motion or an amendment put to the meeting (chair)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {"minutes": {"type": "integer"}, "amendment": {"type": "integer"}},
    },
    response=OK,
    status=201,
)
def open_test(motion_id: int) -> dict[str, Any]:
    motion = motions.get_motion(motion_id)
    data = json_body()
    amendment_id = int_field(data, "amendment")
    test = consensus.open_test(
        api_person(),
        motion,
        minutes=int_field(data, "minutes"),
        amendment=motions.get_amendment(amendment_id) if amendment_id else None,
    )
    return _done(motion.item.meeting, test)


@operation(
    "/tests/<int:test_id>/answer",
    "POST",
    summary="Answer a test for agreement: agree, reservations, stand_aside or block",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "response": {
                "type": "string",
                "enum": ["agree", "reservations", "stand_aside", "block"],
            },
            "reason": {"type": "string"},
        },
        "required": ["response"],
    },
    response=OK,
)
def answer(test_id: int) -> dict[str, Any]:
    test = consensus.get_test(test_id)
    data = json_body()
    consensus.answer(api_person(), test, text_field(data, "response"), text_field(data, "reason"))
    return _done(test.item.meeting)


@operation(
    "/tests/<int:test_id>/close",
    "POST",
    summary="Record the outcome of a test for agreement (chair)",
    tag=TAG,
    scope="chair",
    response=OK,
)
def close_test(test_id: int) -> dict[str, Any]:
    test = consensus.close_test(api_person(), consensus.get_test(test_id))
    return {**_done(test.item.meeting), "outcome": test.outcome.value, "summary": test.summary}


@operation(
    "/motions/<int:motion_id>/put-to-vote",
    "POST",
    summary="Put a motion or amendment without consensus to the vote: prepares its poll (chair)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "amendment": {"type": "integer"},
            "special": {"type": "string", "description": "a special decision of the body"},
            "mode": {"type": "string", "enum": [m.value for m in PollMode]},
            "minutes": {"type": "integer"},
        },
    },
    response=OK,
    status=201,
)
def put_to_vote(motion_id: int) -> dict[str, Any]:
    motion = motions.get_motion(motion_id)
    data = json_body()
    amendment_id = int_field(data, "amendment")
    try:
        mode = PollMode(text_field(data, "mode") or "open")
    except ValueError:
        raise Invalid(_("Check the mode of the poll."), field="mode") from None
    poll = floor.put_to_vote(
        api_person(),
        motion,
        amendment=motions.get_amendment(amendment_id) if amendment_id else None,
        special=text_field(data, "special"),
        mode=mode,
        minutes=int_field(data, "minutes"),
    )
    return _done(motion.item.meeting, poll)


@operation(
    "/motions/<int:motion_id>/straight-to-vote",
    "POST",
    summary=(
        "Record that the meeting decided to put a motion or an amendment put to it to a vote "
        "without testing for agreement, and why (chair)"
    ),
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {"reason": {"type": "string"}, "amendment": {"type": "integer"}},
        "required": ["reason"],
    },
    response=OK,
    status=201,
)
def straight_to_vote(motion_id: int) -> dict[str, Any]:
    motion = motions.get_motion(motion_id)
    data = json_body()
    amendment_id = int_field(data, "amendment")
    decision = handover.go_straight_to_vote(
        api_person(),
        motion,
        text_field(data, "reason"),
        amendment=motions.get_amendment(amendment_id) if amendment_id else None,
    )
    return _done(motion.item.meeting, decision)


@operation(
    "/items/<int:item_id>/hands",
    "POST",
    summary="Raise a hand on the item under discussion",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "kind": {
                "type": "string",
                "enum": ["contribution", "question", "point_of_order", "direct_response"],
            },
            "viewpoint": {"type": "string"},
        },
    },
    response=OK,
    status=201,
)
def raise_hand(item_id: int) -> dict[str, Any]:
    item = agenda.get_item(item_id)
    data = json_body()
    made = speaking.raise_hand(
        api_person(),
        item,
        text_field(data, "kind") or "contribution",
        text_field(data, "viewpoint"),
    )
    return _done(item.meeting, made)


@operation(
    "/hands/<int:request_id>/withdraw",
    "POST",
    summary="Lower your hand",
    tag=TAG,
    scope="vote",
    response=OK,
)
def withdraw_hand(request_id: int) -> dict[str, Any]:
    made = speaking.withdraw_hand(api_person(), speaking.get_request(request_id))
    return _done(made.item.meeting)


@operation(
    "/items/<int:item_id>/next",
    "POST",
    summary="Call the next speaker (chair); `after` is the request seen speaking, or 0",
    tag=TAG,
    scope="chair",
    request={"type": "object", "properties": {"after": {"type": "integer"}}},
    response=OK,
)
def call_next(item_id: int) -> dict[str, Any]:
    item = agenda.get_item(item_id)
    called = speaking.call_next(api_person(), item, after=int_field(json_body(), "after"))
    return _done(item.meeting, called)


@operation(
    "/hands/<int:request_id>/timer",
    "POST",
    summary="Start or stop the timer of the contribution being made (chair)",
    tag=TAG,
    scope="chair",
    request={"type": "object", "properties": {"running": {"type": "boolean"}}},
    response=OK,
)
def timer(request_id: int) -> dict[str, Any]:
    running = json_body().get("running") is True
    made = speaking.set_timer(api_person(), speaking.get_request(request_id), running)
    return _done(made.item.meeting)


@operation(
    "/hands/<int:request_id>/remove",
    "POST",
    summary="Remove a request from the queue (chair)",
    tag=TAG,
    scope="chair",
    response=OK,
)
def remove_request(request_id: int) -> dict[str, Any]:
    made = speaking.remove_request(api_person(), speaking.get_request(request_id))
    return _done(made.item.meeting)


@operation(
    "/hands/<int:request_id>/up",
    "POST",
    summary="Move a request one place up the queue (chair)",
    tag=TAG,
    scope="chair",
    response=OK,
)
def move_up(request_id: int) -> dict[str, Any]:
    made = speaking.move_up(api_person(), speaking.get_request(request_id))
    return _done(made.item.meeting)


@operation(
    "/items/<int:item_id>/speakers-list",
    "POST",
    summary="Close the list of speakers, or reopen it with closed=false (chair)",
    tag=TAG,
    scope="chair",
    request={"type": "object", "properties": {"closed": {"type": "boolean"}}},
    response=OK,
)
def close_list(item_id: int) -> dict[str, Any]:
    return _item_action(speaking.close_list, item_id, json_body().get("closed", True) is True)
