"""API: requisitions of a meeting, through the same services as the pages. Members of
the organisation read them; those entitled start and sign them (scope `vote`); a
secretary calls the meeting a reached one demands (scope `chair`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from voting.core.api import api_person, int_field, json_body, operation, text_field
from voting.core.errors import Invalid, NotFound
from voting.meetings.models import Requisition
from voting.meetings.services import requisitions
from voting.org.services.organisations import by_slug

TAG = "requisitions"
TIME = {"type": ["string", "null"], "format": "date-time"}
REQUISITION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "body": {"type": "string"},
        "title": {"type": "string"},
        "kind": {"type": "string"},
        "grounds": {"type": "string"},
        "rule": {"type": "string"},
        "rule_label": {"type": "string"},
        "signatories": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "reached", "convened", "closed"]},
        "signatures": {"type": "integer"},
        "needed": {"type": "integer"},
        "eligible": {"type": "integer", "description": "Who could sign when it started"},
        "remaining": {"type": "integer"},
        "notice_days": {"type": "integer"},
        "within_days": {"type": "integer"},
        "started_at": {"type": "string", "format": "date-time"},
        "reached_at": TIME,
        "convene_by": TIME,
        "meeting": {"type": ["integer", "null"]},
        "signed": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": ["string", "null"]},
                    "unit": {"type": ["string", "null"]},
                    "signed_at": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
    "required": ["id", "body", "title", "status", "signatures", "needed", "eligible"],
}
UNIT = {"type": "object", "properties": {"unit": {"type": ["integer", "null"]}}}


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def requisition_json(requisition: Requisition) -> dict[str, Any]:
    progress = requisitions.progress_of(requisition)
    return {
        "id": requisition.id,
        "body": requisition.body.slug,
        "title": requisition.title,
        "kind": requisition.kind.value,
        "grounds": requisition.grounds,
        "rule": requisition.rule,
        "rule_label": requisition.rule_label,
        "signatories": requisition.signatories.value,
        "status": requisition.status.value,
        "signatures": progress.signatures,
        "needed": progress.needed,
        "eligible": progress.eligible,
        "remaining": progress.remaining,
        "notice_days": requisition.notice_days,
        "within_days": requisition.within_days,
        "started_at": requisition.started_at.isoformat(),
        "reached_at": _time(requisition.reached_at),
        "convene_by": _time(requisition.convene_by),
        "meeting": requisition.meeting_id,
        "signed": [
            {
                "name": s.person.name if s.person else None,
                "unit": s.unit.name if s.unit else None,
                "signed_at": s.signed_at.isoformat(),
            }
            for s in requisitions.standing(requisition)
        ],
    }


def _organisation(slug: str) -> Any:
    org = by_slug(slug)
    if org is None or not requisitions.may_view(api_person(), org):
        raise NotFound(_("No such organisation."))
    return org


@operation(
    "/organisations/<slug>/requisitions",
    "GET",
    summary="The organisation's requisitions of meetings, newest first (its members)",
    tag=TAG,
    response={
        "type": "object",
        "properties": {"requisitions": {"type": "array", "items": REQUISITION}},
    },
)
def list_requisitions(slug: str) -> dict[str, Any]:
    org = _organisation(slug)
    found = requisitions.list_requisitions(api_person(), org)
    return {"requisitions": [requisition_json(r) for r in found]}


@operation(
    "/organisations/<slug>/requisitions",
    "POST",
    summary="Start a requisition of a meeting of a body under one of its rules, signed first "
    "by you (for `unit` where units sign)",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "body": {"type": "string"},
            "rule": {"type": "string"},
            "title": {"type": "string"},
            "grounds": {"type": "string"},
            "unit": {"type": ["integer", "null"]},
        },
        "required": ["body", "rule", "title", "grounds"],
    },
    response=REQUISITION,
    status=201,
)
def start(slug: str) -> dict[str, Any]:
    data = json_body()
    org = _organisation(slug)
    body = requisitions.body_of(org, text_field(data, "body"))
    made = requisitions.start_requisition(
        api_person(),
        body,
        rule=text_field(data, "rule"),
        title=text_field(data, "title"),
        grounds=text_field(data, "grounds"),
        unit_id=int_field(data, "unit"),
    )
    return requisition_json(made)


@operation(
    "/requisitions/<int:requisition_id>",
    "GET",
    summary="A requisition: its count against the threshold, who signed, its deadline",
    tag=TAG,
    response=REQUISITION,
)
def get_requisition(requisition_id: int) -> dict[str, Any]:
    return requisition_json(requisitions.get_requisition(api_person(), requisition_id))


@operation(
    "/requisitions/<int:requisition_id>/signatures",
    "POST",
    summary="Sign a requisition (for `unit` where units sign); signing twice is refused",
    tag=TAG,
    scope="vote",
    request=UNIT,
    response=REQUISITION,
    status=201,
)
def sign(requisition_id: int) -> dict[str, Any]:
    requisition = requisitions.get_requisition(api_person(), requisition_id)
    requisitions.sign(api_person(), requisition, unit_id=int_field(json_body(), "unit"))
    return requisition_json(requisition)


@operation(
    "/requisitions/<int:requisition_id>/withdraw",
    "POST",
    summary="Withdraw your signature (or your unit's) while the requisition is open",
    tag=TAG,
    scope="vote",
    request=UNIT,
    response=REQUISITION,
)
def withdraw(requisition_id: int) -> dict[str, Any]:
    requisition = requisitions.get_requisition(api_person(), requisition_id)
    done = requisitions.withdraw_signature(
        api_person(), requisition, unit_id=int_field(json_body(), "unit")
    )
    return requisition_json(done)


@operation(
    "/requisitions/<int:requisition_id>/close",
    "POST",
    summary="Close an open requisition (whoever started it, or a secretary)",
    tag=TAG,
    scope="vote",
    response=REQUISITION,
)
def close(requisition_id: int) -> dict[str, Any]:
    requisition = requisitions.get_requisition(api_person(), requisition_id)
    return requisition_json(requisitions.close_requisition(api_person(), requisition))


@operation(
    "/requisitions/<int:requisition_id>/meeting",
    "POST",
    summary="Call the meeting a reached requisition demands (a secretary, the chair or an "
    "admin): its kind, caller and grounds come from the requisition",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "scheduled_for": {"type": "string", "format": "date-time"},
            "title": {"type": "string"},
        },
        "required": ["scheduled_for"],
    },
    response=REQUISITION,
    status=201,
)
def convene(requisition_id: int) -> dict[str, Any]:
    requisition = requisitions.get_requisition(api_person(), requisition_id)
    data = json_body()
    try:
        when = datetime.fromisoformat(text_field(data, "scheduled_for"))
    except ValueError:
        raise Invalid(_("Give the date and time of the meeting."), field="scheduled_for") from None
    requisitions.convene(
        api_person(), requisition, scheduled_for=when, title=text_field(data, "title")
    )
    return requisition_json(requisition)
