"""Election ballots as written down: reading, the refusals, sealing positions, the set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voting.rules.rankings import (
    BadBallot,
    BallotForm,
    ballot_set,
    first_preferences,
    from_positions,
    ranking_from_ranks,
    read,
)

NAMES = ["Ana", "Ben", "Cy", "Dee"]


def test_a_ranking_reads_in_order_and_an_approval_sorted() -> None:
    assert read(BallotForm.RANKED, "3>1", NAMES).candidates == (3, 1)
    assert read(BallotForm.APPROVAL, "4,2", NAMES).written() == "2,4"
    assert read(BallotForm.RANKED, " ", NAMES).blank


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("1>1", "Ana is ranked twice"),
        ("1>9", "There is no candidate 9 on this ballot"),
        ("0", "There is no candidate 0 on this ballot"),
        ("a>b", "This ballot cannot be read"),
    ],
)
def test_a_malformed_ranking_is_refused_with_its_reason(written: str, says: str) -> None:
    with pytest.raises(BadBallot) as refused:
        read(BallotForm.RANKED, written, NAMES)
    assert says in refused.value.message.describe()


def test_ranks_given_per_candidate_must_run_without_gaps_or_shared_ranks() -> None:
    assert ranking_from_ranks({1: 2, 2: None, 3: 1, 4: None}, NAMES).written() == "3>1"
    with pytest.raises(BadBallot, match="No candidate is ranked 2, yet one is ranked 3"):
        ranking_from_ranks({1: 1, 2: 3}, NAMES)
    with pytest.raises(BadBallot, match="Ana and Cy are both ranked 1"):
        ranking_from_ranks({1: 1, 3: 1}, NAMES)
    with pytest.raises(BadBallot, match="Ranks start at 1"):
        ranking_from_ranks({2: 0}, NAMES)
    assert ranking_from_ranks({}, NAMES).blank


@given(st.permutations(range(1, 5)), st.integers(0, 4), st.sampled_from(list(BallotForm)[1:]))
def test_sealed_positions_give_back_the_same_ballot(order, length, form) -> None:  # type: ignore[no-untyped-def]
    marked = read(
        form, (">" if form is BallotForm.RANKED else ",").join(map(str, order[:length])), NAMES
    )
    positions = marked.positions(len(NAMES))
    assert len(positions) == len(NAMES)  # the same length whatever was marked
    assert from_positions(form, positions) == marked


def test_the_ballot_set_groups_identical_ballots_most_first() -> None:
    found = ballot_set(BallotForm.RANKED, [("2>1", 3), ("1", 1), ("2>1", 2), ("", 1)], NAMES)
    assert found == {"2>1": 5, "": 1, "1": 1}
    assert list(found) == ["2>1", "", "1"]
    assert first_preferences(BallotForm.RANKED, found, NAMES) == [1, 5, 0, 0]
    approvals = ballot_set(BallotForm.APPROVAL, [("1,2", 2), ("2", 1)], NAMES)
    assert first_preferences(BallotForm.APPROVAL, approvals, NAMES) == [2, 3, 0, 0]
