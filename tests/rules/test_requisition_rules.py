"""Requisitions: how many signatures a demand for a meeting needs, and when it is met."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voting.rules.requisitions import (
    Requirement,
    convene_by,
    earliest_meeting,
    progress,
)

shares = st.fractions(min_value=0, max_value=1, max_denominator=100)
counts = st.integers(min_value=0, max_value=50)
eligibles = st.integers(min_value=0, max_value=5000)


def test_wsm_ten_percent_of_members_is_at_least_one_tenth_rounded_up() -> None:
    """WSM: an emergency council on the request of 10% of members."""
    tenth = Requirement(share=Fraction(1, 10))
    assert tenth.needed(20) == 2
    assert tenth.needed(21) == 3  # 2.1 signatures cannot be had: 3
    assert tenth.needed(5) == 1


def test_wri_one_fifth_of_member_organisations() -> None:
    assert Requirement(share=Fraction(1, 5)).needed(4) == 1
    assert Requirement(share=Fraction(1, 5)).needed(11) == 3


def test_a_count_alone_any_branch_or_two_officers() -> None:
    assert Requirement(count=1).needed(30) == 1
    assert Requirement(count=2).needed(1) == 2
    # Two officers where only one exists: the threshold cannot be reached.
    assert not progress(Requirement(count=2), 1, 1).reachable


def test_a_share_and_a_count_together_need_both() -> None:
    both = Requirement(share=Fraction(1, 4), count=3)
    assert both.needed(4) == 3
    assert both.needed(40) == 10


def test_every_requisition_needs_one_signature_at_least() -> None:
    assert Requirement(share=Fraction(1, 10)).needed(0) == 1
    assert Requirement().needed(100) == 1


def test_progress_says_how_many_more_are_needed() -> None:
    awl = Requirement(share=Fraction(1, 4))
    twelve = progress(awl, 80, 12)
    assert (twelve.signatures, twelve.needed, twelve.remaining) == (12, 20, 8)
    assert not twelve.reached
    assert progress(awl, 80, 25).remaining == 0


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError):
        Requirement(share=Fraction(3, 2))
    with pytest.raises(ValueError):
        Requirement(count=-1)
    with pytest.raises(ValueError):
        Requirement().needed(-1)
    with pytest.raises(ValueError):
        progress(Requirement(count=1), 3, -1)


def test_awl_committee_within_a_week_and_isn_two_months_notice() -> None:
    reached = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)
    assert convene_by(reached, 7) == datetime(2025, 3, 10, 18, 0, tzinfo=UTC)
    assert convene_by(reached, 0) is None
    assert earliest_meeting(reached, 60) == reached + timedelta(days=60)
    assert earliest_meeting(reached, 0) == reached


@given(shares, counts, eligibles, st.integers(min_value=0, max_value=5000))
def test_more_signatures_never_undo_a_reached_threshold(
    share: Fraction, count: int, eligible: int, signatures: int
) -> None:
    rule = Requirement(share, count)
    if progress(rule, eligible, signatures).reached:
        assert progress(rule, eligible, signatures + 1).reached
    assert progress(rule, eligible, signatures + 1).remaining <= (
        progress(rule, eligible, signatures).remaining
    )


@given(shares, counts, eligibles)
def test_exactly_the_threshold_counts_and_one_fewer_does_not(
    share: Fraction, count: int, eligible: int
) -> None:
    rule = Requirement(share, count)
    needed = rule.needed(eligible)
    assert progress(rule, eligible, needed).reached
    assert not progress(rule, eligible, needed - 1).reached
    # The share is "at least": the signatures needed are that share, never less.
    assert Fraction(needed) >= share * eligible
    assert needed >= count and needed >= 1


@given(shares, counts, eligibles)
def test_the_share_asks_for_no_more_than_it_says(
    share: Fraction, count: int, eligible: int
) -> None:
    needed = Requirement(share, count).needed(eligible)
    # One fewer would fall short of the share, unless the count or the floor of one set it.
    assert needed - 1 < share * eligible or needed in (count, 1)
    # A share alone never asks for more than all who may sign (or one, if none may).
    assert Requirement(share).needed(eligible) <= max(eligible, 1)


@given(shares, counts, eligibles)
def test_more_people_entitled_never_need_fewer_signatures(
    share: Fraction, count: int, eligible: int
) -> None:
    rule = Requirement(share, count)
    assert rule.needed(eligible + 1) >= rule.needed(eligible)
