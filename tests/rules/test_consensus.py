"""Consensus first, then the fallback vote (WRI Constitution 3(e), WSM 5.5(iii))."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from voting.rules.consensus import ConsensusSettings, NextStep, Response, Status, consensus_outcome
from voting.rules.thresholds import SIMPLE_MAJORITY

MIN = dt.timedelta(minutes=1)
WRI = ConsensusSettings(time_agreed=15 * MIN, fallback=SIMPLE_MAJORITY)
FLOOR = ("xena", "yann", "pia", "quin")


def test_wri_conference_q_blocks_and_the_agreed_15_minutes_pass_so_the_body_votes():
    """WRI 3(e): "If no consensus can be reached within the time agreed, a vote will be held"."""
    answers = {
        "xena": Response.AGREE,
        "yann": Response.RESERVATIONS,
        "pia": Response.AGREE,
        "quin": Response.BLOCK,
    }
    during = consensus_outcome(FLOOR, answers, WRI, elapsed=10 * MIN)
    assert during.status is Status.OPEN
    assert during.next_step is NextStep.CONTINUE
    assert during.explain() == (
        "Not yet: No consensus: 1 block (quin); 5 min left of the time agreed. "
        "Continue the discussion."
    )
    after = consensus_outcome(FLOOR, answers, WRI, elapsed=15 * MIN)
    assert after.status is Status.NO_CONSENSUS
    assert after.next_step is NextStep.VOTE
    assert after.fallback == SIMPLE_MAJORITY
    assert after.blocks == ("quin",)
    assert after.explain() == (
        "No consensus: 1 block (quin). Vote under the body's rule: majority of votes cast."
    )


def test_consensus_is_recorded_with_reservations_and_stand_asides():
    """Platform rules: consensus "recorded with the reservations and stand-asides"."""
    answers = {
        "xena": Response.AGREE,
        "yann": Response.RESERVATIONS,
        "pia": Response.STAND_ASIDE,
        "quin": Response.AGREE,
    }
    result = consensus_outcome(FLOOR, answers, WRI, elapsed=3 * MIN)
    assert result.status is Status.CONSENSUS
    assert result.next_step is NextStep.RECORD
    assert result.reservations == ("yann",)
    assert result.stand_asides == ("pia",)
    assert result.reason.describe() == ("Consensus: 2 agree, 1 with reservations, 1 stand aside")


def test_stand_asides_beyond_the_body_limit_prevent_consensus():
    """A body allowing one stand-aside: two stand-asides are no consensus when time is up."""
    settings = ConsensusSettings(stand_aside_limit=1, time_agreed=20 * MIN, fallback=None)
    answers = dict.fromkeys(FLOOR, Response.AGREE) | {
        "pia": Response.STAND_ASIDE,
        "quin": Response.STAND_ASIDE,
    }
    result = consensus_outcome(FLOOR, answers, settings, closed=True)
    assert result.status is Status.NO_CONSENSUS
    assert result.next_step is NextStep.NO_DECISION
    assert "more than the limit of 1" in result.explain()


def test_missing_answers_keep_the_test_open_until_the_time_runs_out():
    """The chair waits for every answer within the time agreed."""
    answers = {"xena": Response.AGREE, "yann": Response.AGREE}
    result = consensus_outcome(FLOOR, answers, WRI, elapsed=2 * MIN)
    assert result.status is Status.OPEN
    assert result.reason.describe() == (
        "Still open: 2 of 4 answered; 13 min left of the time agreed"
    )
    late = consensus_outcome(FLOOR, answers, WRI, elapsed=16 * MIN)
    assert late.status is Status.NO_CONSENSUS
    assert late.silent == ("pia", "quin")


def test_silence_is_consent_where_the_body_says_so():
    """WSM 5.5(iii) "if there is general agreement": silence taken as agreement."""
    settings = ConsensusSettings(
        time_agreed=10 * MIN, fallback=SIMPLE_MAJORITY, silence_is_consent=True
    )
    answers = {"xena": Response.AGREE}
    result = consensus_outcome(FLOOR, answers, settings, closed=True)
    assert result.status is Status.CONSENSUS


@given(
    st.lists(st.sampled_from(list(Response)), min_size=1, max_size=12),
    st.integers(0, 30),
    st.booleans(),
)
def test_a_block_never_makes_consensus(responses, minutes, closed):
    people = tuple(range(len(responses)))
    answers = dict(zip(people, responses, strict=True))
    result = consensus_outcome(people, answers, WRI, elapsed=minutes * MIN, closed=closed)
    if Response.BLOCK in responses:
        assert result.status is not Status.CONSENSUS
    if result.status is Status.NO_CONSENSUS:
        assert result.next_step is NextStep.VOTE
