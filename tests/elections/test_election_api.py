"""The elections API: the same services as the pages, with the same refusals, and the
ballot voted with a `ranking` through the polls API."""

from __future__ import annotations

from datetime import timedelta

from tests.elections.conftest import ISN_PEOPLE, NIA, email_of
from tests.fixtures.people import bearer
from voting.core.columns import utcnow
from voting.rules import rankings

VOTERS = [email_of(n) for n, _g in ISN_PEOPLE]


def _position(client, slug: str) -> int:  # type: ignore[no-untyped-def]
    found = client.get("/api/v1/organisations/isn/positions", headers=bearer(NIA)).get_json()
    return next(p["id"] for p in found if p["slug"] == slug)


def test_an_election_between_meetings_through_the_api(live, nmm, clock) -> None:
    client = live.test_client()
    chair = bearer(NIA)
    position = _position(client, "steering-members")
    made = client.post(
        f"/api/v1/positions/{position}/elections",
        json={"nominations_close_at": (utcnow() + timedelta(hours=1)).isoformat(), "seats": 2},
        headers=chair,
    )
    assert made.status_code == 201, made.get_json()
    election = made.get_json()
    assert election["status"] == "nominating" and election["seats"] == 2
    assert election["meeting"] is None  # between meetings: a poll of the body's members

    ids = {}
    for name in ("Grainne", "Hugh", "Jude"):
        from tests.fixtures.people import person

        nominated = client.post(
            f"/api/v1/elections/{election['id']}/nominations",
            json={"candidate": person(email_of(name)).id, "statement": f"{name} for the committee"},
            headers=chair,
        )
        assert nominated.status_code == 201, nominated.get_json()
        body = nominated.get_json()
        assert body["stands"] is False and body["why_not"] == [
            "the candidate has not consented in writing"
        ]
        ids[name] = body["id"]
        consent = client.post(
            f"/api/v1/nominations/{body['id']}/consent",
            json={"categories": ["woman"] if name != "Hugh" else []},
            headers=bearer(email_of(name)),
        )
        assert consent.get_json()["stands"] is True

    someone_else = client.post(
        f"/api/v1/nominations/{ids['Hugh']}/consent", json={}, headers=bearer(email_of("Kevin"))
    )
    assert someone_else.status_code == 403
    assert "Only the candidate" in someone_else.get_json()["error"]["message"]

    early = client.post(f"/api/v1/elections/{election['id']}/ballot", json={}, headers=chair)
    assert early.status_code == 409 and "open until" in early.get_json()["error"]["message"]
    clock.shift(timedelta(hours=2))
    late = client.post(
        f"/api/v1/elections/{election['id']}/nominations",
        json={"candidate": 1},
        headers=chair,
    )
    assert late.status_code in (409, 422)
    prepared = client.post(f"/api/v1/elections/{election['id']}/ballot", json={}, headers=chair)
    assert prepared.status_code == 201, prepared.get_json()
    poll_id = prepared.get_json()["poll"]
    poll = client.get(f"/api/v1/polls/{poll_id}", headers=chair).get_json()
    assert poll["form"] == "ranked" and poll["seats"] == 2 and poll["mode"] == "secret"
    opened = client.post(
        f"/api/v1/polls/{poll_id}/open", json={"confirm_privacy": True}, headers=chair
    )
    assert opened.status_code == 200, opened.get_json()

    bad = client.post(
        f"/api/v1/polls/{poll_id}/votes",
        json={"ranking": ["Grainne", "Grainne"]},
        headers=bearer(VOTERS[0]),
    )
    assert bad.status_code == 422 and "ranked twice" in bad.get_json()["error"]["message"]
    unknown = client.post(
        f"/api/v1/polls/{poll_id}/votes", json={"ranking": ["Nobody"]}, headers=bearer(VOTERS[0])
    )
    assert (
        unknown.status_code == 422 and "not a candidate" in unknown.get_json()["error"]["message"]
    )
    for i, voter in enumerate(VOTERS):
        ranking = ["Hugh", "Grainne"] if i < 5 else ["Jude", "Grainne", "Hugh"]
        cast = client.post(
            f"/api/v1/polls/{poll_id}/votes", json={"ranking": ranking}, headers=bearer(voter)
        )
        assert cast.status_code == 201, cast.get_json()
        assert cast.get_json()["tracker"]
    again = client.post(
        f"/api/v1/polls/{poll_id}/votes", json={"ranking": ["Jude"]}, headers=bearer(VOTERS[0])
    )
    assert again.status_code == 409

    closed = client.post(f"/api/v1/polls/{poll_id}/close", json={}, headers=chair)
    assert closed.status_code == 200, closed.get_json()
    result = client.get(f"/api/v1/elections/{election['id']}", headers=chair).get_json()
    assert result["status"] == "decided"
    assert {e["name"] for e in result["result"]["elected"]} == {"Hugh", "Jude"}
    assert result["result"]["rounds"] and result["result"]["cast"] == 12

    blt = client.get(f"/api/v1/elections/{election['id']}/recount-file", headers=chair).get_json()[
        "blt"
    ]
    lines = blt.splitlines()
    assert lines[0] == "3 2"
    assert lines[-1] == '"Steering Committee members elected as a group (2 seats)"'
    counted = sum(int(line.split()[0]) for line in lines[1:] if line[0].isdigit() and line != "0")
    assert counted == 12  # every ballot, anonymised: one line per distinct ranking

    offices = client.get("/api/v1/organisations/isn/offices", headers=bearer(VOTERS[3])).get_json()
    assert {o["person"]["name"] for o in offices} == {"Hugh", "Jude"}


def test_another_organisation_sees_no_election(live, nmm, clock) -> None:
    client = live.test_client()
    position = _position(client, "national-secretary")
    made = client.post(
        f"/api/v1/positions/{position}/elections",
        json={"nominations_close_at": (utcnow() + timedelta(hours=1)).isoformat()},
        headers=bearer(NIA),
    ).get_json()
    outsider = bearer("sam@wsm.example")
    assert client.get(f"/api/v1/elections/{made['id']}", headers=outsider).status_code == 404
    assert client.get("/api/v1/organisations/isn/elections", headers=outsider).status_code == 404
    called = client.post(
        f"/api/v1/positions/{position}/elections",
        json={"nominations_close_at": (utcnow() + timedelta(hours=1)).isoformat()},
        headers=outsider,
    )
    assert called.status_code == 404
    member = client.post(
        f"/api/v1/positions/{position}/elections",
        json={"nominations_close_at": (utcnow() + timedelta(hours=1)).isoformat()},
        headers=bearer(VOTERS[0]),
    )
    assert member.status_code == 403


def test_a_time_without_its_zone_is_refused(live, nmm) -> None:
    client = live.test_client()
    position = _position(client, "national-secretary")
    refused = client.post(
        f"/api/v1/positions/{position}/elections",
        json={"nominations_close_at": "2027-03-02T18:00"},
        headers=bearer(NIA),
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "nominations_close_at"


def test_blt_names_withdrawn_candidates_as_negative_numbers() -> None:
    text = rankings.blt({"2>1": 3, "1": 1, "": 2}, ["Ana", "Ben", "Cy"], 1, "Chair", withdrawn=[3])
    assert text.splitlines() == [
        "3 1",
        "-3",
        "3 2 1 0",
        "1 1 0",
        "0",
        '"Ana"',
        '"Ben"',
        '"Cy"',
        '"Chair"',
    ]
