"""API: which kinds of notification mail one receives."""

from __future__ import annotations

from typing import Any

from voting.core.api import api_person, json_body, operation
from voting.membership.services import notifications
from voting.membership.services.notifications import Choice

CHOICES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "kind": {"type": "string"},
            "label": {"type": "string"},
            "on": {"type": "boolean"},
        },
        "required": ["kind", "label", "on"],
    },
}


def choices_json(choices: list[Choice]) -> list[dict[str, Any]]:
    return [{"kind": c.name, "label": c.label, "on": c.on} for c in choices]


@operation(
    "/me/notifications",
    "GET",
    summary="Which kinds of notification mail one receives (all of them until turned off)",
    tag="account",
    response=CHOICES,
)
def get_notifications() -> list[dict[str, Any]]:
    return choices_json(notifications.preferences(api_person()))


@operation(
    "/me/notifications",
    "PATCH",
    summary="Turn kinds of notification mail on or off, as {kind: true or false}; kinds "
    "not sent keep their setting",
    tag="account",
    scope="vote",
    request={"type": "object", "additionalProperties": {"type": "boolean"}},
    response=CHOICES,
)
def update_notifications() -> list[dict[str, Any]]:
    return choices_json(notifications.set_preferences(api_person(), json_body()))
