"""Each organisation is its own: an admin of one cannot claim, read or change what belongs
to another, and a branch secretary's rights stop at their own branch. Every test is an
attack that worked before the checks it describes."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.people import bearer, person
from tests.smtp import Inbox
from voting.core.extensions import db
from voting.membership.models import Person

NEW_PASSWORD = "a long new password"
VIC = "vic@isn.example"
TOKEN = re.compile(r'name="csrf[_-]token" (?:value|content)="([^"]+)"')


def api(client: FlaskClient, method: str, path: str, who: str, **kwargs):  # type: ignore[no-untyped-def]
    return client.open(f"/api/v1{path}", method=method, headers=bearer(who), **kwargs)


def join(client: FlaskClient, link: str, password: str, confirmation: str | None = None):  # type: ignore[no-untyped-def]
    """Open a join link and send the form on it, as a browser does."""
    page = client.get(link)
    found = TOKEN.search(page.get_data(as_text=True))
    if found is None:
        return page
    data = {"csrf_token": found.group(1), "password": password}
    data["confirmation"] = password if confirmation is None else confirmation
    return client.post(link, data=data)


def signed_in_as(client: FlaskClient) -> str | None:
    answer = client.get("/account")
    if answer.status_code != 200:
        return None
    return next(p.email for p in db.session.scalars(db.select(Person)) if p.email in answer.text)


def add_vic(client: FlaskClient, slug: str, admin: str, role: str | None = None) -> int:
    """`slug`'s admin adds vic (no account of her own yet), optionally with a role."""
    added = api(
        client, "POST", f"/organisations/{slug}/members", admin, json={"name": "Vic", "email": VIC}
    )
    assert added.status_code == 201, added.text
    if role:
        given = api(
            client, "POST", f"/organisations/{slug}/roles", admin, json={"email": VIC, "kind": role}
        )
        assert given.status_code == 201, given.text
    return int(added.get_json()["id"])


def printed_link(client: FlaskClient, slug: str, admin: str, membership_id: int) -> str:
    made = api(
        client,
        "POST",
        f"/organisations/{slug}/invitations/links",
        admin,
        json={"membership_ids": [membership_id]},
    )
    assert made.status_code == 201, made.text
    return str(made.get_json()[0]["url"]).removeprefix("http://localhost")


# --- claiming a person another organisation shares ---------------------------------------


@pytest.mark.parametrize("first", ["isn", "wri"])
def test_an_admin_cannot_claim_a_person_another_organisation_shares(
    app: Flask, client: FlaskClient, demo: None, first: str
) -> None:
    """ISN makes vic its secretary before she has a password; WRI's admin adds the same
    email, prints a join link and opens it to choose her password. Whichever organisation
    added her first, the link must not set it: it would sign WRI's admin in as ISN's
    secretary."""
    order = [("isn", "nia@isn.example", "secretary"), ("wri", "ana@wri.example", None)]
    if first == "wri":
        order.reverse()
    ids = {slug: add_vic(client, slug, admin, role) for slug, admin, role in order}

    link = printed_link(client, "wri", "ana@wri.example", ids["wri"])
    attacker = app.test_client()
    answer = join(attacker, link, NEW_PASSWORD)

    assert answer.status_code == 409
    assert "Forgot your password?" in answer.text
    assert signed_in_as(attacker) is None
    db.session.expire_all()
    assert person(VIC).password_hash is None
    members = attacker.get("/api/v1/organisations/isn/members")
    assert members.status_code == 401


def test_a_shared_person_joins_through_the_link_mailed_to_her(
    app: Flask, client: FlaskClient, demo: None, mailbox: Inbox
) -> None:
    """A link mailed to the address proves it is hers: whoever opens it read her mail."""
    add_vic(client, "isn", "nia@isn.example", "secretary")
    wri_id = add_vic(client, "wri", "ana@wri.example")
    sent = api(
        client,
        "POST",
        "/organisations/wri/invitations",
        "ana@wri.example",
        json={"membership_ids": [wri_id]},
    )
    assert sent.get_json() == {"sent": 1, "failed": []}

    vic = app.test_client()
    assert join(vic, mailbox.link_to(VIC), NEW_PASSWORD).status_code == 303
    assert signed_in_as(vic) == VIC


