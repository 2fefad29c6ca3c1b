"""Votes are rate-limited per person, on every way in: a flood is refused with a clear
message, while an honest phone (one vote, perhaps resent) never comes near the limit."""

from __future__ import annotations

import pytest

from tests.fixtures.floor import WRI_CHAIR, WRI_REPS, open_poll
from tests.fixtures.people import sign_in, token_for

XAVIER = WRI_REPS["Section X"]
SLOW_DOWN = "Too many votes in a short time. Wait a minute and try again."


@pytest.fixture
def poll(wri, live):  # type: ignore[no-untyped-def]
    live.config["RATELIMIT_VOTE"] = "3 per minute"
    return open_poll(wri, WRI_CHAIR)


def test_the_api_refuses_the_fourth_vote_attempt_within_a_minute(poll, client) -> None:
    headers = {"Authorization": f"Bearer {token_for(XAVIER)}"}
    url = f"/api/v1/polls/{poll.id}/votes"
    answers = [client.post(url, json={"choice": "yes"}, headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[1].json["already"] is True  # a resend is acknowledged, not refused
    assert answers[3].json["error"]["message"] == SLOW_DOWN


def test_the_ballot_form_refuses_a_flood_with_the_same_message(poll, client) -> None:
    sign_in(client, XAVIER)
    url = f"/polls/{poll.id}/vote"
    for _ in range(3):  # a script hammering the form with a choice the poll does not have
        assert client.post(url, data={"choice": "maybe"}).status_code == 422
    page = client.post(url, data={"choice": "yes"})
    assert page.status_code == 429
    assert SLOW_DOWN in page.get_data(as_text=True)  # shown on the ballot, nothing recorded
    assert "Your vote is recorded" not in page.get_data(as_text=True)


def test_the_socket_vote_event_is_limited_too(poll, client, socket_for) -> None:
    sign_in(client, XAVIER)
    phone = socket_for(client)
    acks = [phone.emit("vote", {"poll": poll.id, "choice": "yes"}, callback=True) for _ in range(4)]
    assert [a.get("ok", False) for a in acks] == [True, True, True, False]
    assert acks[3]["error"]["message"] == SLOW_DOWN
