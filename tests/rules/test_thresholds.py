"""Thresholds, quorum and ties, with the worked example 3 of the rules."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voting.rules.thresholds import (
    ABSOLUTE_MAJORITY,
    SIMPLE_MAJORITY,
    TWO_THIRDS_OF_CAST,
    TWO_THIRDS_OF_MEMBERS,
    TWO_THIRDS_OF_PRESENT,
    Base,
    Counts,
    Outcome,
    Quorum,
    Threshold,
    decide,
)

# Worked example 3: 30 entitled, 20 present, 12 yes, 5 no, 3 abstain.
EXAMPLE = Counts(yes=12, no=5, abstain=3, present=20, entitled=30)


def test_example_simple_majority_of_cast_carries_12_to_5():
    """ISN: "Decisions ... shall be made on the basis of a simple majority vote"."""
    decision = decide(EXAMPLE, SIMPLE_MAJORITY)
    assert decision.carried
    assert decision.explain() == (
        "Carried: 12 votes to 5 (majority of votes cast needed: more than 8 1/2 of 17) "
        "3 abstentions, not counted as votes cast."
    )


def test_example_two_thirds_of_cast_carries_with_12_of_17():
    """WRI Constitution, amendments: "A proposed amendment shall require two-thirds of the
    votes cast"."""
    decision = decide(EXAMPLE, TWO_THIRDS_OF_CAST)
    assert decision.carried
    assert decision.bar == Fraction(34, 3)  # 11 1/3 of 17; 12/17 is 70.6%


def test_example_two_thirds_of_present_loses_with_12_of_20():
    """WRI Constitution, Rules: "approved by not less than two-thirds of the Council
    members present"."""
    decision = decide(EXAMPLE, TWO_THIRDS_OF_PRESENT)
    assert decision.outcome is Outcome.LOST
    assert "at least 13 1/3 of 20" in decision.explain()


def test_example_absolute_majority_of_entitled_needs_16_and_loses():
    """Absolute majority of those entitled: more than 15 of 30, i.e. 16 yes."""
    assert decide(EXAMPLE, ABSOLUTE_MAJORITY).outcome is Outcome.LOST
    assert decide(Counts(16, 1, 3, present=20, entitled=30), ABSOLUTE_MAJORITY).carried


def test_two_thirds_is_at_least_while_majority_is_more_than():
    """WRI Constitution, amendments, "two-thirds": exactly 2/3 carries; a majority needs
    more than half."""
    assert decide(Counts(yes=4, no=2), TWO_THIRDS_OF_CAST).carried
    assert decide(Counts(yes=3, no=2), TWO_THIRDS_OF_CAST).outcome is Outcome.LOST
    strict = Threshold(Fraction(2, 3), Base.CAST, strict=True)
    assert decide(Counts(yes=4, no=2), strict).outcome is Outcome.LOST


def test_wri_amendment_3_of_5_is_60_percent_and_lost():
    """Worked example 1: X yes (3), Y no (2) on a constitution amendment: 60% < 2/3."""
    decision = decide(Counts(yes=3, no=2), TWO_THIRDS_OF_CAST)
    assert decision.explain() == (
        "Lost: 3 votes to 2 (2/3 of votes cast needed: at least 3 1/3 of 5)"
    )


def test_tie_fails_even_where_the_fraction_would_allow_it():
    """WSM 7(a) "All decisions are taken by majority vote": a tie is not a majority."""
    at_least_half = Threshold(Fraction(1, 2), Base.CAST, strict=False)
    decision = decide(Counts(yes=4, no=4), at_least_half)
    assert decision.outcome is Outcome.TIED
    assert decision.explain() == "Lost: tie, 4 votes to 4 (ties fail)"


def test_wri_executive_committee_two_thirds_of_all_members_by_consultation():
    """WRI Rules 3(b): "decisions may be taken ... by two thirds of all members"."""
    # 7 members, 5 answer: 4 yes, 1 no. 4 < 2/3 of 7 = 4 2/3.
    counts = Counts(yes=4, no=1, entitled=7, members=7)
    assert decide(counts, TWO_THIRDS_OF_MEMBERS).outcome is Outcome.LOST
    assert decide(Counts(yes=5, no=0, entitled=7, members=7), TWO_THIRDS_OF_MEMBERS).carried


