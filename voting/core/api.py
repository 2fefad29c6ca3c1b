"""The JSON API under /api/v1: token auth, one operation per service action, OpenAPI.

Each operation is declared with `@operation(...)`, which registers the route and its
OpenAPI description together, so the document cannot drift from the routes.
Authentication is a bearer token only: the API never honours the session cookie, so
it needs no CSRF token and a page cannot be tricked into calling it.

Each operation needs one scope of the token (`SCOPES`): reading is `read`; what a
member does (vote, answer, speak, give a proxy, their own account) is `vote`; running
meetings and polls is `chair`; managing an organisation is `admin`. A GET needs `read`
unless it says otherwise; every other operation names its scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any, Protocol

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from voting.core.columns import LARGEST_INTEGER
from voting.core.errors import Invalid, NotAllowed
from voting.core.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# What a token may be allowed to do, narrowest first.
SCOPES = ("read", "vote", "chair", "admin")


def scope_descriptions() -> dict[str, str]:
    """One line per scope, for the token pages and the OpenAPI document."""
    return {
        "read": _("Read what you may see: meetings, polls, members, results."),
        "vote": _(
            "Act as a member: vote, answer tests for agreement, ask to speak, give proxies, "
            "change your own account."
        ),
        "chair": _("Run meetings and polls: open, close, call speakers, count."),
        "admin": _("Manage an organisation: members, roles, units, bodies, join links."),
    }


class Credential(Protocol):
    """What authenticated a request: a token of `person`, with its scopes and expiry."""

    person: Any
    expires_at: datetime

    @property
    def scope_set(self) -> frozenset[str]: ...

    def allows(self, scope: str) -> bool: ...


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    tag: str
    auth: bool
    request: dict[str, Any] | None
    response: dict[str, Any] | None
    status: int
    scope: str | None = None
    parameters: list[dict[str, Any]] = field(default_factory=list)


OPERATIONS: list[Operation] = []


class Unauthenticated(NotAllowed):
    status = 401


# The token a bearer secret stands for: set by the domain that keeps the tokens (membership).
_token_owner: list[Callable[[str], Credential | None]] = []


def authenticate_with(owner: Callable[[str], Credential | None]) -> None:
    """Tell the API how to find the token a bearer secret stands for (None if none works)."""
    _token_owner[:] = [owner]


def api_person() -> Any:
    """The person whose token authenticated this request."""
    return g.api_credential.person


def api_credential() -> Credential:
    """The token that authenticated this request: a token it creates may not exceed it."""
    credential: Credential = g.api_credential
    return credential


def _authenticate(scope: str) -> None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    credential = (
        _token_owner[0](secret.strip()) if scheme.lower() == "bearer" and _token_owner else None
    )
    if credential is None:
        raise Unauthenticated(_("A valid API token is needed: send 'Authorization: Bearer …'."))
    if not credential.allows(scope):
        raise NotAllowed(
            _(
                "This token does not have the “%(scope)s” scope this request needs. "
                "Create a token with it on your account page.",
                scope=scope,
            )
        )
    g.api_credential = credential


def _check_numbers(value: Any, path: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_INTEGER:
        raise Invalid(_("This number is too large."), field=path or None)
    if isinstance(value, dict):
        for key, item in value.items():
            _check_numbers(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_numbers(item, f"{path}[{index}]")


def text_field(data: dict[str, Any], key: str, default: str = "") -> str:
    """A text field of a request body; missing or null gives `default`."""
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise Invalid(_("%(name)s must be text.", name=key), field=key)
    return value


def int_field(data: dict[str, Any], key: str) -> int | None:
    """A whole-number field of a request body, or None when it is missing or null."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(_("%(name)s must be a whole number.", name=key), field=key)
    return value


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a clear 422 if it is missing, not an object, or holds
    a number no record can have."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."))
    _check_numbers(data, "")
    return data


def operation(
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    auth: bool = True,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    status: int = 200,
    scope: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an API view and its OpenAPI description. The view returns JSON data.

    `scope` is what the token must allow (one of `SCOPES`); a GET needs `read` unless it
    says otherwise, and every other operation that needs a token must name its scope.
    """
    if auth:
        scope = scope or ("read" if method.upper() == "GET" else None)
        if scope not in SCOPES:
            raise ValueError(f"{method} {rule}: say which scope it needs, one of {SCOPES}")
    else:
        scope = None
    needed = scope or ""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(**kwargs: Any) -> Any:
            if auth:
                _authenticate(needed)
            result = view(**kwargs)
            return jsonify(result), status

        endpoint = f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}"
        bp.add_url_rule(rule, endpoint=endpoint, view_func=wrapped, methods=[method])
        OPERATIONS.append(
            Operation(rule, method.lower(), summary, tag, auth, request, response, status, scope)
        )
        return view

    return decorator


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of every registered operation."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path = _CONVERTER.sub(r"{\2}", op.path)
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if conv == "int" else "string"},
            }
            for conv, name in _CONVERTER.findall(op.path)
        ]
        spec: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": parameters,
            "responses": {
                str(op.status): {
                    "description": "OK",
                    "content": {"application/json": {"schema": op.response or {}}},
                },
                "default": {
                    "description": "Refused, with a message a person can read",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
        if op.request:
            spec["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": op.request}},
            }
        if op.auth:
            # Scopes of a bearer scheme are role names in OpenAPI 3.1; said in words too.
            spec["security"] = [{"bearer": [op.scope]}]
            spec["x-scope"] = op.scope
            spec["description"] = f"Needs a token with the “{op.scope}” scope."
        else:
            spec["security"] = []
        paths.setdefault(path, {})[op.method] = spec
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Voting API",
            "version": "1",
            "description": "Everything a member, chair or secretary can do in the pages.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token; each operation needs one of its scopes: "
                    + "; ".join(f"{name}: {text}" for name, text in scope_descriptions().items()),
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "message": {"type": "string"},
                                "field": {"type": ["string", "null"]},
                            },
                            "required": ["message"],
                        }
                    },
                }
            },
        },
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(openapi_document())
