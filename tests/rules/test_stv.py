"""Meek STV: a published example, an independent instant-runoff reference, constraints."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from voting.rules.stv import (
    SCALE,
    Candidate,
    Minimum,
    RankedBallot,
    instant_runoff,
    lot_order,
    meek_stv,
)

# The "food election" of the Wikipedia article "Single transferable vote": 20 voters,
# 3 seats; the article's count (Droop quota 6) elects Chocolate, Oranges, Strawberries.
FOOD = [
    Candidate(name, name)
    for name in ("Oranges", "Pears", "Chocolate", "Strawberries", "Hamburgers", "Sweets")
]
FOOD_BALLOTS = [
    RankedBallot(("Oranges",), 4),
    RankedBallot(("Pears", "Oranges"), 2),
    RankedBallot(("Chocolate", "Strawberries"), 8),
    RankedBallot(("Chocolate", "Sweets"), 4),
    RankedBallot(("Strawberries",), 1),
    RankedBallot(("Hamburgers",), 1),
]


def test_food_election_elects_chocolate_oranges_strawberries():
    result = meek_stv(FOOD_BALLOTS, FOOD, 3)
    assert set(result.elected) == {"Chocolate", "Oranges", "Strawberries"}
    assert result.elected[0] == "Chocolate"
    assert result.report() == [
        "1. Chocolate elected with 12",
        "2. Strawberries elected with 5.66667",
        "3. Hamburgers excluded with the fewest votes (1)",
        "4. Pears excluded with the fewest votes (2)",
        "5. Oranges elected with 6",
        "5. Sweets not elected: all seats filled",
    ]


def test_food_election_meek_values_match_a_hand_count():
    """Meek quota is votes/(seats+1) plus 10^-9: 5.000000001. After Chocolate's election
    its keep factor is 5/12, so Strawberries gets 1 + 8 * 7/12 = 5 2/3 in round 2."""
    result = meek_stv(FOOD_BALLOTS, FOOD, 3)
    first, second = result.rounds[0], result.rounds[1]
    assert first.quota == Fraction(5 * SCALE + 1, SCALE)
    assert first.votes["Chocolate"] == 12
    assert abs(second.votes["Strawberries"] - Fraction(17, 3)) < Fraction(1, 10**7)
    assert abs(second.keep_factors["Chocolate"] - Fraction(5, 12)) < Fraction(1, 10**7)
    # Totals are conserved in every round: votes + non-transferable = 20 ballots.
    for r in result.rounds:
        assert sum(r.votes.values()) + r.non_transferable == 20


def _irv_reference(ballots: list[tuple[str, ...]], names: list[str]) -> str | None:
    """A deliberately plain instant-runoff count: exclude the last until one has a majority.

    Returns None when a tie for last place would need a tie-break rule.
    """
    standing = set(names)
    while True:
        tops = Counter(
            next(c for c in b if c in standing) for b in ballots if any(c in standing for c in b)
        )
        counts = {c: tops.get(c, 0) for c in standing}
        active = sum(counts.values())
        leader = max(counts, key=counts.get)
        if len(standing) == 1 or 2 * counts[leader] > active:
            return leader
        low = min(counts.values())
        lowest = [c for c in standing if counts[c] == low]
        if len(lowest) > 1:
            return None
        standing.remove(lowest[0])


rankings = st.lists(
    st.permutations(["A", "B", "C", "D", "E"]).flatmap(
        lambda p: st.integers(1, 5).map(lambda k: tuple(p[:k]))
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200)
@given(rankings)
def test_single_seat_meek_agrees_with_an_independent_instant_runoff(ballots):
    names = ["A", "B", "C", "D", "E"]
    expected = _irv_reference(ballots, names)
    assume(expected is not None)
    result = instant_runoff([RankedBallot(b) for b in ballots], [Candidate(n, n) for n in names])
    assert result.elected == (expected,)


@st.composite
def elections(draw: st.DrawFn):
    n = draw(st.integers(1, 8))
    names = [f"C{i}" for i in range(n)]
    women = set(draw(st.sets(st.sampled_from(names))))
    candidates = [
        Candidate(c, c, frozenset({"woman"}) if c in women else frozenset()) for c in names
    ]
    ballots = [
        RankedBallot(
            tuple(draw(st.permutations(names))[: draw(st.integers(1, n))]), draw(st.integers(1, 3))
        )
        for _ in range(draw(st.integers(0, 25)))
    ]
    seats = draw(st.integers(1, 6))
    minimum = draw(st.integers(0, seats))
    already = tuple(frozenset({"woman"}) for _ in range(draw(st.integers(0, 2))))
    return candidates, ballots, seats, minimum, already, draw(st.integers(0, 99))


@settings(max_examples=150, deadline=None)
@given(elections())
def test_stv_fills_every_seat_and_meets_a_satisfiable_minimum(case):
    candidates, ballots, seats, minimum, already, seed = case
    result = meek_stv(
        ballots,
        candidates,
        seats,
        minimums=[Minimum("woman", minimum)],
        already_elected=already,
        lot_seed=seed,
    )
    assert len(result.elected) == min(seats, len(candidates))
    total = sum(b.count for b in ballots)
    for r in result.rounds:
        if r.iterations:  # every counted round conserves the ballots
            assert sum(r.votes.values()) + r.non_transferable == total
    assert len(set(result.elected)) == len(result.elected)
    women = {c.id for c in candidates if "woman" in c.categories}
    need = max(0, minimum - len(already))
    if need <= min(len(women), seats):
        assert len(women & set(result.elected)) >= need
        assert not result.warnings
    else:
        assert result.warnings


def test_isn_eight_seats_at_least_four_women_counting_the_officers_elected_earlier():
    """ISN: three named officers "elected specifically to each position" and "a further five
    members ... elected as a group ... Among these eight nationally elected members, at
    least four shall be women". One woman was elected officer earlier in the meeting."""
    men = [Candidate(f"m{i}", f"Man {i}") for i in range(5)]
    women = [Candidate(f"w{i}", f"Woman {i}", frozenset({"woman"})) for i in range(4)]
    # The men are far more popular: an unconstrained count would elect five men.
    ballots = [RankedBallot((m.id,), 10) for m in men] + [
        RankedBallot((w.id,), 3 + i) for i, w in enumerate(women)
    ]
    free = meek_stv(ballots, men + women, 5)
    assert set(free.elected) == {m.id for m in men}
    already = (frozenset({"woman"}), frozenset(), frozenset())
    result = meek_stv(
        ballots, men + women, 5, minimums=[Minimum("woman", 4)], already_elected=already
    )
    elected = set(result.elected)
    assert len(elected & {w.id for w in women}) == 3
    assert {"w3", "w2", "w1"} <= elected  # the three most popular women
    assert any(
        "excluded: the remaining seats are needed to meet the minimum for woman" in line
        for line in result.report()
    )


