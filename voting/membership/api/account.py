"""API: who the token belongs to, their API tokens, and join links for members."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from voting.core.api import SCOPES, api_credential, api_person, int_field, json_body, operation
from voting.core.errors import Invalid, NotFound
from voting.membership.models import ApiToken, Person
from voting.membership.services import accounts
from voting.org.models import Organisation
from voting.org.services.organisations import by_slug

TOKEN = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "prefix": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "last_used_at": {"type": ["string", "null"], "format": "date-time"},
        "scopes": {"type": "array", "items": {"type": "string", "enum": list(SCOPES)}},
        "expires_at": {"type": "string", "format": "date-time"},
    },
}

ME = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string"},
        "locale": {"type": ["string", "null"]},
        "is_operator": {"type": "boolean"},
        "memberships": {"type": "array", "items": {"type": "object"}},
        "roles": {"type": "array", "items": {"type": "object"}},
    },
}

MEMBERSHIP_IDS = {
    "type": "object",
    "properties": {"membership_ids": {"type": "array", "items": {"type": "integer"}}},
    "required": ["membership_ids"],
}


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "scopes": token.scopes.split(),
        "expires_at": token.expires_at.isoformat(),
    }


def me_json(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "locale": person.locale,
        "is_operator": person.is_operator,
        "memberships": [
            {
                "id": m.id,
                "organisation": m.organisation.slug,
                "unit": m.unit.name if m.unit else None,
                "status": m.status.value,
            }
            for m in person.memberships
        ],
        "roles": [
            {
                "organisation": r.organisation.slug,
                "kind": r.kind.value,
                "body": r.body.slug if r.body else None,
                "unit": r.unit.name if r.unit else None,
                "current": r.current_on(date.today()),
                "starts_on": r.starts_on.isoformat() if r.starts_on else None,
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
            }
            for r in person.roles
        ],
    }


def organisation_or_404(slug: str) -> Organisation:
    organisation = by_slug(slug)
    if organisation is None:
        raise NotFound(_("No such organisation."))
    return organisation


def membership_ids(data: dict[str, Any]) -> list[Any]:
    ids = data.get("membership_ids")
    if not isinstance(ids, list):
        raise Invalid(_("Send 'membership_ids' as a list of numbers."), field="membership_ids")
    return ids


@operation("/me", "GET", summary="Who the token belongs to", tag="account", response=ME)
def get_me() -> dict[str, Any]:
    return me_json(api_person())


@operation(
    "/me",
    "PATCH",
    summary="Change one's name or language",
    tag="account",
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "locale": {"type": ["string", "null"], "enum": ["en", "fr", "de", "es", None]},
        },
    },
    response=ME,
)
def update_me() -> dict[str, Any]:
    data = json_body()
    person = api_person()
    accounts.update_account(
        person,
        name=str(data.get("name", person.name)),
        locale=data.get("locale", person.locale) or None,
    )
    return me_json(person)


@operation(
    "/tokens",
    "GET",
    summary="One's own API tokens that still work",
    tag="account",
    response={"type": "array", "items": TOKEN},
)
def list_tokens() -> list[dict[str, Any]]:
    return [token_json(t) for t in accounts.api_tokens(api_person())]


@operation(
    "/tokens",
    "POST",
    summary="Create an API token; the secret is in this answer only. It gets only scopes "
    "the token asking has (default: all of them) and expires no later than it",
    tag="account",
    # Any token: what it makes is never broader, nor longer-lived, than itself.
    scope="read",
    request={
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": accounts.TOKEN_NAME_MAX},
            "scopes": {"type": "array", "items": {"type": "string", "enum": list(SCOPES)}},
            "days": {"type": "integer", "minimum": 1},
        },
        "required": ["name"],
    },
    response={
        "type": "object",
        "properties": {"token": TOKEN, "secret": {"type": "string"}},
    },
    status=201,
)
def create_token() -> dict[str, Any]:
    data = json_body()
    scopes = data.get("scopes")
    if scopes is not None and not isinstance(scopes, list):
        raise Invalid(_('Send \'scopes\' as a list, such as ["read", "vote"].'), field="scopes")
    token, secret = accounts.create_api_token(
        api_person(),
        str(data.get("name", "")),
        scopes=scopes,
        days=int_field(data, "days"),
        within=api_credential(),
    )
    return {"token": token_json(token), "secret": secret}


@operation(
    "/tokens/<int:token_id>",
    "DELETE",
    summary="Revoke one of one's own API tokens",
    tag="account",
    # Any token: revoking only ever takes access away.
    scope="read",
    response=TOKEN,
)
def revoke_token(token_id: int) -> dict[str, Any]:
    return token_json(accounts.revoke_api_token(api_person(), token_id))


@operation(
    "/organisations/<slug>/invitations",
    "POST",
    summary="Mail chosen members their personal join link (secretaries)",
    tag="account",
    scope="admin",
    request=MEMBERSHIP_IDS,
    response={
        "type": "object",
        "properties": {
            "sent": {"type": "integer"},
            "failed": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def send_invitations(slug: str) -> dict[str, Any]:
    outcome = accounts.send_invitations(
        api_person(), organisation_or_404(slug), membership_ids(json_body())
    )
    return {"sent": len(outcome.sent), "failed": outcome.failed}


@operation(
    "/organisations/<slug>/invitations/links",
    "POST",
    summary="Fresh join links for chosen members, to print or hand out (secretaries)",
    tag="account",
    scope="admin",
    request=MEMBERSHIP_IDS,
    response={"type": "array", "items": {"type": "object"}},
    status=201,
)
def create_join_links(slug: str) -> list[dict[str, Any]]:
    links = accounts.join_links(
        api_person(), organisation_or_404(slug), membership_ids(json_body())
    )
    return [
        {
            "membership_id": link.membership.id,
            "name": link.membership.person.name,
            "url": link.url,
            "expires_at": link.expires_at.isoformat(),
        }
        for link in links
    ]
