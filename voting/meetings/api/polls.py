"""API: polls on the floor, voting cards, mandates and proxies, through the same services as
the pages. A vote's response comes after its commit: an acknowledged vote is stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from voting.ballots.models import Poll, PollKind, PollMode
from voting.ballots.services import entitlements, polls
from voting.core import batch, throttle
from voting.core.api import api_person, int_field, json_body, operation, text_field
from voting.core.errors import Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.meetings.models import CardAssignment, Meeting
from voting.meetings.services import meetings, representation
from voting.meetings.services.motions import get_amendment, get_motion
from voting.membership.services.members import find_person
from voting.org.models import Unit
from voting.org.services.organisations import by_slug

TAG = "polls"
POLL = {"type": "object", "description": "A poll: question, mode, status, progress, result"}
OK = {"type": "object", "properties": {"id": {"type": "integer"}}}


def _day(data: dict[str, Any], key: str) -> date | None:
    raw = text_field(data, key)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("Give a date such as 2025-03-01."), field=key) from None


def _person(data: dict[str, Any], key: str = "email") -> Any:
    person = find_person(text_field(data, key).strip().lower())
    if person is None:
        raise NotFound(_("Nobody has the email %(email)s.", email=text_field(data, key)))
    return person


def _poll(poll_id: int) -> Poll:
    return polls.close_if_due(polls.get_poll(poll_id))


def poll_json(poll: Poll) -> dict[str, Any]:
    """A poll as API clients see it (the result once closed; never a secret voter's choice)."""
    progress = polls.progress(poll)
    return {
        "id": poll.id,
        "meeting": poll.meeting_id,
        "motion": poll.motion_id,
        "amendment": poll.amendment_id,
        "kind": poll.kind.value,
        "question": poll.question,
        "choices": poll.choices,
        "mode": poll.mode.value,
        "special": poll.special,
        "status": poll.status.value,
        "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
        "annul_reason": poll.annul_reason or None,
        "rerun_of": poll.rerun_of_id,
        "progress": {
            "voters": progress.voters,
            "voters_total": progress.voters_total,
            "weight": progress.weight,
            "weight_total": progress.weight_total,
            "text": progress.sentence(),
        },
        "result": (
            {
                **{k: v for k, v in poll.result.items() if k != "messages"},
                "sentences": polls.result_sentences(poll),
            }
            if poll.result
            else None
        ),
    }


@operation(
    "/meetings/<int:meeting_id>/polls",
    "POST",
    summary="Prepare a poll (chair)",
    tag=TAG,
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
    poll = polls.create_poll(
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
    meeting = meetings.get_meeting(meeting_id)
    return {"polls": [poll_json(p) for p in polls.polls_of(meeting)]}


@operation("/polls/<int:poll_id>", "GET", summary="A poll and its progress", tag=TAG, response=POLL)
def get(poll_id: int) -> dict[str, Any]:
    return poll_json(_poll(poll_id))


@operation(
    "/polls/<int:poll_id>/preview",
    "GET",
    summary="Who would hold what if the poll opened now, and privacy warnings (chair)",
    tag=TAG,
)
def preview(poll_id: int) -> dict[str, Any]:
    result = polls.preview_poll(api_person(), _poll(poll_id))
    return {
        "lines": result.lines(),
        "entitled": result.result.entitled,
        "privacy_warnings": result.warnings(),
    }


@operation(
    "/polls/<int:poll_id>/open",
    "POST",
    summary="Open the poll: snapshot the entitlements (chair)",
    tag=TAG,
    request={"type": "object", "properties": {"confirm_privacy": {"type": "boolean"}}},
    response=POLL,
)
def open_poll(poll_id: int) -> dict[str, Any]:
    data = json_body()
    poll = polls.open_poll(
        api_person(), _poll(poll_id), confirm_privacy=data.get("confirm_privacy") is True
    )
    return poll_json(poll)


@operation(
    "/polls/<int:poll_id>/close", "POST", summary="Close and count (chair)", tag=TAG, response=POLL
)
def close(poll_id: int) -> dict[str, Any]:
    return poll_json(polls.close_poll(api_person(), _poll(poll_id)))


@operation(
    "/polls/<int:poll_id>/annul",
    "POST",
    summary="Annul a poll with a reason; optionally prepare it again (chair)",
    tag=TAG,
    request={
        "type": "object",
        "properties": {"reason": {"type": "string"}, "rerun": {"type": "boolean"}},
        "required": ["reason"],
    },
    response=POLL,
)
def annul(poll_id: int) -> dict[str, Any]:
    data = json_body()
    made = polls.annul_poll(
        api_person(), _poll(poll_id), text_field(data, "reason"), rerun=data.get("rerun") is True
    )
    return poll_json(made)


@operation(
    "/polls/<int:poll_id>/mine",
    "GET",
    summary="The votes you hold in the poll, with their reasons",
    tag=TAG,
)
def mine(poll_id: int) -> dict[str, Any]:
    poll = _poll(poll_id)
    person = api_person()
    held = entitlements.holdings_of(poll, person)
    used = polls.used_keys(poll)
    return {
        "holdings": [
            {
                "key": h.voter_key,
                "weight": h.weight,
                "reason": entitlements.text_of(h.reason),
                "instruction": h.instruction,
                "mandate": h.mandate,
                "cast": h.voter_key in used,
            }
            for h in held
        ],
        "refusals": entitlements.refusals_of(poll, person) if not held else [],
    }


@operation(
    "/polls/<int:poll_id>/votes",
    "POST",
    summary="Cast your votes: all alike, per holding (keys), or split",
    tag=TAG,
    request={
        "type": "object",
        "properties": {
            "choice": {"type": "string"},
            "keys": {"type": "array", "items": {"type": "string"}},
            "split": {"type": "object", "additionalProperties": {"type": "integer"}},
            "confirm_against_mandate": {"type": "boolean"},
        },
    },
    response={
        "type": "object",
        "properties": {
            "keys": {"type": "array", "items": {"type": "string"}},
            "tracker": {"type": ["string", "null"]},
            "already": {"type": "boolean"},
            "against": {"type": "array", "items": {"type": "string"}},
        },
    },
    status=201,
)
def vote(poll_id: int) -> dict[str, Any]:
    data = json_body()
    keys, split = data.get("keys"), data.get("split")
    if keys is not None and (
        not isinstance(keys, list) or not all(isinstance(k, str) for k in keys)
    ):
        raise Invalid(_("keys must be a list of texts."), field="keys")
    if split is not None and (
        not isinstance(split, dict)
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in split.values())
    ):
        raise Invalid(_("split gives a whole number of votes per choice."), field="split")
    throttle.vote_allowed(api_person())
    receipt = batch.call(  # through the group commit, like the phones
        polls.cast,
        api_person(),
        _poll(poll_id),
        choice=data.get("choice") if isinstance(data.get("choice"), str) else None,
        split=split,
        keys=keys,
        confirm_against_mandate=data.get("confirm_against_mandate") is True,
    )
    return {
        "keys": receipt.keys,
        "tracker": receipt.tracker,
        "already": receipt.already,
        "against": receipt.against,
    }


@operation(
    "/polls/<int:poll_id>/trackers",
    "GET",
    summary="After a secret poll: the tracker hashes (sorted) and the choices (shuffled), apart",
    tag=TAG,
    auth=False,
)
def trackers(poll_id: int) -> dict[str, Any]:
    poll = _poll(poll_id)
    return {"trackers": polls.published_trackers(poll), "choices": polls.published_choices(poll)}


# --- Cards, mandates, proxies ---------------------------------------------------------------


@operation(
    "/organisations/<slug>/cards",
    "POST",
    summary="Hand a unit's voting cards to a representative (secretary)",
    tag=TAG,
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
        _person(data),
        cards=int_field(data, "cards"),
        meeting=meeting,
        starts_on=_day(data, "starts_on"),
        ends_on=_day(data, "ends_on"),
    )
    return {"id": made.id}


@operation(
    "/cards/<int:assignment_id>/remove", "POST", summary="Take cards back (secretary)", tag=TAG
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
    made = representation.appoint_proxy(
        api_person(),
        meetings.get_meeting(meeting_id),
        _person(data),
        motion=get_motion(motion_id) if motion_id else None,
        instruction=text_field(data, "instruction") or None,
    )
    return {"id": made.id}


@operation("/proxies/<int:proxy_id>/revoke", "POST", summary="Take your proxy back", tag=TAG)
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