def test_abstentions_count_as_cast_only_where_the_body_says_so():
    """Platform rules: "Abstentions never count as cast unless a body says so"."""
    counts = Counts(yes=5, no=4, abstain=2)
    assert decide(counts, SIMPLE_MAJORITY).carried
    counting = Threshold(Fraction(1, 2), Base.CAST, strict=True, abstentions_count=True)
    decision = decide(counts, counting)
    assert not decision.carried
    assert "2 abstentions, counted as votes cast." in decision.explain()
    assert "votes cast, abstentions included" in decision.explain()


def test_inquorate_meeting_decides_nothing():
    """A quorum of half the members: 12 of 30 present is not enough."""
    quorum = Quorum(fraction=Fraction(1, 2), base=Base.MEMBERS)
    decision = decide(Counts(yes=10, no=1, present=12, entitled=30), SIMPLE_MAJORITY, quorum)
    assert decision.outcome is Outcome.INQUORATE
    assert decision.explain() == "No decision: quorum not reached (12 present, at least 15 needed)"


def test_quorum_of_units_counts_units_represented():
    """A quorum of a third of the branches: 2 of 7 branches is not enough, 3 is."""
    quorum = Quorum(fraction=Fraction(1, 3), base=Base.UNITS)
    thin = Counts(yes=5, no=1, units_present=2, units_total=7)
    assert decide(thin, SIMPLE_MAJORITY, quorum).outcome is Outcome.INQUORATE
    enough = Counts(yes=5, no=1, units_present=3, units_total=7)
    assert decide(enough, SIMPLE_MAJORITY, quorum).carried


def test_inconsistent_counts_are_refused():
    with pytest.raises(ValueError):
        Counts(yes=5, no=5, present=8)
    with pytest.raises(ValueError):
        Counts(yes=-1, no=0)
    with pytest.raises(ValueError):
        Threshold(Fraction(3, 2))


THRESHOLDS = st.sampled_from(
    [
        SIMPLE_MAJORITY,
        ABSOLUTE_MAJORITY,
        TWO_THIRDS_OF_CAST,
        TWO_THIRDS_OF_PRESENT,
        TWO_THIRDS_OF_MEMBERS,
        Threshold(Fraction(3, 5), Base.CAST, strict=False, abstentions_count=True),
    ]
)


@st.composite
def counts(draw: st.DrawFn) -> Counts:
    yes, no, abstain = (draw(st.integers(0, 40)) for _ in range(3))
    present = yes + no + abstain + draw(st.integers(0, 10))
    entitled = present + draw(st.integers(0, 10))
    members = entitled + draw(st.integers(0, 10))
    return Counts(yes, no, abstain, present, entitled, members)


@given(counts(), THRESHOLDS, st.sampled_from(["no", "abstain"]))
def test_more_yes_never_turns_carried_into_lost(c: Counts, threshold: Threshold, source: str):
    """Monotone: turning a no or an abstention into a yes never loses a carried motion."""
    if getattr(c, source) == 0:
        return
    moved = Counts(
        yes=c.yes + 1,
        no=c.no - (source == "no"),
        abstain=c.abstain - (source == "abstain"),
        present=c.present,
        entitled=c.entitled,
        members=c.members,
    )
    quorum = Quorum(fraction=Fraction(1, 3))
    if decide(c, threshold, quorum).carried:
        assert decide(moved, threshold, quorum).carried


@given(counts(), THRESHOLDS)
def test_an_extra_yes_vote_never_turns_carried_into_lost(c: Counts, threshold: Threshold):
    """Monotone: one more member turning up and voting yes never loses a carried motion."""
    more = Counts(
        yes=c.yes + 1,
        no=c.no,
        abstain=c.abstain,
        present=c.present_weight + 1,
        entitled=c.entitled_weight + 1,
        members=c.members_weight + 1,
    )
    if threshold.base in (Base.ENTITLED, Base.MEMBERS):
        return  # a new member raises the bar itself; not the case this property is about
    if decide(c, threshold).carried:
        assert decide(more, threshold).carried


@given(counts(), THRESHOLDS)
def test_a_carried_motion_has_more_yes_than_no(c: Counts, threshold: Threshold):
    if decide(c, threshold).carried:
        assert c.yes > c.no
