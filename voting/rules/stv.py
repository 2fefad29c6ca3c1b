"""Multi-seat elections by Meek STV, with minimum constraints ("at least 4 women").

The method is Meek's method of STV as published in I.D. Hill, B.A. Wichmann and
D.R. Woodall, "Algorithm 123 — Single Transferable Vote by Meek's method", The Computer
Journal 30(3), 1987, pp. 277-281, and as used in New Zealand local elections (Local
Electoral Regulations 2001, Schedule 1A). With one seat it is the instant-runoff
vote: nobody has a surplus, and exclusions transfer whole ballots.

How the count goes:

* Every candidate has a keep factor: 1 while hopeful, 0 once excluded, and for an
  elected candidate the share of each vote reaching them that they keep. A ballot
  gives each candidate in order its keep factor of what is left and passes the rest on.
* Quota = (votes credited to candidates) / (seats + 1), truncated, plus 10^-9.
* Keep factors of elected candidates are updated to kf * quota / votes (rounded up)
  until their total surplus is below 10^-5 of a vote; then any hopeful at or above
  quota is elected (highest first), or, if none, the hopeful with fewest votes is
  excluded. When the hopefuls left are no more than the seats left, all are elected.

Arithmetic: exact integers in fixed point with 9 decimal places, as Algorithm 123 and
the NZ rules prescribe (values truncated, keep factors rounded up); reported as exact
`Fraction`s. Identical ballots are grouped, and the count keeps each group's *live
path* (elected candidates up to the first hopeful), merging groups with the same path;
the transfer is truncated per group rather than per paper, which can differ from a
paper-by-paper count by at most 10^-9 of a vote per group. This keeps a count of
tens of thousands of ballots well under a second.

Ties for exclusion: the candidate with fewer votes at the most recent earlier round
where the tied candidates differed is excluded (the NZ rule); if they were equal in
every round, a lot drawn from the seeded order of `lot_seed` decides, so the same
seed always gives the same count and the draw can be witnessed.

Minimums (ISN: "Among these eight nationally elected members, at least four shall be
women"), counting seats already filled earlier in the meeting (`already_elected`):

* The *need* of a category is its minimum less those of it already elected (earlier
  or in this count), and never more than the hopefuls of it left (an unmeetable
  minimum is reported, not silently dropped).
* A hopeful is protected from exclusion while their category has no more hopefuls
  than it needs.
* Once the seats left are no more than the total need, every hopeful outside the needed
  categories is excluded; the count goes on among the rest, and they are elected as
  soon as they are no more than the seats left.
* A candidate who reaches the quota but would leave too few seats for the need is not
  elected but excluded.

Candidates in several constrained categories count for each; the total need is then a
conservative (high) estimate of the seats the minimums take.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from voting.rules.messages import Message

#: Fixed point: 9 decimal places (Algorithm 123; NZ Local Electoral Regulations 2001).
SCALE = 10**9
#: Iteration stops once the elected candidates' total surplus is below 10^-5 of a vote.
OMEGA = SCALE // 10**5
MAX_ITERATIONS = 10_000

CandidateId = Hashable


@dataclass(frozen=True)
class Candidate:
    """A candidate and the self-declared categories a minimum may count (e.g. "woman")."""

    id: CandidateId
    name: str
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Minimum:
    """At least `seats` of those elected (with `already_elected`) belong to `category`."""

    category: str
    seats: int


@dataclass(frozen=True)
class RankedBallot:
    """A ranking of candidates, most preferred first; `count` identical papers (or a
    weight: a unit with 3 votes may return one ranking with count 3)."""

    ranking: tuple[CandidateId, ...]
    count: int = 1


@dataclass(frozen=True)
class StvRound:
    """One count of the votes and what was decided after it."""

    number: int
    quota: Fraction
    votes: Mapping[CandidateId, Fraction]
    keep_factors: Mapping[CandidateId, Fraction]
    non_transferable: Fraction
    iterations: int
    elected: tuple[CandidateId, ...]
    excluded: tuple[CandidateId, ...]
    events: tuple[Message, ...]


@dataclass(frozen=True)
class StvResult:
    """The outcome of an STV count, with its round-by-round report."""

    seats: int
    elected: tuple[CandidateId, ...]
    rounds: tuple[StvRound, ...]
    warnings: tuple[Message, ...]
    lot_order: tuple[CandidateId, ...]

    def report(self) -> list[str]:
        """Round by round, in English: the events of each round, then any warnings."""
        lines = [m.describe() for m in self.warnings]
        for r in self.rounds:
            lines += [f"{r.number}. {m.describe()}" for m in r.events]
        return lines


def lot_order(candidates: Sequence[Candidate], seed: int) -> tuple[CandidateId, ...]:
    """The order lots are drawn in: earlier in this order loses a tie for exclusion.

    Deterministic for a seed: candidates are put in order of their id's text, then
    shuffled by Python's Mersenne Twister seeded with `seed`.
    """
    ids = sorted((c.id for c in candidates), key=str)
    random.Random(seed).shuffle(ids)
    return tuple(ids)


class _Count:
    """The mutable state of one Meek count over grouped ballots."""

    def __init__(self, ballots: Iterable[RankedBallot], candidates: Sequence[Candidate]) -> None:
        self.n = len(candidates)
        index = {c.id: i for i, c in enumerate(candidates)}
        grouped: dict[tuple[int, ...], int] = defaultdict(int)
        for ballot in ballots:
            if ballot.count < 0:
                raise ValueError("a ballot count cannot be negative")
            seen: dict[int, None] = {}
            for cid in ballot.ranking:
                if cid not in index:
                    raise ValueError(f"unknown candidate {cid!r} on a ballot")
                seen.setdefault(index[cid])  # a repeated preference is ignored
            grouped[tuple(seen)] += ballot.count
        self.rankings = list(grouped)
        self.counts = list(grouped.values())
        self.kf = [SCALE] * self.n
        self.hopeful = [True] * self.n
        self.total = sum(self.counts) * SCALE
        # Each group's live path: elected candidates in its order up to its first
        # hopeful. Groups with equal paths are merged in `paths`.
        self.cursor = [0] * len(self.rankings)
        self.path: list[tuple[int, ...]] = [()] * len(self.rankings)
        self.paths: dict[tuple[int, ...], int] = defaultdict(int)
        self.waiting: dict[int | None, list[int]] = defaultdict(list)
        for g in range(len(self.rankings)):
            self._advance(g)

    def _advance(self, g: int) -> None:
        """Extend group g's path past candidates no longer hopeful, to the next hopeful."""
        ranking, path, i = self.rankings[g], list(self.path[g]), self.cursor[g]
        if path:
            old = self.path[g]
            self.paths[old] -= self.counts[g]
            if not self.paths[old]:
                del self.paths[old]  # keep the distribution loop over live paths only
            if self.kf[path[-1]] == 0:
                path.pop()  # the terminal was excluded: it keeps nothing
        terminal = None
        while i < len(ranking):
            c = ranking[i]
            i += 1
            if self.kf[c] == 0:
                continue
            path.append(c)
            if self.hopeful[c]:
                terminal = c
                break
        self.cursor[g], self.path[g] = i, tuple(path)
        self.paths[self.path[g]] += self.counts[g]
        self.waiting[terminal].append(g)

    def _changed(self, c: int) -> None:
        """Candidate c stopped being hopeful: move the groups that ended at c onward."""
        for g in self.waiting.pop(c, []):
            self._advance(g)

    def elect(self, c: int) -> None:
        self.hopeful[c] = False
        self._changed(c)

    def exclude(self, c: int) -> None:
        self.hopeful[c] = False
        self.kf[c] = 0
        self._changed(c)

    def distribute(self) -> tuple[list[int], int]:
        """Votes per candidate and the non-transferable rest, under current keep factors."""
        votes = [0] * self.n
        kf = self.kf
        for path, count in self.paths.items():
            w = count * SCALE
            for c in path:
                k = kf[c]
                if k == SCALE:
                    votes[c] += w
                    w = 0
                    break
                give = w * k // SCALE  # votes are truncated
                votes[c] += give
                w -= give
        return votes, self.total - sum(votes)

    def converge(self, seats: int) -> tuple[list[int], int, int, int]:
        """Iterate keep factors until surpluses settle or a hopeful reaches quota.

        Returns votes, non-transferable, quota and the number of iterations.
        """
        elected = [c for c in range(self.n) if not self.hopeful[c] and self.kf[c]]
        iterations = 0
        previous_surplus = None
        while True:
            iterations += 1
            votes, rest = self.distribute()
            quota = (self.total - rest) // (seats + 1) + 1
            surplus = sum(max(0, votes[c] - quota) for c in elected)
            reached = any(votes[c] >= quota for c in range(self.n) if self.hopeful[c])
            stalled = previous_surplus is not None and surplus >= previous_surplus
            if reached or surplus < OMEGA or stalled or iterations >= MAX_ITERATIONS:
                return votes, rest, quota, iterations
            previous_surplus = surplus
            for c in elected:
                if votes[c]:
                    # kf * quota / votes, rounded up, never above 1.
                    self.kf[c] = min(SCALE, -(-self.kf[c] * quota // votes[c]))


def meek_stv(
    ballots: Iterable[RankedBallot],
    candidates: Sequence[Candidate],
    seats: int,
    *,
    minimums: Sequence[Minimum] = (),
    already_elected: Sequence[frozenset[str]] = (),
    lot_seed: int = 0,
) -> StvResult:
    """Elect `seats` candidates by Meek STV, meeting `minimums` where they can be met.

    `already_elected` lists the categories of each person elected earlier in the same
    meeting who counts towards the minimums. Returns the elected in order of
    election and a round-by-round report.
    """
    if seats < 0:
        raise ValueError("seats cannot be negative")
    count = _Count(ballots, candidates)
    n = len(candidates)
    names = [c.name for c in candidates]
    lots = lot_order(candidates, lot_seed)
    lot_rank = {cid: i for i, cid in enumerate(lots)}
    elected: list[int] = []
    rounds: list[StvRound] = []
    history: list[list[int]] = []
    warnings: dict[str, Message] = {}

    def hopefuls() -> list[int]:
        return [c for c in range(n) if count.hopeful[c]]

    def needs() -> dict[str, int]:
        """Seats each constrained category still needs, capped by its hopefuls."""
        result = {}
        for m in minimums:
            have = sum(m.category in cats for cats in already_elected)
            have += sum(m.category in candidates[c].categories for c in elected)
            available = sum(m.category in candidates[c].categories for c in hopefuls())
            need = max(0, m.seats - have)
            if need > available and m.category not in warnings:
                warnings[m.category] = Message.of(
                    "stv.unsatisfiable",
                    minimum=m.seats,
                    category=m.category,
                    available=have + available,
                )
            if min(need, available):
                result[m.category] = min(need, available)
        return result

    def useful(c: int, need: dict[str, int]) -> bool:
        return bool(candidates[c].categories & need.keys())

    def names_of(cs: Iterable[int]) -> tuple[str, ...]:
        return tuple(names[c] for c in cs)

    def add_round(
        votes: list[int],
        quota: int,
        rest: int,
        iterations: int,
        won: list[int],
        lost: list[int],
        events: list[Message],
    ) -> None:
        rounds.append(
            StvRound(
                number=len(rounds) + 1,
                quota=Fraction(quota, SCALE),
                votes={candidates[c].id: Fraction(v, SCALE) for c, v in enumerate(votes)},
                keep_factors={candidates[c].id: Fraction(k, SCALE) for c, k in enumerate(count.kf)},
                non_transferable=Fraction(rest, SCALE),
                iterations=iterations,
                elected=tuple(candidates[c].id for c in won),
                excluded=tuple(candidates[c].id for c in lost),
                events=tuple(events),
            )
        )

    def elect(c: int, won: list[int]) -> None:
        won.append(c)
        elected.append(c)  # counts at once towards the minimums
        count.elect(c)

    def exclude(c: int, lost: list[int]) -> None:
        lost.append(c)
        count.exclude(c)

    while True:
        left = seats - len(elected)
        live = hopefuls()
        if not live:
            break
        if left <= 0:
            for c in live:
                count.exclude(c)
            event = Message.of("stv.excluded_remaining", names=names_of(live))
            lost_ids = tuple(candidates[c].id for c in live)
            if rounds:
                last = rounds[-1]
                rounds[-1] = replace(
                    last, excluded=last.excluded + lost_ids, events=(*last.events, event)
                )
            else:
                add_round([0] * n, 0, count.total, 0, [], live, [event])
            break
        votes, rest, quota, iterations = count.converge(seats)
        history.append(votes)
        need = needs()
        won: list[int] = []
        lost: list[int] = []
        events: list[Message] = []

        outside = [c for c in live if not useful(c, need)]
        if len(live) <= left:
            for c in sorted(live, key=lambda c: -votes[c]):
                elect(c, won)
            events.append(Message.of("stv.elected_remaining", names=names_of(won)))
        elif sum(need.values()) >= left and outside:
            for c in outside:
                exclude(c, lost)
            events.append(
                Message.of("stv.excluded_constraint", names=names_of(lost), category=_join(need))
            )
        elif reached := sorted((c for c in live if votes[c] >= quota), key=lambda c: -votes[c]):
            for c in reached:
                need = needs()
                if useful(c, need) or seats - len(elected) - 1 >= sum(need.values()):
                    elect(c, won)
                    events.append(
                        Message.of("stv.elected", names=(names[c],), votes=_value(votes[c]))
                    )
                else:
                    exclude(c, lost)
                    events.append(
                        Message.of(
                            "stv.excluded_constraint", names=(names[c],), category=_join(need)
                        )
                    )
        else:
            loser, how = _lowest(live, votes, history, need, candidates, lot_rank, lot_seed)
            exclude(loser, lost)
            if how is None:
                events.append(
                    Message.of("stv.excluded", name=names[loser], votes=_value(votes[loser]))
                )
            else:
                events.append(
                    Message.of(
                        "stv.excluded_tie", name=names[loser], votes=_value(votes[loser]), how=how
                    )
                )
        add_round(votes, quota, rest, iterations, won, lost, events)
    needs()  # final check, so an unmet minimum is always reported
    return StvResult(
        seats=seats,
        elected=tuple(candidates[c].id for c in elected),
        rounds=tuple(rounds),
        warnings=tuple(warnings.values()),
        lot_order=lots,
    )


def _value(fixed: int) -> Fraction:
    return Fraction(fixed, SCALE)


def _join(need: Mapping[str, int]) -> str:
    return ", ".join(sorted(need))


def _lowest(
    live: list[int],
    votes: list[int],
    history: list[list[int]],
    need: dict[str, int],
    candidates: Sequence[Candidate],
    lot_rank: Mapping[CandidateId, int],
    lot_seed: int,
) -> tuple[int, Message | None]:
    """The hopeful to exclude, and how a tie was broken (None if there was no tie).

    Protected hopefuls (their category has no more hopefuls than it needs) are passed
    over; if every hopeful is protected the minimums cannot all be met, and the
    lowest of all is excluded.
    """

    def protected(c: int) -> bool:
        cats = candidates[c].categories & need.keys()
        return any(sum(k in candidates[h].categories for h in live) <= need[k] for k in cats)

    pool = [c for c in live if not protected(c)] or live
    low = min(votes[c] for c in pool)
    tied = [c for c in pool if votes[c] == low]
    if len(tied) == 1:
        return tied[0], None
    for number in range(len(history) - 2, -1, -1):
        earlier = history[number]
        low_then = min(earlier[c] for c in tied)
        fewest = [c for c in tied if earlier[c] == low_then]
        if len(fewest) < len(tied):
            tied = fewest
            if len(tied) == 1:
                return tied[0], Message.of("tie.earlier_round", round=number + 1)
    loser = min(tied, key=lambda c: lot_rank[candidates[c].id])
    return loser, Message.of("tie.lot", seed=lot_seed)


def instant_runoff(
    ballots: Iterable[RankedBallot], candidates: Sequence[Candidate], *, lot_seed: int = 0
) -> StvResult:
    """A single-seat election: Meek STV with one seat is the instant-runoff vote."""
    return meek_stv(ballots, candidates, 1, lot_seed=lot_seed)
