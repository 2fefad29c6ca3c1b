"""API: polls put to a meeting, voting cards, mandates and proxies, through the same
services as the pages. A poll's own operations (open, vote, close...) are the ballots
domain's, whatever its subject.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from voting.ballots.api import POLL, poll_json
from voting.ballots.models import PollMode
from voting.core.api import api_person, int_field, json_body, operation, text_field
from voting.core.errors import Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.meetings.api.meetings import watched
from voting.meetings.models import CardAssignment, Meeting, PollKind
from voting.meetings.services import floor, meetings, representation
from voting.meetings.services.motions import get_amendment, get_motion
from voting.org.models import Unit
from voting.org.services.organisations import by_slug

TAG = "polls"
OK = {"type": "object", "properties": {"id": {"type": "integer"}}}


def _day(data: dict[str, Any], key: str) -> date | None:
    raw = text_field(data, key)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("Give a date such as 2025-03-01."), field=key) from None


@operation(
    "/meetings/<int:meeting_id>/polls",
    "POST",
    summary="Prepare a poll (chair)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "question": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in PollKind]},
            "mode": {"type": "string", "enum": [m.value for m in PollMode]},
            "motion": {"type": "integer"},
            "amendment": {"type": "integer"},
            "choices": {"type": "array", "items": {"type": "string"}},
            "special": {"type": "string"},
            "free_vote": {"type": "boolean"},
            "minutes": {"type": "integer"},
        },
    },
    response=POLL,
    status=201,
)
def create(meeting_id: int) -> dict[str, Any]:
    data = json_body()
    meeting = meetings.get_meeting(meeting_id)
    try:
        kind = PollKind(data.get("kind", "motion"))
        mode = PollMode(data.get("mode", "open"))
    except ValueError:
        raise Invalid(_("Check the kind and mode of the poll."), field="mode") from None
    choices = data.get("choices")
    if choices is not None and (
        not isinstance(choices, list) or not all(isinstance(c, str) for c in choices)
    ):
        raise Invalid(_("choices must be a list of texts."), field="choices")
    motion_id, amendment_id = int_field(data, "motion"), int_field(data, "amendment")
    poll = floor.create_poll(
        api_person(),
        meeting,
        question=text_field(data, "question"),
        kind=kind,
        mode=mode,
        motion=get_motion(motion_id) if motion_id else None,
        amendment=get_amendment(amendment_id) if amendment_id else None,
        choices=choices,
        special=text_field(data, "special"),
        free_vote=data.get("free_vote") is True,
        minutes=int_field(data, "minutes"),
    )
    return poll_json(poll)


@operation("/meetings/<int:meeting_id>/polls", "GET", summary="A meeting's polls", tag=TAG)
def meeting_polls(meeting_id: int) -> dict[str, Any]:
    meeting = watched(meeting_id)
    return {"polls": [poll_json(p) for p in floor.polls_of(meeting)]}


# --- Cards, mandates, proxies ---------------------------------------------------------------


@operation(
    "/organisations/<slug>/cards",
    "POST",
    summary="Hand a unit's voting cards to a representative (secretary)",
    tag=TAG,
    scope="admin",
    request={
        "type": "object",
        "properties": {
            "unit": {"type": "integer"},
            "email": {"type": "string"},
            "cards": {"type": "integer"},
            "meeting": {"type": "integer"},
            "starts_on": {"type": "string", "format": "date"},
            "ends_on": {"type": "string", "format": "date"},
        },
        "required": ["unit", "email"],
    },
    response=OK,
    status=201,
)
def assign_cards(slug: str) -> dict[str, Any]:
    data = json_body()
    org = by_slug(slug)
    unit = db.session.get(Unit, int_field(data, "unit") or 0)
    if org is None or unit is None or unit.organisation_id != org.id:
        raise NotFound(_("No such unit."))
    meeting_id = int_field(data, "meeting")
    meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
    made = representation.assign_cards(
        api_person(),
        unit,
        representation.card_holder(api_person(), unit, text_field(data, "email")),
        cards=int_field(data, "cards"),
        meeting=meeting,
        starts_on=_day(data, "starts_on"),
        ends_on=_day(data, "ends_on"),
    )
    return {"id": made.id}


@operation(
    "/cards/<int:assignment_id>/remove",
    "POST",
    summary="Take cards back (secretary)",
    tag=TAG,
    scope="admin",
)
def remove_cards(assignment_id: int) -> dict[str, Any]:
    assignment = db.session.get(CardAssignment, assignment_id)
    if assignment is None:
        raise NotFound(_("No such card assignment."))
    representation.remove_cards(api_person(), assignment)
    return {"removed": assignment_id}


@operation(
    "/motions/<int:motion_id>/mandates",
    "POST",
    summary="Record a unit's mandate on a motion: yes, no, abstain or free",
    tag=TAG,
    scope="admin",
    request={
        "type": "object",
        "properties": {
            "unit": {"type": "integer"},
            "instruction": {"type": "string", "enum": ["yes", "no", "abstain", "free"]},
            "note": {"type": "string"},
        },
        "required": ["unit", "instruction"],
    },
    response=OK,
)
def record_mandate(motion_id: int) -> dict[str, Any]:
    data = json_body()
    unit = db.session.get(Unit, int_field(data, "unit") or 0)
    if unit is None:
        raise NotFound(_("No such unit."))
    made = representation.record_mandate(
        api_person(),
        unit,
        get_motion(motion_id),
        text_field(data, "instruction"),
        text_field(data, "note"),
    )
    return {"id": made.id}


@operation(
    "/meetings/<int:meeting_id>/proxies",
    "POST",
    summary="Give your vote to another member, for the meeting or one motion",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "email": {"type": "string"},
            "motion": {"type": "integer"},
            "instruction": {"type": "string", "enum": ["yes", "no", "abstain"]},
        },
        "required": ["email"],
    },
    response=OK,
    status=201,
)
def appoint_proxy(meeting_id: int) -> dict[str, Any]:
    data = json_body()
    motion_id = int_field(data, "motion")
    meeting = meetings.get_meeting(meeting_id)
    made = representation.appoint_proxy(
        api_person(),
        meeting,
        representation.proxy_holder(api_person(), meeting, text_field(data, "email")),
        motion=get_motion(motion_id) if motion_id else None,
        instruction=text_field(data, "instruction") or None,
    )
    return {"id": made.id}


@operation(
    "/proxies/<int:proxy_id>/revoke", "POST", summary="Take your proxy back", tag=TAG, scope="vote"
)
def revoke_proxy(proxy_id: int) -> dict[str, Any]:
    made = representation.revoke_proxy(api_person(), representation.get_proxy(proxy_id))
    return {"id": made.id, "revoked": True}


@operation(
    "/meetings/<int:meeting_id>/units/<int:unit_id>/report",
    "GET",
    summary="How a unit's delegates voted, and the late items with their reasons",
    tag=TAG,
)
def unit_report(meeting_id: int, unit_id: int) -> dict[str, Any]:
    meeting = meetings.get_meeting(meeting_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.organisation_id != meeting.body.organisation_id:
        raise NotFound(_("No such unit."))
    person = api_person()
    if not (
        any(m.unit_id == unit.id for m in person.memberships)
        or representation.may_mandate(person, unit)
    ):
        raise NotAllowed(_("You do not have the right to see this report."))
    report = representation.unit_report(meeting, unit)
    return {
        "votes": [
            {
                "poll": v.poll.id,
                "question": v.poll.question,
                "delegate": v.delegate,
                "parts": v.parts,
                "mandate": v.mandate,
                "against_mandate": v.against,
            }
            for v in report.votes
        ],
        "late_items": [{"title": t, "reason": r} for t, r in report.late_items],
    }
