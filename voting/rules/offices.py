"""Who may stand, and what a constitution limits: nominations, term and office limits,
and minimums across a group of seats.

* A nomination stands when the candidate has consented in writing and it is made by a
  unit that may nominate, or supported by enough individual members (WRI 7(c): "a
  Section, an Associate Organisation or any five Individual Members").
* Term limit (WSM 7(d)): "no more than 3 years in a position in succession": the terms a
  person has held in the position back to back (a gap of up to `GRACE_DAYS` between two
  terms is still succession), with the new term, may not exceed the limit.
* Office limit (WSM 7(d)): "No member may hold more than two positions"; where the
  constitution prefers nominees who hold no post, the ballot says who holds one.
* A minimum across a group of seats (ISN: "among these eight nationally elected members
  at least four shall be women") is the share of the group's seats, rounded up; before a
  ballot opens it is checked against the candidates standing and those of the group
  already elected, so an unmeetable minimum is said before anyone votes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from voting.rules.messages import Message

#: Two terms with at most this many days between them are held in succession.
GRACE_DAYS = 62
#: The mean length of a year in days (Gregorian), to turn days held into years.
YEAR = Fraction(3652425, 10000)
#: Terms run from one conference to the next, whose dates move a little: a limit of N years
#: is passed only beyond N years and a month.
LEEWAY = Fraction(1, 12)


@dataclass(frozen=True)
class Standing:
    """Whether a nomination stands, and if not, every reason why."""

    reasons: tuple[Message, ...]

    @property
    def stands(self) -> bool:
        return not self.reasons


def standing(*, consented: bool, by_unit: bool, supporters: int, needed: int) -> Standing:
    """A nomination stands with the candidate's consent and a unit or enough supporters."""
    reasons = []
    if not consented:
        reasons.append(Message.of("nomination.no_consent"))
    if not by_unit and supporters < needed:
        reasons.append(Message.of("nomination.supporters", count=supporters, needed=needed))
    return Standing(tuple(reasons))


def years_in_succession(
    terms: Sequence[tuple[dt.date, dt.date]], starts: dt.date, ends: dt.date
) -> Fraction:
    """The years held back to back up to and including a new term from `starts` to `ends`."""
    days = (ends - starts).days + 1
    edge = starts
    for first, last in sorted(terms, key=lambda t: t[1], reverse=True):
        if last >= edge:  # overlaps the new term: only the part before it counts
            last = edge - dt.timedelta(days=1)
        if last < first:
            continue
        if (edge - last).days > GRACE_DAYS:
            break
        days += (last - first).days + 1
        edge = first
    return days / YEAR


def term_limit(
    terms: Sequence[tuple[dt.date, dt.date]],
    starts: dt.date,
    ends: dt.date,
    max_years: int,
    *,
    position: str,
) -> Message | None:
    """A message if the new term would take the holder past `max_years` in succession."""
    if not max_years:
        return None
    years = years_in_succession(terms, starts, ends)
    if years <= max_years + LEEWAY:
        return None
    return Message.of(
        "office.term_limit", position=position, years=round(float(years), 1), limit=max_years
    )


def office_limit(held: Sequence[str], max_positions: int) -> Message | None:
    """A message if one more position would exceed `max_positions` held at once."""
    if not max_positions or len(held) < max_positions:
        return None
    return Message.of(
        "office.office_limit", positions=", ".join(held), count=len(held), limit=max_positions
    )


def minimum_seats(share: Fraction, seats: int) -> int:
    """The seats a share of a group's seats requires, rounded up (1/2 of 8: 4)."""
    return math.ceil(share * seats)


def minimum_shortfall(
    category: str,
    needed: int,
    elected: Sequence[frozenset[str]],
    standing: Sequence[frozenset[str]],
) -> Message | None:
    """Said before the ballot opens: the minimum cannot be met by those already elected to
    the group and the candidates standing now."""
    have = sum(1 for c in elected if category in c)
    can = sum(1 for c in standing if category in c)
    if needed <= have + can:
        return None
    return Message.of(
        "office.minimum_unmeetable",
        category=category,
        needed=needed,
        elected=have,
        standing=can,
    )
