"""Who may stand: nominations, term limits in succession, office limits, minimums."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from voting.rules.offices import (
    minimum_seats,
    minimum_shortfall,
    office_limit,
    standing,
    term_limit,
    years_in_succession,
)

D = dt.date


def test_a_nomination_stands_with_consent_and_a_unit_or_enough_supporters() -> None:
    assert standing(consented=True, by_unit=True, supporters=0, needed=5).stands
    assert standing(consented=True, by_unit=False, supporters=5, needed=5).stands
    short = standing(consented=False, by_unit=False, supporters=4, needed=5)
    assert [m.describe() for m in short.reasons] == [
        "the candidate has not consented in writing",
        "supported by 4 members of the 5 needed",
    ]


def test_terms_back_to_back_add_up_and_a_long_gap_starts_again() -> None:
    terms = [(D(2024, 1, 1), D(2024, 12, 31)), (D(2025, 1, 1), D(2025, 12, 31))]
    years = years_in_succession(terms, D(2026, 1, 1), D(2026, 12, 31))
    assert float(years) == pytest.approx(3.0, abs=0.01)
    assert term_limit(terms, D(2026, 1, 1), D(2026, 12, 31), 3, position="Treasurer") is None
    three = [(D(2023, 1, 1), D(2023, 12, 31)), *terms]
    refused = term_limit(three, D(2026, 1, 1), D(2026, 12, 31), 3, position="Treasurer")
    assert refused is not None and "4.0 years in succession (at most 3)" in refused.describe()
    gap = [(D(2022, 1, 1), D(2022, 12, 31)), (D(2024, 1, 1), D(2025, 12, 31))]
    assert years_in_succession(gap, D(2026, 1, 1), D(2026, 12, 31)) < 3.5  # not 2022
    assert term_limit(three, D(2026, 1, 1), D(2026, 12, 31), 0, position="x") is None


def test_an_office_limit_counts_the_positions_held() -> None:
    assert office_limit(["Treasurer"], 2) is None
    said = office_limit(["Treasurer", "Internal Secretary"], 2)
    assert said is not None and said.describe() == (
        "already holds 2 positions (Treasurer, Internal Secretary); at most 2 at once"
    )


def test_a_minimum_is_a_share_rounded_up_and_checked_before_the_ballot() -> None:
    assert minimum_seats(Fraction(1, 2), 8) == 4 and minimum_seats(Fraction(1, 2), 7) == 4
    woman = frozenset({"woman"})
    assert minimum_shortfall("woman", 4, [woman], [woman, woman, woman, frozenset()]) is None
    short = minimum_shortfall("woman", 4, [], [woman, frozenset()])
    assert short is not None and "1 standing cannot meet it" in short.describe()
