"""Speed of the rules core on conference-sized inputs, with plain baselines to compare.

Each figure is the best of 3 runs (time.perf_counter); inputs are built before timing
from a fixed seed, so runs are comparable.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable

from voting.rules.entitlement import (
    BodyRule,
    Entitlement,
    Person,
    PollContext,
    PrincipalKind,
    Proxy,
    ProxyScope,
    Roll,
    Scheme,
    Source,
    compute_entitlements,
)
from voting.rules.messages import Message
from voting.rules.stv import Candidate, Minimum, RankedBallot, meek_stv
from voting.rules.tally import Ballot, PollRule, tally
from voting.rules.thresholds import TWO_THIRDS_OF_CAST
from voting.rules.types import Choice

SEED = 20240518


def _best_of_3(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _figure(name: str, fn: Callable[[], object], n: int, note: str) -> dict:
    return {"name": name, "seconds": _best_of_3(fn), "n": n, "note": note}


def _tally_inputs(n: int) -> tuple[list[Entitlement], list[Ballot]]:
    rng = random.Random(SEED)
    reason = Message.of("source.own")
    holdings = [
        Entitlement(i, PrincipalKind.PERSON, i, rng.randint(1, 5), Source.OWN, reason)
        for i in range(n)
    ]
    choices = [Choice.YES, Choice.YES, Choice.NO, Choice.ABSTAIN]
    ballots = [Ballot(e.voter_key, rng.choice(choices), order=i) for i, e in enumerate(holdings)]
    return holdings, ballots


def _entitlement_inputs(members: int, proxies: int) -> tuple[BodyRule, Roll, PollContext]:
    rng = random.Random(SEED)
    people = [Person(i, f"Member {i}") for i in range(members)]
    principals = rng.sample(range(members), proxies)
    holders = [p for p in range(members) if p not in set(principals)]
    given = [
        Proxy(p, rng.choice(holders), rng.choice(list(ProxyScope)), motion_id=1, given_order=k)
        for k, p in enumerate(principals)
    ]
    present = frozenset(rng.sample(range(members), members * 8 // 10))
    rule = BodyRule(Scheme.ONE_MEMBER_ONE_VOTE, proxies_allowed=True, proxy_cap=3)
    return rule, Roll(people, proxies=given), PollContext(present=present, motion_id=1)


def _stv_inputs(ballots: int, candidates: int) -> tuple[list[RankedBallot], list[Candidate]]:
    rng = random.Random(SEED)
    cands = [
        Candidate(i, f"Candidate {i}", frozenset({"woman"}) if i % 2 else frozenset())
        for i in range(candidates)
    ]
    # Popularity falls off with the id, and women are less popular, so the minimum bites.
    weights = [1 / (1 + i) * (0.6 if i % 2 else 1.0) for i in range(candidates)]
    papers = []
    for _ in range(ballots):
        length = rng.randint(1, 8)
        ranking: list[int] = []
        while len(ranking) < length:
            pick = rng.choices(range(candidates), weights)[0]
            if pick not in ranking:
                ranking.append(pick)
        papers.append(RankedBallot(tuple(ranking)))
    return papers, cands


def run() -> list[dict]:
    """Time the tally, entitlement and STV against baselines measured in the same run."""
    holdings, ballots = _tally_inputs(100_000)
    weights = [e.weight for e in holdings]
    rule = PollRule(TWO_THIRDS_OF_CAST)
    body, roll, context = _entitlement_inputs(10_000, 2_000)
    papers, candidates = _stv_inputs(20_000, 30)
    return [
        _figure(
            "baseline: sum() of 100,000 weights",
            lambda: sum(weights),
            len(weights),
            "the floor for any weighted count",
        ),
        _figure(
            "tally: 100,000 weighted ballots",
            lambda: tally(ballots, holdings, rule),
            len(ballots),
            "validation, one vote per voter, 2/3 of cast, explained result",
        ),
        _figure(
            "entitlement: 10,000 members, 2,000 proxies",
            lambda: compute_entitlements(body, roll, context),
            10_000,
            "one member one vote, per-motion and meeting proxies, cap 3, 80% present",
        ),
        _figure(
            "baseline: Counter of 20,000 first preferences",
            lambda: Counter(p.ranking[0] for p in papers),
            len(papers),
            "a plurality count of the same ballots",
        ),
        _figure(
            "stv: 20,000 ballots, 12 seats, 30 candidates",
            lambda: meek_stv(papers, candidates, 12),
            len(papers),
            "Meek STV, fixed point 10^-9, no constraint",
        ),
        _figure(
            "stv: 20,000 ballots, 12 seats, 30 candidates, at least 6 women",
            lambda: meek_stv(papers, candidates, 12, minimums=[Minimum("woman", 6)]),
            len(papers),
            "Meek STV with a minimum constraint",
        ),
    ]


if __name__ == "__main__":
    for figure in run():
        print(f"{figure['name']:<66} {figure['seconds'] * 1000:9.1f} ms")
