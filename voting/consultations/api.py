"""API: a body's electronic consultations, through the same services as the pages. The
fallback vote is a poll (`/polls/<id>`, voted on with `POST /polls/<id>/votes`)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from voting.consultations.models import Consultation
from voting.consultations.services import consultations as service
from voting.core.api import api_person, json_body, operation, text_field
from voting.core.errors import NotFound
from voting.org.services.bodies import body_in
from voting.org.services.organisations import by_slug
from voting.rules.consensus import Response

TAG = "consultations"
CONSULTATION = {
    "type": "object",
    "description": "A consultation: proposal, times (UTC, ISO 8601), status, roll size, "
    "answers (counts and names once shown), outcome, the fallback poll",
}
TIMES = {
    "opens_at": {"type": "string", "description": "ISO 8601 with an offset; empty: now"},
    "closes_at": {"type": "string", "description": "ISO 8601 with an offset"},
    "time_zone": {"type": "string", "description": "For times given without an offset"},
}
SETTINGS = {
    "title": {"type": "string"},
    "proposal": {"type": "string"},
    **TIMES,
    "participants": {"type": "string", "enum": ["members", "units"]},
    "reasons": {"type": "string", "enum": ["off", "optional", "required"]},
    "results_hidden": {"type": "boolean"},
    "anonymous": {"type": "boolean", "description": "Answers shown without names"},
    "vote_mode": {"type": "string", "enum": ["open", "named", "secret"]},
    "vote_days": {"type": "integer"},
}
CHANGE = {
    "type": "object",
    "properties": {
        "closes_at": TIMES["closes_at"],
        "time_zone": TIMES["time_zone"],
        "reason": {"type": "string"},
    },
    "required": ["closes_at", "reason"],
}


def consultation_json(consultation: Consultation) -> dict[str, Any]:
    shown = service.results_shown(consultation)
    reading = service.outcome_of(consultation)  # read once: the counts and the sentence
    counts = service.counts_of(reading)
    return {
        "id": consultation.id,
        "body": consultation.body_id,
        "title": consultation.title,
        "proposal": consultation.proposal,
        "status": consultation.status.value,
        "participants": consultation.participants.value,
        "reasons": consultation.reasons.value,
        "results_hidden": consultation.results_hidden,
        "anonymous": consultation.anonymous,
        "opens_at": consultation.opens_at.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
        "roll": counts["roll"],
        "answered": counts["answered"],
        "counts": {r.value: counts[r] for r in Response} if shown else None,
        "answers": [
            {"participant": name, "response": str(response), "reason": reason}
            for name, response, reason in service.listed_answers(consultation, None)
        ]
        if shown
        else None,
        "outcome": consultation.outcome.value,
        "explanation": service.explanation(consultation, reading) if shown else None,
        "statement": consultation.statement,
        "review_on": consultation.review_on.isoformat() if consultation.review_on else None,
        "poll": consultation.poll_id,
        "changes": [
            {"kind": c.kind, "reason": c.reason, "closes_at": c.new_closes_at.isoformat()}
            for c in consultation.changes
        ],
    }


def _read(consultation_id: int) -> Consultation:
    consultation = service.get_consultation(consultation_id)
    service.require_reader(api_person(), consultation)
    return service.close_if_due(consultation)


@operation(
    "/organisations/<slug>/bodies/<body_slug>/consultations",
    "GET",
    summary="A body's consultations (members of its organisation)",
    tag=TAG,
    response={"type": "array", "items": CONSULTATION},
)
def list_consultations(slug: str, body_slug: str) -> list[dict[str, Any]]:
    org = by_slug(slug)
    if org is None:
        raise NotFound(_("No such organisation."))
    body = body_in(org, body_slug)
    if not service.may_read(api_person(), body):
        raise NotFound(_("No such organisation."))
    return [consultation_json(service.close_if_due(c)) for c in service.of_body(body)]


@operation(
    "/organisations/<slug>/bodies/<body_slug>/consultations",
    "POST",
    summary="Prepare a consultation of the body; it opens at its opening time (chair)",
    tag=TAG,
    scope="chair",
    request={"type": "object", "properties": SETTINGS, "required": ["title", "proposal"]},
    response=CONSULTATION,
    status=201,
)
def create_consultation(slug: str, body_slug: str) -> dict[str, Any]:
    org = by_slug(slug)
    if org is None:
        raise NotFound(_("No such organisation."))
    made = service.create_consultation(api_person(), body_in(org, body_slug), json_body())
    return consultation_json(made)


@operation(
    "/consultations/<int:consultation_id>",
    "GET",
    summary="A consultation (answers and counts once shown)",
    tag=TAG,
    response=CONSULTATION,
)
def get_consultation(consultation_id: int) -> dict[str, Any]:
    return consultation_json(_read(consultation_id))


@operation(
    "/consultations/<int:consultation_id>",
    "PATCH",
    summary="Change a consultation before it opens (chair)",
    tag=TAG,
    scope="chair",
    request={"type": "object", "properties": SETTINGS},
    response=CONSULTATION,
)
def update_consultation(consultation_id: int) -> dict[str, Any]:
    found = _read(consultation_id)
    return consultation_json(service.update_consultation(api_person(), found, json_body()))


@operation(
    "/consultations/<int:consultation_id>/answer",
    "POST",
    summary="Answer: agree, reservations, stand_aside or block, with a reason (vote)",
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
            "unit_id": {"type": "integer", "description": "The unit answering, if several"},
        },
        "required": ["response"],
    },
    response=CONSULTATION,
)
def answer_consultation(consultation_id: int) -> dict[str, Any]:
    data = json_body()
    found = _read(consultation_id)
    service.answer(
        api_person(),
        found,
        text_field(data, "response"),
        text_field(data, "reason"),
        unit_id=data.get("unit_id"),
    )
    return consultation_json(found)


@operation(
    "/consultations/<int:consultation_id>/comments",
    "POST",
    summary="Add to the consultation's discussion (vote)",
    tag=TAG,
    scope="vote",
    request={"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
    response={"type": "object", "properties": {"id": {"type": "integer"}}},
    status=201,
)
def comment_on_consultation(consultation_id: int) -> dict[str, Any]:
    found = _read(consultation_id)
    made = service.comment(api_person(), found, text_field(json_body(), "text"))
    return {"id": made.id, "text": made.text, "at": made.at.isoformat()}


@operation(
    "/consultations/<int:consultation_id>/open",
    "POST",
    summary="Open now, before the opening time (chair)",
    tag=TAG,
    scope="chair",
    response=CONSULTATION,
)
def open_consultation(consultation_id: int) -> dict[str, Any]:
    return consultation_json(service.open_consultation(api_person(), _read(consultation_id)))


@operation(
    "/consultations/<int:consultation_id>/extend",
    "POST",
    summary="Give more time, with the reason (chair)",
    tag=TAG,
    scope="chair",
    request=CHANGE,
    response=CONSULTATION,
)
def extend_consultation(consultation_id: int) -> dict[str, Any]:
    return _change_times(service.extend, consultation_id)


def _change_times(change: Any, consultation_id: int) -> dict[str, Any]:
    """Extend or reopen: a new closing time and the reason, both recorded."""
    data = json_body()
    found = change(
        api_person(),
        _read(consultation_id),
        data.get("closes_at"),
        data.get("reason"),
        data.get("time_zone"),
    )
    return consultation_json(found)


@operation(
    "/consultations/<int:consultation_id>/reopen",
    "POST",
    summary="Reopen a closed consultation until a new time, with the reason (chair)",
    tag=TAG,
    scope="chair",
    request=CHANGE,
    response=CONSULTATION,
)
def reopen_consultation(consultation_id: int) -> dict[str, Any]:
    return _change_times(service.reopen, consultation_id)


@operation(
    "/consultations/<int:consultation_id>/close",
    "POST",
    summary="Close now; without consensus the fallback vote opens where the body votes (chair)",
    tag=TAG,
    scope="chair",
    response=CONSULTATION,
)
def close_consultation(consultation_id: int) -> dict[str, Any]:
    return consultation_json(service.close(api_person(), _read(consultation_id)))


@operation(
    "/consultations/<int:consultation_id>/vote",
    "POST",
    summary="Open the fallback vote when it could not open by itself (chair)",
    tag=TAG,
    scope="chair",
    response=CONSULTATION,
)
def start_consultation_vote(consultation_id: int) -> dict[str, Any]:
    return consultation_json(service.start_vote(api_person(), _read(consultation_id)))


@operation(
    "/consultations/<int:consultation_id>/outcome",
    "POST",
    summary="State the outcome after the close, with an optional review date (chair)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "statement": {"type": "string"},
            "review_on": {"type": "string", "format": "date"},
        },
        "required": ["statement"],
    },
    response=CONSULTATION,
)
def consultation_outcome(consultation_id: int) -> dict[str, Any]:
    data = json_body()
    found = service.state_outcome(
        api_person(), _read(consultation_id), data.get("statement"), data.get("review_on")
    )
    return consultation_json(found)
