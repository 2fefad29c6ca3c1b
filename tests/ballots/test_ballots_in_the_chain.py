"""Ballots enter the audit chain when the poll closes, sorted (never in the order they
arrived); a secret poll's ballots and trackers apart; the closing entry's hash is shown
with the result, on the screens and on the result page."""

from __future__ import annotations

from sqlalchemy import select

from tests.fixtures.floor import WSM_CHAIR, open_poll, vote
from tests.fixtures.people import person
from voting.ballots.models import PollMode
from voting.ballots.services import polls
from voting.core.audit import AuditEvent
from voting.core.extensions import db

DELEGATES = ["lee@wsm.example", "gwen@wsm.example", "gal@wsm.example", "dara@wsm.example"]


def _entry(action: str, poll_id: int) -> AuditEvent:
    return next(
        e
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        if e.data.get("poll") == poll_id
    )


def test_open_ballots_enter_the_chain_at_close_sorted_by_holding(wsm) -> None:
    poll = open_poll(wsm, WSM_CHAIR)
    for email, choice in zip(DELEGATES, ("no", "yes", "abstain", "yes"), strict=True):
        vote(poll, email, choice, confirm_against_mandate=True)
    before = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert "poll.ballots" not in before  # nothing of the ballots until the close
    polls.close_poll(person(WSM_CHAIR), poll)
    entry = _entry("poll.ballots", poll.id)
    keys = [key for key, _parts in entry.data["ballots"]]
    assert keys == sorted(keys) and len(keys) == 4
    closed = _entry("poll.closed", poll.id)
    assert closed.seq == entry.seq + 1
    assert poll.result["audit_hash"] == closed.hash


def test_a_secret_polls_ballots_and_trackers_enter_apart_and_sorted(wsm, signed_in) -> None:
    poll = open_poll(wsm, WSM_CHAIR, mode=PollMode.SECRET)
    for email, choice in zip(DELEGATES, ("yes", "no", "yes", "abstain"), strict=True):
        vote(poll, email, choice)
    polls.close_poll(person(WSM_CHAIR), poll)
    entry = _entry("poll.ballots", poll.id)
    assert entry.data["ballots"] == sorted(entry.data["ballots"])
    assert entry.data["trackers"] == sorted(entry.data["trackers"])
    assert set(entry.data) == {"poll", "ballots", "trackers"}  # no voter, no key, no time
    assert sum(1 for b in entry.data["ballots"] if b == "yes") >= 2
    digest = poll.result["audit_hash"]
    shown = f"{digest[0:4]} {digest[4:8]} {digest[8:12]} {digest[12:16]}"
    chair = signed_in(WSM_CHAIR)
    for page in (f"/polls/{poll.id}/result", f"/meetings/{wsm.id}/projector/{wsm.display_token}"):
        html = chair.get(page).get_data(as_text=True)
        assert shown in html and f'data-audit-hash="{digest}"' in html, page
