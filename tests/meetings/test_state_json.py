"""API clients and simulated phones learn from the meeting's JSON state what they can
vote on."""

from __future__ import annotations

from tests.fixtures.floor import WRI_CHAIR, open_poll
from tests.fixtures.people import person
from voting.ballots.services import polls
from voting.meetings.state import meeting_state, state_json


def test_the_state_names_the_open_poll_and_forgets_it_once_closed(wri) -> None:
    assert state_json(meeting_state(wri), named=True)["poll"] is None
    poll = open_poll(wri, WRI_CHAIR)
    shown = state_json(meeting_state(wri), named=True)["poll"]
    assert shown["poll"] == poll.id
    assert shown["choices"] == ["yes", "no", "abstain"]
    assert shown["mode"] == "open"
    polls.close_poll(person(WRI_CHAIR), poll)
    assert state_json(meeting_state(wri), named=False)["poll"] is None
