"""The admin API: the same services as the pages, with errors a script can act on."""

from __future__ import annotations

import pytest

from tests.fixtures.people import bearer, person
from voting.org.services.organisations import by_slug


@pytest.fixture
def sam(demo) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Sam, admin and secretary of WSM, as an API client."""
    return bearer("sam@wsm.example")


def test_units_are_listed_added_changed_and_refused_with_their_field(client, sam) -> None:
    listed = client.get("/api/v1/organisations/wsm/units", headers=sam).get_json()
    assert {u["name"]: u["size"] for u in listed} == {"Dublin": 30, "Galway": 14, "Limerick": 6}

    made = client.post(
        "/api/v1/organisations/wsm/units", headers=sam, json={"kind": "branch", "name": "Cork"}
    )
    assert made.status_code == 201 and made.get_json()["size"] == 0
    unit_id = made.get_json()["id"]
    changed = client.patch(
        f"/api/v1/organisations/wsm/units/{unit_id}", headers=sam, json={"size": 12}
    )
    assert changed.get_json()["size"] == 12

    bad = client.post(
        "/api/v1/organisations/wsm/units",
        headers=sam,
        json={"kind": "branch", "name": "X", "size": -1},
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "size"

    recorded = client.post(
        f"/api/v1/organisations/wsm/units/{unit_id}/attendance",
        headers=sam,
        json={"held_on": "2025-03-01", "present": 8},
    )
    assert recorded.status_code == 201
    twice = client.post(
        f"/api/v1/organisations/wsm/units/{unit_id}/attendance",
        headers=sam,
        json={"held_on": "2025-03-01", "present": 9},
    )
    assert twice.status_code == 409 and twice.get_json()["error"]["field"] == "held_on"

    galway = next(u for u in listed if u["name"] == "Galway")
    refused = client.delete(f"/api/v1/organisations/wsm/units/{galway['id']}", headers=sam)
    assert refused.status_code == 409 and "2 members" in refused.get_json()["error"]["message"]


def test_members_are_added_filtered_and_updated(client, sam) -> None:
    added = client.post(
        "/api/v1/organisations/wsm/members",
        headers=sam,
        json={"name": "New One", "email": "new@example.org", "status": "candidate"},
    )
    assert added.status_code == 201
    found = client.get(
        "/api/v1/organisations/wsm/members?q=new&status=candidate", headers=sam
    ).get_json()
    assert [m["email"] for m in found["members"]] == ["new@example.org"]
    galway = next(u for u in by_slug("wsm").units if u.name == "Galway")
    updated = client.patch(
        f"/api/v1/organisations/wsm/members/{added.get_json()['id']}",
        headers=sam,
        json={"unit_id": galway.id, "status": "full", "dues_paid_until": "31/01/2026"},
    )
    assert updated.get_json()["unit_id"] == galway.id
    assert updated.get_json()["dues_paid_until"] == "2026-01-31"
    bad = client.post(
        "/api/v1/organisations/wsm/members", headers=sam, json={"name": "X", "email": "x@"}
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "email"


def test_body_settings_patch_merges_and_errors_name_the_setting_path(client, demo) -> None:
    ana = bearer("ana@wri.example")
    url = "/api/v1/organisations/wri/bodies/conference"
    patched = client.patch(url, headers=ana, json={"settings": {"consensus": {"minutes": 25}}})
    assert patched.status_code == 200
    settings = patched.get_json()["settings"]
    assert settings["consensus"]["minutes"] == 25
    assert settings["consensus"]["first"] is True  # the rest of the group is kept

    bad = client.patch(url, headers=ana, json={"settings": {"decision": {"fraction": "3/2"}}})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "decision.fraction"
    band = client.patch(
        url, headers=ana, json={"settings": {"weight_bands": [{"unit_kind": "x", "votes": 1}]}}
    )
    assert band.get_json()["error"]["field"] == "weight_bands[0].unit_kind"
    empty = client.patch(url, headers=ana, json={"settings": {"weight_bands": []}})
    assert empty.get_json()["error"]["field"] == "weight_bands"


def test_a_roll_is_imported_through_the_api_with_per_line_errors(client, sam) -> None:
    url = "/api/v1/organisations/wsm/roll"
    text = "name;email;unit\nAoife;aoife@example.org;Galway\nBad;nope;Galwy\n"
    refused = client.post(url, headers=sam, json={"csv": text}).get_json()
    assert refused["imported"] is False
    assert [(e["line"], e["column"]) for e in refused["errors"]] == [(3, "email"), (3, "unit")]
    assert "Did you mean Galway?" in refused["errors"][1]["message"]

    done = client.post(url, headers=sam, json={"csv": text, "mode": "skip_bad_rows"}).get_json()
    assert (done["imported"], done["new_people"], done["bad_rows"]) == (True, 1, 1)
    assert person("aoife@example.org").memberships[0].unit.name == "Galway"

    wrong = client.post(url, headers=sam, json={"csv": text, "mode": "maybe"})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["field"] == "mode"
    headerless = client.post(url, headers=sam, json={"csv": "Ann,ann@example.org\n"})
    assert headerless.status_code == 422


def test_roles_through_the_api_and_the_last_admin_kept(client, sam) -> None:
    roles = client.get("/api/v1/organisations/wsm/roles", headers=sam).get_json()
    admin = next(r for r in roles if r["kind"] == "admin")
    refused = client.delete(f"/api/v1/organisations/wsm/roles/{admin['id']}", headers=sam)
    assert refused.status_code == 409
    made = client.post(
        "/api/v1/organisations/wsm/roles",
        headers=sam,
        json={"email": "mo@wsm.example", "kind": "teller"},
    )
    assert made.status_code == 201 and made.get_json()["kind"] == "teller"


def test_another_organisations_token_is_refused(client, sam) -> None:
    assert client.get("/api/v1/organisations/wri/members", headers=sam).status_code == 403
    answer = client.post(
        "/api/v1/organisations/wri/roll", headers=sam, json={"csv": "name,email\n"}
    )
    assert answer.status_code == 403
    member = bearer("mo@wsm.example")
    assert client.get("/api/v1/organisations/wsm/units", headers=member).status_code == 403


def test_the_openapi_document_describes_the_admin_operations(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    roll = paths["/organisations/{slug}/roll"]["post"]
    assert roll["requestBody"]["content"]["application/json"]["schema"]["required"] == ["csv"]
    assert (
        "errors" in roll["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    )
    assert "patch" in paths["/organisations/{slug}/bodies/{body_slug}"]
