"""The account part of the JSON API: who am I, API tokens, and join links for members."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.smtp import Inbox
from voting.core.extensions import db
from voting.membership.models import Membership, Person
from voting.membership.services.accounts import create_api_token


def bearer(email: str) -> dict[str, str]:
    """Headers for a script acting as the person with `email`."""
    person = db.session.scalars(select(Person).where(Person.email == email)).one()
    _token, secret = create_api_token(person, "test script")
    return {"Authorization": f"Bearer {secret}"}


def membership_id(email: str) -> int:
    return db.session.scalars(
        select(Membership.id).join(Membership.person).where(Person.email == email)
    ).one()


def test_me_tells_a_secretary_who_they_are(client: FlaskClient, demo) -> None:
    me = client.get("/api/v1/me", headers=bearer("ana@wri.example")).get_json()
    assert me["name"] == "Ana Admin"
    assert me["email"] == "ana@wri.example"
    assert me["memberships"] == [
        {
            "id": membership_id("ana@wri.example"),
            "organisation": "wri",
            "unit": None,
            "status": "full",
        }
    ]
    assert {(r["organisation"], r["kind"], r["current"]) for r in me["roles"]} == {
        ("wri", "admin", True),
        ("wri", "secretary", True),
    }


def test_me_shows_a_delegates_unit(client: FlaskClient, demo) -> None:
    me = client.get("/api/v1/me", headers=bearer("gal@wsm.example")).get_json()
    assert me["memberships"][0]["unit"] == "Galway"
    [role] = me["roles"]
    assert (role["kind"], role["unit"], role["current"]) == ("delegate", "Galway", True)


def test_member_changes_language_through_the_api(client: FlaskClient, demo) -> None:
    auth = bearer("xavier@wri.example")
    changed = client.patch("/api/v1/me", json={"locale": "de"}, headers=auth)
    assert changed.status_code == 200
    assert changed.get_json()["locale"] == "de"
    assert changed.get_json()["name"] == "Xavier Rep"
    refused = client.patch("/api/v1/me", json={"locale": "xx"}, headers=auth)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "locale"


def test_script_creates_lists_and_revokes_tokens(client: FlaskClient, demo) -> None:
    auth = bearer("xavier@wri.example")
    created = client.post("/api/v1/tokens", json={"name": "nightly export"}, headers=auth)
    assert created.status_code == 201
    body = created.get_json()
    secret, token = body["secret"], body["token"]
    assert token["prefix"] == secret[:8]
    assert token["last_used_at"] is None

    listed = client.get("/api/v1/tokens", headers=auth).get_json()
    assert [t["name"] for t in listed] == ["nightly export", "test script"]
    assert all("secret" not in t for t in listed)

    new_auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=new_auth).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{token['id']}", headers=auth)
    assert revoked.status_code == 200
    refused = client.get("/api/v1/me", headers=new_auth)
    assert refused.status_code == 401
    assert "API token" in refused.get_json()["error"]["message"]
    again = client.delete(f"/api/v1/tokens/{token['id']}", headers=auth)
    assert again.status_code == 404


def test_a_token_needs_a_name(client: FlaskClient, demo) -> None:
    answer = client.post("/api/v1/tokens", json={"name": "  "}, headers=bearer("ana@wri.example"))
    assert answer.status_code == 422
    assert answer.get_json()["error"]["field"] == "name"


def test_nobody_revokes_someone_elses_token_through_the_api(client: FlaskClient, demo) -> None:
    owner = bearer("xavier@wri.example")
    token_id = client.get("/api/v1/tokens", headers=owner).get_json()[0]["id"]
    answer = client.delete(f"/api/v1/tokens/{token_id}", headers=bearer("yusuf@wri.example"))
    assert answer.status_code == 404
    assert client.get("/api/v1/me", headers=owner).status_code == 200


def test_tokens_cannot_be_made_without_a_token(client: FlaskClient, demo) -> None:
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 401


def test_secretary_mails_join_links_through_the_api(
    client: FlaskClient, newcomer: Membership, mailbox: Inbox
) -> None:
    answer = client.post(
        "/api/v1/organisations/wri/invitations",
        json={"membership_ids": [newcomer.id]},
        headers=bearer("ana@wri.example"),
    )
    assert answer.status_code == 200
    assert answer.get_json() == {"sent": 1, "failed": []}
    link = mailbox.link_to("nadia@wri.example")
    assert "Welcome, Nadia Newcomer." in client.get(link).get_data(as_text=True)


def test_join_links_through_the_api_are_refused_outside_ones_organisation(
    client: FlaskClient, newcomer: Membership, mailbox: Inbox
) -> None:
    sam = bearer("sam@wsm.example")
    own = client.post(
        "/api/v1/organisations/wsm/invitations", json={"membership_ids": [newcomer.id]}, headers=sam
    )
    assert own.status_code == 422
    assert "not members of this organisation" in own.get_json()["error"]["message"]
    theirs = client.post(
        "/api/v1/organisations/wri/invitations", json={"membership_ids": [newcomer.id]}, headers=sam
    )
    assert theirs.status_code == 403
    member = client.post(
        "/api/v1/organisations/wri/invitations",
        json={"membership_ids": [newcomer.id]},
        headers=bearer("xavier@wri.example"),
    )
    assert member.status_code == 403
    assert mailbox.messages == []


def test_join_link_requests_need_a_list_of_members(client: FlaskClient, demo) -> None:
    auth = bearer("ana@wri.example")
    for body in ({}, {"membership_ids": "3"}, {"membership_ids": []}, {"membership_ids": ["x"]}):
        answer = client.post("/api/v1/organisations/wri/invitations", json=body, headers=auth)
        assert answer.status_code == 422, body
        assert answer.get_json()["error"]["field"] == "membership_ids"
    unknown = client.post(
        "/api/v1/organisations/nowhere/invitations", json={"membership_ids": [1]}, headers=auth
    )
    assert unknown.status_code == 404


def test_secretary_fetches_fresh_join_links_to_print(client: FlaskClient, newcomer) -> None:
    answer = client.post(
        "/api/v1/organisations/wri/invitations/links",
        json={"membership_ids": [newcomer.id]},
        headers=bearer("ana@wri.example"),
    )
    assert answer.status_code == 201
    [link] = answer.get_json()
    assert link["name"] == "Nadia Newcomer"
    assert link["url"].startswith("http://localhost/join/")
    page = client.get(link["url"].removeprefix("http://localhost"))
    assert "Welcome, Nadia Newcomer." in page.get_data(as_text=True)


def test_openapi_document_describes_the_account_operations(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/me"]) == {"get", "patch"}
    assert set(paths["/tokens"]) == {"get", "post"}
    assert "delete" in paths["/tokens/{token_id}"]
    assert paths["/organisations/{slug}/invitations"]["post"]["requestBody"]["required"]