def test_a_shared_person_proves_her_address_then_joins_with_a_printed_link(
    app: Flask, client: FlaskClient, demo: None, mailbox: Inbox
) -> None:
    """The refusal tells the way: a password reset is mailed to the address; with the
    password chosen there, the printed link adds the organisation as for anyone."""
    add_vic(client, "isn", "nia@isn.example", "secretary")
    link = printed_link(client, "wri", "ana@wri.example", add_vic(client, "wri", "ana@wri.example"))

    vic = app.test_client()
    assert join(vic, link, NEW_PASSWORD).status_code == 409
    page = vic.get("/password/forgot")
    token = TOKEN.search(page.get_data(as_text=True))
    assert token is not None
    vic.post("/password/forgot", data={"csrf_token": token.group(1), "email": VIC})
    reset = mailbox.link_to(VIC)
    page = vic.get(reset)
    token = TOKEN.search(page.get_data(as_text=True))
    assert token is not None
    chosen = vic.post(
        reset,
        data={"csrf_token": token.group(1), "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )
    assert chosen.status_code == 303

    other = app.test_client()
    assert join(other, link, NEW_PASSWORD).status_code == 303
    assert signed_in_as(other) == VIC


def test_a_person_of_one_organisation_still_joins_with_a_printed_link(
    app: Flask, client: FlaskClient, demo: None
) -> None:
    """The QR sheet keeps working for the people the organisation alone holds."""
    membership_id = add_vic(client, "isn", "nia@isn.example")
    link = printed_link(client, "isn", "nia@isn.example", membership_id)
    vic = app.test_client()
    assert join(vic, link, NEW_PASSWORD).status_code == 303
    assert signed_in_as(vic) == VIC


# --- a unit's secretary keeps their own unit ----------------------------------------------


def units_of(client: FlaskClient, slug: str, who: str) -> dict[str, dict]:  # type: ignore[type-arg]
    listed = api(client, "GET", f"/organisations/{slug}/units", who)
    assert listed.status_code == 200, listed.text
    return {u["name"]: u for u in listed.get_json()}


@pytest.fixture
def dublin(client: FlaskClient, demo: None) -> str:
    """Dee, ISN's Dublin North secretary: a secretary role held for that branch alone."""
    nia = "nia@isn.example"
    dublin_north = units_of(client, "isn", nia)["Dublin North"]["id"]
    added = api(
        client,
        "POST",
        "/organisations/isn/members",
        nia,
        json={"name": "Dee Dublin", "email": "dee@isn.example", "unit_id": dublin_north},
    )
    assert added.status_code == 201, added.text
    role = api(
        client,
        "POST",
        "/organisations/isn/roles",
        nia,
        json={"email": "dee@isn.example", "kind": "secretary", "unit_id": dublin_north},
    )
    assert role.status_code == 201, role.text
    return "dee@isn.example"


def test_a_branch_secretary_cannot_change_another_branchs_size_or_attendance(
    client: FlaskClient, dublin: str
) -> None:
    """Cork's size and attendance set its votes: Dublin's secretary may not touch them."""
    cork = units_of(client, "isn", "nia@isn.example")["Cork"]
    path = f"/organisations/isn/units/{cork['id']}"
    assert api(client, "PATCH", path, dublin, json={"size": 500}).status_code == 403
    attendance = {"held_on": "2025-03-01", "present": 400}
    assert api(client, "POST", f"{path}/attendance", dublin, json=attendance).status_code == 403
    assert api(client, "GET", f"{path}/attendance", dublin).status_code == 403
    recorded = api(client, "POST", f"{path}/attendance", "nia@isn.example", json=attendance)
    record = f"/organisations/isn/attendance/{recorded.get_json()['id']}"
    assert api(client, "DELETE", record, dublin).status_code == 403
    assert api(client, "DELETE", path, dublin).status_code == 403
    assert units_of(client, "isn", "nia@isn.example")["Cork"]["size"] == cork["size"]


def test_a_branch_secretary_keeps_their_own_branchs_figures_and_nothing_else(
    client: FlaskClient, dublin: str
) -> None:
    mine = units_of(client, "isn", dublin)
    assert list(mine) == ["Dublin North"]
    path = f"/organisations/isn/units/{mine['Dublin North']['id']}"
    assert api(client, "PATCH", path, dublin, json={"size": 21}).get_json()["size"] == 21
    recorded = api(
        client, "POST", f"{path}/attendance", dublin, json={"held_on": "2025-03-01", "present": 8}
    )
    assert recorded.status_code == 201
    assert api(client, "GET", f"{path}/attendance", dublin).get_json()[0]["present"] == 8
    renamed = api(client, "PATCH", path, dublin, json={"name": "Dublin"})
    assert renamed.status_code == 403 and renamed.get_json()["error"]["field"] == "name"
    made = api(
        client, "POST", "/organisations/isn/units", dublin, json={"kind": "branch", "name": "Z"}
    )
    assert made.status_code == 403


def test_a_branch_secretary_sees_and_changes_only_their_own_branchs_members(
    client: FlaskClient, dublin: str
) -> None:
    nia = "nia@isn.example"
    units = units_of(client, "isn", nia)
    cork, dublin_north = units["Cork"]["id"], units["Dublin North"]["id"]
    listed = api(client, "GET", "/organisations/isn/members", dublin).get_json()
    assert {m["unit_id"] for m in listed["members"]} == {dublin_north}
    assert {m["name"] for m in listed["members"]} >= {"Aoife Member", "Dee Dublin"}
    assert api(client, "GET", f"/organisations/isn/members?unit={cork}", dublin).status_code == 403
    assert api(client, "GET", "/organisations/isn/members?unit=none", dublin).status_code == 403

    everyone = api(client, "GET", "/organisations/isn/members", nia).get_json()["members"]
    brian = next(m for m in everyone if m["name"] == "Brian Member")  # of Cork
    aoife = next(m for m in everyone if m["name"] == "Aoife Member")  # of Dublin North
    member = "/organisations/isn/members"
    assert (
        api(
            client, "PATCH", f"{member}/{brian['id']}", dublin, json={"status": "lapsed"}
        ).status_code
        == 403
    )
    assert (
        api(
            client, "PATCH", f"{member}/{brian['id']}", dublin, json={"unit_id": dublin_north}
        ).status_code
        == 403
    )
    assert (
        api(client, "PATCH", f"{member}/{aoife['id']}", dublin, json={"unit_id": cork}).status_code
        == 403
    )
    assert (
        api(
            client, "PATCH", f"{member}/{aoife['id']}", dublin, json={"status": "candidate"}
        ).status_code
        == 200
    )
    new = {"name": "Cora Cork", "email": "cora@isn.example"}
    assert api(client, "POST", member, dublin, json={**new, "unit_id": cork}).status_code == 403
    assert api(client, "POST", member, dublin, json=new).status_code == 403
    assert (
        api(client, "POST", member, dublin, json={**new, "unit_id": dublin_north}).status_code
        == 201
    )


def test_a_branch_secretary_has_none_of_the_organisations_own_rights(
    client: FlaskClient, dublin: str
) -> None:
    """Before, a secretary role held for one branch counted as the organisation's."""
    roll = "name,email,unit\nCora Cork,cora@isn.example,Cork\n"
    refused = [
        ("POST", "/organisations/isn/roll", {"csv": roll}),
        ("POST", "/organisations/isn/members/lapse", {}),
        ("GET", "/organisations/isn/members/due-to-lapse", None),
        ("POST", "/organisations/isn/invitations", {"membership_ids": [1]}),
        ("POST", "/organisations/isn/invitations/links", {"membership_ids": [1]}),
        ("POST", "/organisations/isn/bodies/nmm/polls", {"question": "Strike?"}),
        ("GET", "/organisations/isn/roles", None),
    ]
    for method, path, body in refused:
        answer = api(client, method, path, dublin, json=body)
        assert answer.status_code == 403, (method, path, answer.text)


# --- roles held for one body --------------------------------------------------------------


def test_a_role_is_given_for_one_body_through_the_api_and_counts_there_only(
    client: FlaskClient, demo: None
) -> None:
    nia = "nia@isn.example"
    bodies = {b["slug"]: b for b in api(client, "GET", "/organisations/isn/bodies", nia).get_json()}
    by_slug = api(
        client,
        "POST",
        "/organisations/isn/roles",
        nia,
        json={"email": "aoife@isn.example", "kind": "chair", "body": "steering"},
    )
    assert by_slug.status_code == 201, by_slug.text
    assert by_slug.get_json()["body_id"] == bodies["steering"]["id"]
    assert by_slug.get_json()["body"] == "steering"
    by_id = api(
        client,
        "POST",
        "/organisations/isn/roles",
        nia,
        json={"email": "brian@isn.example", "kind": "admin", "body_id": bodies["nmm"]["id"]},
    )
    assert by_id.status_code == 201 and by_id.get_json()["body"] == "nmm"
    listed = api(client, "GET", "/organisations/isn/roles", nia).get_json()
    assert {(r["name"], r["body"]) for r in listed} >= {
        ("Aoife Member", "steering"),
        ("Brian Member", "nmm"),
    }

    # An admin for one body is not the organisation's admin.
    brian = "brian@isn.example"
    assert api(client, "PATCH", "/organisations/isn", brian, json={"name": "X"}).status_code == 403
    assert api(client, "GET", "/organisations/isn/roles", brian).status_code == 403


def test_another_organisations_body_is_no_body_for_a_role(client: FlaskClient, demo: None) -> None:
    ana = "ana@wri.example"
    isn_bodies = api(client, "GET", "/organisations/isn/bodies", "nia@isn.example").get_json()
    for body in ({"body_id": isn_bodies[0]["id"]}, {"body": "steering"}):
        answer = api(
            client,
            "POST",
            "/organisations/wri/roles",
            ana,
            json={"email": "xavier@wri.example", "kind": "chair", **body},
        )
        assert answer.status_code == 422, answer.text
        assert answer.get_json()["error"]["field"] == next(iter(body))


def test_a_branch_secretary_keeps_their_branchs_roll_in_the_pages(
    client: FlaskClient, dublin: str
) -> None:
    """The same rights in the admin pages as in the API: their own branch's members to
    find, add and change; no other branch, no import, no lapsing of the whole roll."""
    from tests.fixtures.people import sign_in

    sign_in(client, dublin)
    dashboard = client.get("/admin/isn/").get_data(as_text=True)
    assert "The members of Dublin North" in dashboard and "Import a roll" not in dashboard
    listing = client.get("/admin/isn/members")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert "Aoife Member" in text and "Brian Member" not in text  # Brian is Cork's
    assert "Due to lapse" not in text and "Import a roll" not in text

    nia = "nia@isn.example"
    everyone = api(client, "GET", "/organisations/isn/members", nia).get_json()["members"]
    brian = next(m for m in everyone if m["name"] == "Brian Member")
    aoife = next(m for m in everyone if m["name"] == "Aoife Member")
    assert client.get(f"/admin/isn/members/{brian['id']}").status_code == 403
    own = client.get(f"/admin/isn/members/{aoife['id']}").get_data(as_text=True)
    assert "Dublin North" in own and ">Cork<" not in own and "No unit" not in own

    form = client.get("/admin/isn/members/new").get_data(as_text=True)
    token = TOKEN.search(form).group(1)  # type: ignore[union-attr]
    units = units_of(client, "isn", nia)
    added = client.post(
        "/admin/isn/members/new",
        data={
            "csrf_token": token,
            "name": "Cora Cork",
            "email": "cora@isn.example",
            "unit_id": units["Cork"]["id"],
            "status": "full",
        },
    )
    assert added.status_code == 403 and "own unit" in added.get_data(as_text=True)
    assert "Cora Cork" not in client.get("/admin/isn/members").get_data(as_text=True)
    added = client.post(
        "/admin/isn/members/new",
        data={
            "csrf_token": token,
            "name": "Cora Cork",
            "email": "cora@isn.example",
            "unit_id": units["Dublin North"]["id"],
            "status": "full",
        },
    )
    assert added.status_code == 303
    assert "Cora Cork" in client.get("/admin/isn/members").get_data(as_text=True)
    assert client.get("/admin/isn/roles").status_code == 403


def test_a_branch_secretary_keeps_their_branchs_figures_in_the_pages(
    client: FlaskClient, dublin: str
) -> None:
    from tests.fixtures.people import sign_in

    units = units_of(client, "isn", "nia@isn.example")
    cork, own = units["Cork"]["id"], units["Dublin North"]["id"]
    sign_in(client, dublin)
    listing = client.get("/admin/isn/units").get_data(as_text=True)
    assert "Dublin North" in listing and ">Cork<" not in listing
    assert "Add a unit" not in listing
    assert client.get(f"/admin/isn/units/{cork}").status_code == 403
    page = client.get(f"/admin/isn/units/{own}")
    assert page.status_code == 200 and "Delete this unit" not in page.get_data(as_text=True)
    token = TOKEN.search(page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    recorded = client.post(
        f"/admin/isn/units/{own}/attendance",
        data={"csrf_token": token, "held_on": "2026-11-20", "present": "17"},
    )
    assert recorded.status_code == 303
    assert ">17<" in client.get(f"/admin/isn/units/{own}").get_data(as_text=True)
    refused = client.post(
        f"/admin/isn/units/{cork}/attendance",
        data={"csrf_token": token, "held_on": "2026-11-20", "present": "3"},
    )
    assert refused.status_code == 403
