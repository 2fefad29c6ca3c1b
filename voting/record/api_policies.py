"""API: the policy register — read by the organisation's members, kept by its secretaries
and admins through the same service as the pages (`services.policies`)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from voting.core.api import api_person, int_field, json_body, operation, text_field
from voting.core.errors import Invalid, NotFound
from voting.core.extensions import db
from voting.meetings.models import Motion
from voting.org.models import Organisation
from voting.org.services.organisations import by_slug
from voting.record.models import Policy
from voting.record.services import policies as service

TAG = "record"
POLICY = {
    "type": "object",
    "description": "A policy paper: body, title, text, short-term, the days it was adopted, "
    "ratified, rescinded and lapses (ISO dates; lapses null: never), its standing "
    "(in_force, falls_due, lapsed, rescinded), the adopting motion, and the meeting whose "
    "agenda it is on to be ratified",
}
FIELDS = {
    "title": {"type": "string", "maxLength": service.MAX_TITLE},
    "text": {"type": "string", "maxLength": service.MAX_TEXT},
    "short_term": {"type": "boolean"},
    "adopted_on": {"type": "string", "description": "YYYY-MM-DD, not in the future"},
    "ratified_on": {
        "type": ["string", "null"],
        "description": "YYYY-MM-DD, on or after adopted_on; null or empty: never",
    },
}


def policy_json(entry: service.Entry) -> dict[str, Any]:
    policy, reading = entry.policy, entry.reading
    waiting = entry.on_agenda
    return {
        "id": policy.id,
        "body": policy.body.slug,
        "title": policy.title,
        "text": policy.text,
        "short_term": policy.short_term,
        "adopted_on": policy.adopted_on.isoformat(),
        "ratified_on": policy.ratified_on.isoformat() if policy.ratified_on else None,
        "rescinded_on": policy.rescinded_on.isoformat() if policy.rescinded_on else None,
        "lapses_on": reading.lapses_on.isoformat() if reading.lapses_on else None,
        "due_from": reading.due_from.isoformat() if reading.due_from else None,
        "standing": reading.standing.value,
        "motion": policy.motion_id,
        "renewal": None
        if waiting is None
        else {"motion": policy.renewal_motion_id, "meeting": waiting.id},
    }


def _json(policy: Policy) -> dict[str, Any]:
    return policy_json(service.entries([policy])[0])


def _organisation(slug: str) -> Organisation:
    org = by_slug(slug)
    if org is None or not service.may_read(api_person(), org.id):
        raise NotFound(_("No such organisation."))
    return org


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise Invalid(_("%(name)s must be true or false.", name=key), field=key)
    return value


@operation(
    "/organisations/<slug>/policies",
    "GET",
    summary="The policy register: papers falling due first, then in force, lapsed, "
    "rescinded (the organisation's members)",
    tag=TAG,
    response={"type": "array", "items": POLICY},
)
def list_policies(slug: str) -> list[dict[str, Any]]:
    register = service.register_of(api_person(), _organisation(slug))
    return [
        policy_json(e)
        for group in (register.due, register.in_force, register.lapsed, register.rescinded)
        for e in group
    ]


@operation(
    "/organisations/<slug>/policies",
    "POST",
    summary="Enter a policy paper: from the motion that adopted it, or by hand with its "
    "body and dates (secretaries, admins)",
    tag=TAG,
    scope="admin",
    status=201,
    request={
        "type": "object",
        "properties": {
            "motion": {
                "type": "integer",
                "description": "An agreed or carried motion of one of the organisation's "
                "meetings: its body, title, text and day are taken from it",
            },
            "body": {"type": "string", "description": "The adopting body's slug (by hand)"},
            **FIELDS,
        },
    },
    response=POLICY,
)
def create_policy(slug: str) -> dict[str, Any]:
    org = _organisation(slug)
    service.require_manager(api_person(), org.id)
    data = json_body()
    motion_id = int_field(data, "motion")
    if motion_id is not None:
        motion = db.session.get(Motion, motion_id)
        if motion is None or motion.item.meeting.body.organisation_id != org.id:
            raise Invalid(_("No such motion in this organisation."), field="motion")
        made = service.enter_from_motion(
            api_person(),
            motion,
            short_term=_flag(data, "short_term"),
            title=text_field(data, "title") or None,
        )
    else:
        made = service.enter(
            api_person(),
            org,
            body=text_field(data, "body"),
            title=text_field(data, "title"),
            text=text_field(data, "text"),
            short_term=_flag(data, "short_term"),
            adopted_on=text_field(data, "adopted_on"),
            ratified_on=text_field(data, "ratified_on"),
        )
    return _json(made)


def _policy(policy_id: int) -> Policy:
    return service.get_policy(api_person(), policy_id)


@operation(
    "/policies/<int:policy_id>",
    "GET",
    summary="A policy paper with its standing (the organisation's members)",
    tag=TAG,
    response=POLICY,
)
def get_policy(policy_id: int) -> dict[str, Any]:
    return _json(_policy(policy_id))


@operation(
    "/policies/<int:policy_id>",
    "PATCH",
    summary="Correct a paper's title, text, short-term mark or dates (secretaries, admins)",
    tag=TAG,
    scope="admin",
    request={"type": "object", "properties": FIELDS},
    response=POLICY,
)
def update_policy(policy_id: int) -> dict[str, Any]:
    policy = _policy(policy_id)
    service.require_manager(api_person(), policy.organisation_id)
    data = json_body()
    changes: dict[str, Any] = {}
    for key in ("title", "text", "adopted_on", "ratified_on"):
        if key in data:
            changes[key] = text_field(data, key)
    if "short_term" in data:
        changes["short_term"] = _flag(data, "short_term")
    service.edit(api_person(), policy, **changes)
    return _json(policy)


@operation(
    "/policies/<int:policy_id>/rescind",
    "POST",
    summary="Record that the body rescinded the paper (secretaries, admins)",
    tag=TAG,
    scope="admin",
    request={
        "type": "object",
        "properties": {"on": {"type": "string", "description": "YYYY-MM-DD; empty: today"}},
    },
    response=POLICY,
)
def rescind_policy(policy_id: int) -> dict[str, Any]:
    policy = _policy(policy_id)
    service.require_manager(api_person(), policy.organisation_id)
    data = json_body()
    service.rescind(api_person(), policy, on=text_field(data, "on"))
    return _json(policy)


@operation(
    "/policies/<int:policy_id>/agenda",
    "POST",
    summary="Put the paper on the agenda of its body's next scheduled meeting, with a "
    "motion to ratify it (secretaries, admins)",
    tag=TAG,
    scope="admin",
    response=POLICY,
)
def put_policy_on_agenda(policy_id: int) -> dict[str, Any]:
    policy = _policy(policy_id)
    service.put_on_agenda(api_person(), policy)
    return _json(policy)
