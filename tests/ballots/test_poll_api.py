"""The poll API: the same services as the pages, for scripts and other clients."""

from __future__ import annotations

from tests.fixtures.floor import WRI_CHAIR, WRI_REPS, WRI_SECRETARY, WSM_CHAIR, motion_of, unit
from tests.fixtures.people import token_for

XAVIER, YUSUF, PIA, QUINN = WRI_REPS.values()


def auth(email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(email)}"}


def straight_to_vote(client, motion_id: int) -> None:  # type: ignore[no-untyped-def]
    """The chair records through the API that the meeting goes straight to a vote on the
    motion (the WRI conference tries consensus first)."""
    made = client.post(
        f"/api/v1/motions/{motion_id}/straight-to-vote",
        json={"reason": "The conference agreed to vote at once."},
        headers=auth(WRI_CHAIR),
    )
    assert made.status_code == 201, made.json


def test_a_weighted_vote_through_the_api(wri, client) -> None:
    chair = auth(WRI_CHAIR)
    straight_to_vote(client, motion_of(wri).id)
    made = client.post(
        f"/api/v1/meetings/{wri.id}/polls",
        json={"motion": motion_of(wri).id, "mode": "named"},
        headers=chair,
    )
    assert made.status_code == 201, made.json
    poll_id = made.json["id"]
    preview = client.get(f"/api/v1/polls/{poll_id}/preview", headers=chair)
    assert "Xavier Rep holds 3 votes: 3 cards of Section X" in preview.json["lines"]
    assert client.post(f"/api/v1/polls/{poll_id}/open", json={}, headers=chair).status_code == 200

    xavier = auth(XAVIER)
    mine = client.get(f"/api/v1/polls/{poll_id}/mine", headers=xavier).json
    assert mine["holdings"][0]["reason"] == "Xavier Rep holds 3 votes: 3 cards of Section X"
    cast = client.post(f"/api/v1/polls/{poll_id}/votes", json={"choice": "yes"}, headers=xavier)
    assert cast.status_code == 201 and cast.json["already"] is False
    again = client.post(f"/api/v1/polls/{poll_id}/votes", json={"choice": "yes"}, headers=xavier)
    assert again.json["already"] is True
    changed = client.post(f"/api/v1/polls/{poll_id}/votes", json={"choice": "no"}, headers=xavier)
    assert changed.status_code == 409
    assert changed.json["error"]["message"] == "You have already voted in this poll."
    for email, choice in ((YUSUF, "no"), (PIA, "yes"), (QUINN, "no")):
        client.post(f"/api/v1/polls/{poll_id}/votes", json={"choice": choice}, headers=auth(email))
    state = client.get(f"/api/v1/polls/{poll_id}", headers=xavier).json
    assert state["progress"]["text"] == "4 of 4 votes cast (weight 7 of 7)"
    assert (
        client.post(
            f"/api/v1/polls/{poll_id}/votes", json={"choice": "yes"}, headers=auth(WRI_CHAIR)
        ).status_code
        == 403
    )

    closed = client.post(f"/api/v1/polls/{poll_id}/close", headers=chair).json
    assert closed["result"]["outcome"] == "carried"
    assert closed["result"]["sentences"] == [
        "Carried: 4 votes to 3 (majority of votes cast needed: more than 3 1/2 of 7)"
    ]
    assert {row["holder"] for row in closed["result"]["named"]} == {
        "Xavier Rep",
        "Yusuf Rep",
        "Pia Rep",
        "Quinn Rep",
    }
    late = client.post(f"/api/v1/polls/{poll_id}/votes", json={"choice": "yes"}, headers=xavier)
    assert late.status_code == 409


