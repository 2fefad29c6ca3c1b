"""Votes cast before a meeting, counted with the floor: ballot papers and written votes.

WRI Rules 1(c): ballot papers are sent two months before the Conference, one for each
vote a unit holds, and "returned ... not later than one week before the first day of
the Conference or during the Conference" — a paper not returned is used on the floor.
AWL: withdrawn members vote "in writing or by proxy".

* `papers_per_unit`: how many papers each unit gets: one per vote it holds under the
  body's weight bands (the entitlement of the day they are issued), held by a
  representative or not.
* `place`: when the floor poll opens, where each returned paper and each written vote
  falls among the floor's holdings, and whether it stands.

**Paper n of a unit is its n-th voting card.** The unit's holdings, in the order the
entitlement lists them (by rank), hold its cards one after another: Ana holding 2
cards of Section X holds cards 1 and 2, Bo holding 1 holds card 3. A returned paper
falls on the holding that holds its card.

**Which counts** when a paper was returned and its card is used on the floor is the
body's `Precedence`:

* `first_counts`: the paper stands; the holding casts on the floor only the cards whose
  papers were not returned (`carved`), and a holding left with none is refused.
* `floor_replaces`: the holding casts all its cards on the floor, and a floor vote with
  it replaces the papers that fell on it (`counted` leaves them out).

A written vote is the member's own and always stands: it falls on their own holding
(which votes only in writing) or on the proxy holding their vote, whose holder then
casts it no longer — as a member's own ballot replaces their proxy's in the tally. A
paper whose card nobody holds (the unit sent no representative) stands on the unit's
unheld votes; a vote accepted before the meeting that no holding covers any more (the
unit has fewer votes on the meeting day than papers, a member lost their vote since)
stands as it was accepted: counted, and added to those entitled (`excess`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from voting.rules.entitlement import (
    BodyRule,
    Entitlement,
    PrincipalKind,
    Scheme,
    Unit,
    unit_votes,
)
from voting.rules.tally import Precedence
from voting.rules.types import PersonId, UnitId


def papers_per_unit(rule: BodyRule, units: Iterable[Unit]) -> dict[UnitId, int]:
    """One paper per vote each unit holds under the body's weight bands (units no band
    covers, or that do not vote on this decision, get none). Only bodies whose units hold
    the votes (`unit_weights`) send papers."""
    if rule.scheme is not Scheme.UNIT_WEIGHTS:
        return {}
    found: dict[UnitId, int] = {}
    for unit in units:
        if rule.eligible_unit_kinds is not None and unit.kind not in rule.eligible_unit_kinds:
            continue
        votes = unit_votes(rule, unit)
        if votes:
            found[unit.id] = votes
    return found


@dataclass(frozen=True)
class Paper:
    """A returned ballot paper: `ref` is the caller's own id for it."""

    ref: Hashable
    unit_id: UnitId
    number: int  # from 1: the unit's card it stands for


@dataclass(frozen=True)
class Written:
    """A member's vote cast in writing before the meeting."""

    ref: Hashable
    person_id: PersonId


@dataclass(frozen=True)
class Placed:
    """Where a pre-cast vote falls: the floor holding's key (None: no holding covers it)
    and whether it stands whatever the floor does."""

    ref: Hashable
    key: str | None
    stands: bool


@dataclass(frozen=True)
class Placement:
    """The pre-cast votes placed on the floor's holdings when the poll opens.

    `carved`: per holding key, the votes it no longer casts on the floor; `unheld`: the
    unheld votes cast by paper; `standing`: the pre-cast votes that stand (counted apart
    from the floor's holdings); `excess`: those among them that no holding or unheld vote
    covers (they add to the votes entitled)."""

    papers: tuple[Placed, ...]
    written: tuple[Placed, ...]
    carved: Mapping[str, int]
    unheld: int
    standing: int
    excess: int


def place(
    entitlements: Sequence[Entitlement],
    papers: Iterable[Paper],
    written: Iterable[Written],
    precedence: Precedence,
    *,
    unheld_votes: Mapping[UnitId, int] | None = None,
) -> Placement:
    """Place the returned papers and written votes on the floor's holdings (see the module
    description). `unheld_votes`: the votes of units nobody holds, by unit."""
    cards: dict[UnitId, list[Entitlement]] = defaultdict(list)
    by_key: dict[str, Entitlement] = {}
    for e in entitlements:
        by_key[e.voter_key] = e
        if e.principal_kind is PrincipalKind.UNIT:
            cards[e.principal_id].append(e)
    left = dict(unheld_votes or {})
    carved: dict[str, int] = defaultdict(int)
    unheld = excess = 0
    placed_papers = []
    for paper in sorted(papers, key=lambda p: (str(p.unit_id), p.number)):
        holding = _card_holder(cards.get(paper.unit_id, []), paper.number)
        if holding is not None:
            stands = precedence is Precedence.FIRST_COUNTS
            if stands:
                carved[holding.voter_key] += 1
            placed_papers.append(Placed(paper.ref, holding.voter_key, stands))
            continue
        if not cards.get(paper.unit_id) and paper.number <= left.get(paper.unit_id, 0):
            unheld += 1
        else:
            excess += 1
        placed_papers.append(Placed(paper.ref, None, True))
    placed_written = []
    for vote in written:
        key = f"person:{vote.person_id}"
        own = by_key.get(key)
        if own is not None and carved[key] < own.weight:
            carved[key] += 1
            placed_written.append(Placed(vote.ref, key, True))
        else:
            excess += 1
            placed_written.append(Placed(vote.ref, None, True))
    standing = sum(p.stands for p in placed_papers) + len(placed_written)
    return Placement(
        tuple(placed_papers),
        tuple(placed_written),
        {k: n for k, n in carved.items() if n},
        unheld,
        standing,
        excess,
    )


def _card_holder(holdings: Sequence[Entitlement], number: int) -> Entitlement | None:
    """The holding that holds card `number` of its unit (cards counted in holding order)."""
    first = 1
    for holding in holdings:
        if first <= number < first + holding.weight:
            return holding
        first += holding.weight
    return None


def counted(placed: Iterable[Placed], used: Collection[str]) -> tuple[list[Placed], list[Placed]]:
    """The pre-cast votes that count once the floor has voted (`used`: the holding keys
    cast on the floor), and those a floor vote replaced."""
    kept, replaced = [], []
    for p in placed:
        (replaced if not p.stands and p.key in used else kept).append(p)
    return kept, replaced
