"""API tokens carry scopes and an expiry: a script given a token to read cannot vote,
chair or administer with it, cannot make itself a broader or longer-lived token, and
every token ends when the password changes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from tests.fixtures.floor import WRI_CHAIR, open_poll
from tests.fixtures.people import (
    NEW_PASSWORD,
    change_password,
    csrf_token,
    person,
    sign_in,
    token_for,
)
from tests.smtp import Inbox
from voting.app import create_app
from voting.core.api import SCOPES, operation
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.extensions import db
from voting.meetings.models import Meeting
from voting.membership.models import ApiToken
from voting.membership.services import accounts
from voting.membership.services.tokens import digest


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def token_from_the_page(client: FlaskClient, name: str, *scopes: str, days: int = 90) -> str:
    """Create a token on the account page, ticking `scopes`; its secret."""
    page = client.get("/account/tokens").get_data(as_text=True)
    created = client.post(
        "/account/tokens",
        data={"csrf_token": csrf_token(page), "name": name, "scope": list(scopes), "days": days},
    )
    assert created.status_code == 200, created.get_data(as_text=True)
    found = re.search(r'id="new-token" type="text" value="([^"]+)"', created.get_data(as_text=True))
    assert found, "no new token on the page"
    return found.group(1)


def stored(secret: str) -> ApiToken:
    return db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).one()


# --- A token does what its scopes say ---


def test_a_read_token_from_the_page_cannot_change_the_account(client: FlaskClient, demo) -> None:
    sign_in(client, "xavier@wri.example")
    reader = token_from_the_page(client, "dashboard", "read")
    assert client.get("/api/v1/me", headers=auth(reader)).status_code == 200
    refused = client.patch("/api/v1/me", json={"name": "Mallory"}, headers=auth(reader))
    assert refused.status_code == 403
    assert "“vote” scope" in refused.get_json()["error"]["message"]
    assert person("xavier@wri.example").name == "Xavier Rep"


def test_a_token_without_the_vote_scope_cannot_vote(client: FlaskClient, wri: Meeting) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    reader = token_for("xavier@wri.example", ("read",))
    refused = client.post(
        f"/api/v1/polls/{poll.id}/votes", json={"choice": "yes"}, headers=auth(reader)
    )
    assert refused.status_code == 403
    assert "“vote” scope" in refused.get_json()["error"]["message"]
    assert client.get(f"/api/v1/polls/{poll.id}/mine", headers=auth(reader)).status_code == 200
    voter = token_for("xavier@wri.example", ("read", "vote"))
    cast = client.post(
        f"/api/v1/polls/{poll.id}/votes", json={"choice": "yes"}, headers=auth(voter)
    )
    assert cast.status_code == 201, cast.get_json()


def test_a_voting_token_of_the_chair_cannot_close_the_poll(
    client: FlaskClient, wri: Meeting
) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    voter = token_for(WRI_CHAIR, ("read", "vote"))
    refused = client.post(f"/api/v1/polls/{poll.id}/close", headers=auth(voter))
    assert refused.status_code == 403
    assert "“chair” scope" in refused.get_json()["error"]["message"]
    chair = token_for(WRI_CHAIR, ("chair",))
    assert client.post(f"/api/v1/polls/{poll.id}/close", headers=auth(chair)).status_code == 200


def test_a_chairing_token_of_the_secretary_cannot_add_members(client: FlaskClient, demo) -> None:
    chair_only = token_for("ana@wri.example", ("read", "chair"))
    refused = client.post(
        "/api/v1/organisations/wri/members",
        json={"name": "Eve", "email": "eve@example.org"},
        headers=auth(chair_only),
    )
    assert refused.status_code == 403
    assert "“admin” scope" in refused.get_json()["error"]["message"]


# --- No token makes a broader one ---


def test_a_read_token_cannot_mint_an_admin_token(client: FlaskClient, demo) -> None:
    reader = token_for("ana@wri.example", ("read",), days=10)
    broader = client.post(
        "/api/v1/tokens",
        json={"name": "escalate", "scopes": ["read", "admin"]},
        headers=auth(reader),
    )
    assert broader.status_code == 403
    assert "“admin”" in broader.get_json()["error"]["message"]
    assert broader.get_json()["error"]["field"] == "scopes"

    # Unasked, the new token gets what the asking one holds, and no longer.
    made = client.post("/api/v1/tokens", json={"name": "copy"}, headers=auth(reader))
    assert made.status_code == 201
    token = made.get_json()["token"]
    assert token["scopes"] == ["read"]
    assert datetime.fromisoformat(token["expires_at"]) <= stored(reader).expires_at
    child = made.get_json()["secret"]
    assert client.patch("/api/v1/me", json={"name": "x"}, headers=auth(child)).status_code == 403


def test_a_token_cannot_outlive_the_token_that_makes_it(client: FlaskClient, demo) -> None:
    short = token_for("ana@wri.example", ("read", "vote"), days=5)
    made = client.post(
        "/api/v1/tokens",
        json={"name": "long", "scopes": ["vote"], "days": 300},
        headers=auth(short),
    ).get_json()["token"]
    assert made["scopes"] == ["vote"]
    assert datetime.fromisoformat(made["expires_at"]) <= stored(short).expires_at
    assert utcnow() + timedelta(days=4) < stored(short).expires_at


def test_token_scopes_and_days_are_checked(client: FlaskClient, demo) -> None:
    full = token_for("ana@wri.example")
    for body, field in (
        ({"name": "t", "scopes": ["root"]}, "scopes"),
        ({"name": "t", "scopes": []}, "scopes"),
        ({"name": "t", "scopes": "read"}, "scopes"),
        ({"name": "t", "days": 0}, "days"),
        ({"name": "t", "days": 10_000}, "days"),
    ):
        answer = client.post("/api/v1/tokens", json=body, headers=auth(full))
        assert answer.status_code == 422, body
        assert answer.get_json()["error"]["field"] == field


def test_the_page_makes_a_token_with_the_chosen_scopes_and_days(client: FlaskClient, demo) -> None:
    sign_in(client, "xavier@wri.example")
    secret = token_from_the_page(client, "phone", "read", "vote", days=7)
    token = stored(secret)
    assert token.scopes == "read vote"
    assert timedelta(days=6) < token.expires_at - utcnow() <= timedelta(days=7)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "read, vote" in listing
    page = client.get("/account/tokens").get_data(as_text=True)
    nothing = client.post(
        "/account/tokens", data={"csrf_token": csrf_token(page), "name": "none", "days": 7}
    )
    assert nothing.status_code == 422
    assert "Choose at least one scope." in nothing.get_data(as_text=True)


# --- Tokens end ---


def test_an_expired_token_is_refused_and_says_so(client: FlaskClient, demo) -> None:
    secret = token_for("xavier@wri.example")
    with transaction():
        stored(secret).expires_at = utcnow() - timedelta(seconds=1)
    refused = client.get("/api/v1/me", headers=auth(secret))
    assert refused.status_code == 401
    assert "expired" in refused.get_json()["error"]["message"]
    assert accounts.api_tokens(person("xavier@wri.example")) == []


def test_a_password_change_ends_every_token(app: Flask, demo) -> None:
    browser, script = app.test_client(), app.test_client()
    sign_in(browser, "xavier@wri.example")
    secret = token_from_the_page(browser, "export", "read", "vote")
    assert script.get("/api/v1/me", headers=auth(secret)).status_code == 200
    change_password(browser)
    assert script.get("/api/v1/me", headers=auth(secret)).status_code == 401
    assert browser.get("/account").status_code == 200  # the session that changed it stays


def test_a_password_reset_ends_every_token(client: FlaskClient, demo, mailbox: Inbox) -> None:
    secret = token_for("yusuf@wri.example")
    accounts.request_password_reset("yusuf@wri.example")
    link = mailbox.link_to("yusuf@wri.example").rsplit("/", 1)[-1]
    accounts.reset_password(link, NEW_PASSWORD, NEW_PASSWORD)
    assert client.get("/api/v1/me", headers=auth(secret)).status_code == 401


# --- Every operation says what it needs ---


def test_the_openapi_document_names_each_operations_scope(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    scopes = {
        (method.upper(), path): spec["x-scope"]
        for path, methods in paths.items()
        for method, spec in methods.items()
        if spec.get("security") != []
    }
    for (method, path), scope in scopes.items():
        assert scope in SCOPES, (method, path)
        assert paths[path][method.lower()]["security"] == [{"bearer": [scope]}]
        assert f"“{scope}” scope" in paths[path][method.lower()]["description"]
        if method == "GET":
            assert scope == "read", path
    assert scopes[("POST", "/polls/{poll_id}/votes")] == "vote"
    assert scopes[("POST", "/tests/{test_id}/answer")] == "vote"
    assert scopes[("POST", "/polls/{poll_id}/close")] == "chair"
    assert scopes[("POST", "/items/{item_id}/next")] == "chair"
    assert scopes[("POST", "/organisations/{slug}/members")] == "admin"
    assert scopes[("GET", "/polls/{poll_id}/trackers")] == "read"  # for the poll's readers


def test_an_operation_that_changes_something_must_name_its_scope() -> None:
    with pytest.raises(ValueError, match="scope"):
        operation("/nowhere", "POST", summary="Undeclared", tag="test")
    with pytest.raises(ValueError, match="scope"):
        operation("/nowhere", "POST", summary="Unknown", tag="test", scope="root")


# --- Tokens made before scopes existed ---

SCOPES_MIGRATION = "8f076378a511"


def test_tokens_from_before_keep_every_scope_with_an_expiry(tmp_path: Path) -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}", "TESTING": True}
    )
    with app.app_context():
        upgrade(revision=SCOPES_MIGRATION)
        downgrade(revision=f"{SCOPES_MIGRATION}-1")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO person (id, email, name, is_operator, is_active_account, "
                    "created_at, session_epoch) VALUES (1, 'a@x.example', 'Ana', 0, 1, "
                    ":now, 0)"
                ),
                {"now": utcnow()},
            )
            connection.execute(
                text(
                    "INSERT INTO api_token (id, person_id, name, token_hash, prefix, created_at) "
                    "VALUES (1, 1, 'old script', :hash, 'abcdefgh', :now)"
                ),
                {"hash": digest("old-secret"), "now": utcnow()},
            )
        upgrade(revision=SCOPES_MIGRATION)
        token = db.session.get(ApiToken, 1)
        assert token is not None
        assert token.scopes == " ".join(SCOPES)
        assert timedelta(days=89) < token.expires_at - utcnow() <= timedelta(days=90)
        db.session.remove()
        db.engine.dispose()