def test_a_secret_poll_through_the_api_gives_a_tracker_and_needs_the_privacy_confirmation(
    wri, client
) -> None:
    chair = auth(WRI_CHAIR)
    straight_to_vote(client, motion_of(wri).id)
    poll_id = client.post(
        f"/api/v1/meetings/{wri.id}/polls",
        json={"motion": motion_of(wri).id, "mode": "secret", "special": "constitution_amendment"},
        headers=chair,
    ).json["id"]
    warned = client.post(f"/api/v1/polls/{poll_id}/open", json={}, headers=chair)
    assert warned.status_code == 409 and warned.json["error"]["field"] == "confirm_privacy"
    opened = client.post(
        f"/api/v1/polls/{poll_id}/open", json={"confirm_privacy": True}, headers=chair
    )
    assert opened.json["status"] == "open"
    cast = client.post(
        f"/api/v1/polls/{poll_id}/votes", json={"choice": "yes"}, headers=auth(XAVIER)
    )
    tracker = cast.json["tracker"]
    client.post(f"/api/v1/polls/{poll_id}/close", headers=chair)
    published = client.get(f"/api/v1/polls/{poll_id}/trackers", headers=auth(XAVIER)).json
    from voting.ballots.services.polls import tracker_hash

    assert published["trackers"] == [tracker_hash(tracker)]
    assert published["choices"] == ["yes", "yes", "yes"]


def test_cards_mandates_and_proxies_through_the_api(wri, client) -> None:
    secretary = auth(WRI_SECRETARY)
    refused = client.post(
        "/api/v1/organisations/wri/cards",
        json={"unit": unit("wri", "Section Y").id, "email": XAVIER, "meeting": wri.id},
        headers=secretary,
    )
    assert refused.status_code == 409
    assert "more than one organisation" in refused.json["error"]["message"]
    made = client.post(
        "/api/v1/organisations/wri/cards",
        json={"unit": unit("wri", "Section X").id, "email": "xenia@wri.example", "cards": 1},
        headers=secretary,
    )
    assert made.status_code == 201
    assert (
        client.post(f"/api/v1/cards/{made.json['id']}/remove", headers=secretary).status_code == 200
    )
    # WRI bodies take no proxies and give no mandates.
    proxy = client.post(
        f"/api/v1/meetings/{wri.id}/proxies", json={"email": YUSUF}, headers=auth(XAVIER)
    )
    assert (
        proxy.status_code == 422
        and proxy.json["error"]["message"] == "This body does not allow proxies."
    )
    mandate = client.post(
        f"/api/v1/motions/{motion_of(wri).id}/mandates",
        json={"unit": unit("wri", "Section X").id, "instruction": "yes"},
        headers=secretary,
    )
    assert mandate.status_code == 422


def test_a_branch_mandate_and_its_report_through_the_api(wsm, client) -> None:
    galway = unit("wsm", "Galway")
    chair = auth(WSM_CHAIR)
    sent = client.post(
        f"/api/v1/motions/{motion_of(wsm).id}/mandates",
        json={"unit": galway.id, "instruction": "no"},
        headers=chair,
    )
    assert sent.status_code == 200
    poll_id = client.post(
        f"/api/v1/meetings/{wsm.id}/polls",
        json={"motion": motion_of(wsm).id, "mode": "named"},
        headers=chair,
    ).json["id"]
    client.post(f"/api/v1/polls/{poll_id}/open", json={}, headers=chair)
    gal = auth("gal@wsm.example")
    asked = client.post(f"/api/v1/polls/{poll_id}/votes", json={"choice": "yes"}, headers=gal)
    assert asked.status_code == 409 and asked.json["error"]["field"] == "confirm_against_mandate"
    done = client.post(
        f"/api/v1/polls/{poll_id}/votes",
        json={"choice": "yes", "confirm_against_mandate": True},
        headers=gal,
    )
    assert done.json["against"] and done.status_code == 201
    client.post(f"/api/v1/polls/{poll_id}/close", headers=chair)
    report = client.get(f"/api/v1/meetings/{wsm.id}/units/{galway.id}/report", headers=gal).json
    assert report["votes"][0]["against_mandate"] is True
    assert report["late_items"][0]["reason"] == "Brought forward by the branches"


def test_the_openapi_document_lists_the_poll_operations(client) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "post" in paths["/polls/{poll_id}/votes"]
    assert "post" in paths["/meetings/{meeting_id}/proxies"]