def test_unmeetable_minimum_is_reported_and_the_seats_still_filled():
    candidates = [
        Candidate("a", "Ann", frozenset({"woman"})),
        Candidate("b", "Ben"),
        Candidate("c", "Cas"),
    ]
    ballots = [RankedBallot(("b",), 3), RankedBallot(("c",), 2), RankedBallot(("a",), 1)]
    result = meek_stv(ballots, candidates, 3, minimums=[Minimum("woman", 2)])
    assert set(result.elected) == {"a", "b", "c"}
    assert result.report()[0] == "The minimum of 2 for woman cannot be met: only 1 eligible"


def test_tie_for_exclusion_broken_by_the_earlier_round():
    """NZ Meek rule: ties are resolved by the candidates' votes at the earlier round."""
    candidates = [Candidate(c, c) for c in "ABCD"]
    ballots = [
        RankedBallot(("A",), 10),
        RankedBallot(("B",), 5),
        RankedBallot(("C",), 4),
        RankedBallot(("D", "C"), 1),
        RankedBallot(("D",), 1),
    ]
    # Round 1: A reaches the quota of 7; round 2: D (2) is excluded; round 3: B 5 and
    # C 5 tie, and in round 2 C had 4 to B's 5: C goes.
    result = meek_stv(ballots, candidates, 2)
    assert "3. C excluded: tie on 5 broken by the counts of round 2" in result.report()
    assert set(result.elected) == {"A", "B"}


def test_complete_tie_is_broken_by_the_seeded_lot_the_same_way_every_time():
    candidates = [Candidate(c, c) for c in "ABC"]
    ballots = [RankedBallot(("A",), 3), RankedBallot(("B",), 3), RankedBallot(("C",), 3)]
    outcomes = {}
    for seed in range(6):
        first = meek_stv(ballots, candidates, 1, lot_seed=seed)
        again = meek_stv(ballots, candidates, 1, lot_seed=seed)
        assert first.elected == again.elected
        lots = lot_order(candidates, seed)
        # The first in the lot order loses the first tie.
        assert first.rounds[0].excluded == (lots[0],)
        assert f"tie on 3 broken by lot (seed {seed})" in first.report()[0]
        outcomes[seed] = first.elected
    assert len(set(outcomes.values())) > 1  # the seed matters


def test_wri_section_returns_one_ranking_for_its_three_ballot_papers():
    """WRI Rules 1(c): "one ballot paper for each vote allocated in Article 3"."""
    candidates = [Candidate(c, c) for c in "ABC"]
    result = meek_stv(
        [RankedBallot(("A", "B"), 3), RankedBallot(("C",), 2), RankedBallot(("B",), 1)],
        candidates,
        1,
    )
    assert result.elected == ("A",)


def test_more_seats_than_candidates_elects_everyone_and_unknown_names_are_refused():
    candidates = [Candidate("a", "Ann"), Candidate("b", "Ben")]
    assert meek_stv([RankedBallot(("a",))], candidates, 5).elected == ("a", "b")
    with pytest.raises(ValueError, match="unknown candidate"):
        meek_stv([RankedBallot(("z",))], candidates, 1)
