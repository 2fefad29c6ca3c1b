"""Before a secret poll opens: could the tally itself reveal how someone voted?

Secret ballots store no link between a voter and a choice, but the published totals
can still give a vote away:

* Too few voters (fewer than `min_voters`, 3 by default): with two voters a 1-1
  result shows each of them the other's vote.
* A dominant weight: a holder with more votes than all the others together — any
  winning total above the others' combined weight shows how they voted.
* An indivisible weight: if every other holding is a multiple of some number d > 1
  and this one is not (a delegate carrying 5 among delegates carrying 2 and 4), the
  remainder of the yes total divided by d shows how that holder voted.

The check is a warning for the chair, not a refusal: the body may still open the poll.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from voting.rules.messages import Message


@dataclass(frozen=True)
class PrivacyReport:
    """The warnings for a secret poll; `safe` when there are none."""

    warnings: tuple[Message, ...]

    @property
    def safe(self) -> bool:
        """No way found for the tally to reveal a vote."""
        return not self.warnings

    def lines(self) -> list[str]:
        """The warnings in English."""
        return [m.describe() for m in self.warnings]


def secret_ballot_warnings(
    holdings: Mapping[str, int] | Iterable[tuple[str, int]], *, min_voters: int = 3
) -> PrivacyReport:
    """Warn where the tally of a secret poll could reveal a vote.

    `holdings` names each vote holding (as the chair should see it) with its weight.
    """
    items = list(holdings.items() if isinstance(holdings, Mapping) else holdings)
    items = [(label, weight) for label, weight in items if weight > 0]
    warnings: list[Message] = []
    if len(items) < min_voters:
        warnings.append(Message.of("privacy.few_voters", count=len(items)))
    total = sum(weight for _, weight in items)
    weights = [weight for _, weight in items]
    # gcd of everyone but i, from prefix and suffix gcds: linear in the electorate.
    prefix, suffix = [0], [0]
    for w in weights:
        prefix.append(math.gcd(prefix[-1], w))
    for w in reversed(weights):
        suffix.append(math.gcd(suffix[-1], w))
    suffix.reverse()
    for i, (label, weight) in enumerate(items):
        others = total - weight
        if 0 < others < weight:
            warnings.append(
                Message.of("privacy.dominant_weight", holder=label, weight=weight, others=others)
            )
        divisor = math.gcd(prefix[i], suffix[i + 1])
        if divisor > 1 and weight % divisor:
            warnings.append(
                Message.of(
                    "privacy.indivisible_weight", holder=label, weight=weight, divisor=divisor
                )
            )
    return PrivacyReport(tuple(warnings))
