"""Thresholds and quorum: does a result carry?

A threshold is data: a fraction, the base it is a fraction *of*, and whether the yes
votes must be strictly more than that share ("majority": more than 1/2) or merely
reach it ("2/3": at least 2/3). All arithmetic is exact (`fractions.Fraction`): a
float would make "at least 2/3" of 3 votes depend on rounding.

Rules that hold for every threshold:

* Abstentions are not votes cast unless the threshold says so
  (`abstentions_count=True`); they always count as present.
* Ties fail: a motion never carries unless it has more yes than no votes, whatever
  the fraction (WSM 7(a) "All decisions are taken by majority vote").
* No quorum, no decision: the quorum is checked before the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from voting.rules.messages import Message, format_fraction

HALF = Fraction(1, 2)


class Base(StrEnum):
    """What a threshold or quorum is a share of."""

    CAST = "cast"  # yes + no (+ abstentions if the body counts them as cast)
    PRESENT = "present"  # votes present in the room (and represented by proxy)
    ENTITLED = "entitled"  # every vote held in this poll, present or not
    MEMBERS = "members"  # all members of the body, e.g. "two thirds of all members"
    UNITS = "units"  # member units (quorum only): units represented of all units


class Outcome(StrEnum):
    """How a vote ended."""

    CARRIED = "carried"
    LOST = "lost"
    TIED = "tied"
    INQUORATE = "inquorate"


@dataclass(frozen=True)
class Counts:
    """The numbers a decision is taken on, as weights (votes, not people).

    `present`, `entitled` and `members` default to the level below them when not
    known: present to the votes cast including abstentions, entitled to present,
    members to entitled. `units_present`/`units_total` serve a quorum of units.
    """

    yes: int
    no: int
    abstain: int = 0
    present: int | None = None
    entitled: int | None = None
    members: int | None = None
    units_present: int = 0
    units_total: int = 0

    def __post_init__(self) -> None:
        if min(self.yes, self.no, self.abstain) < 0:
            raise ValueError("vote counts cannot be negative")
        if self.present_weight < self.yes + self.no + self.abstain:
            raise ValueError("more votes cast than present")
        if not self.present_weight <= self.entitled_weight <= self.members_weight:
            raise ValueError("present <= entitled <= members must hold")

    @property
    def present_weight(self) -> int:
        """Votes present; when not given, those who took part (yes, no, abstain)."""
        return self.yes + self.no + self.abstain if self.present is None else self.present

    @property
    def entitled_weight(self) -> int:
        """Votes held in the poll; when not given, those present."""
        return self.present_weight if self.entitled is None else self.entitled

    @property
    def members_weight(self) -> int:
        """All members of the body; when not given, those entitled."""
        return self.entitled_weight if self.members is None else self.members

    def of(self, base: Base, *, abstentions_count: bool = False) -> int:
        """The size of `base` for these counts."""
        match base:
            case Base.CAST:
                return self.yes + self.no + (self.abstain if abstentions_count else 0)
            case Base.PRESENT:
                return self.present_weight
            case Base.ENTITLED:
                return self.entitled_weight
            case Base.MEMBERS:
                return self.members_weight
            case Base.UNITS:
                return self.units_total


@dataclass(frozen=True)
class Threshold:
    """The share of `base` the yes votes need.

    `strict=True` means "more than" (a majority: more than 1/2), `strict=False` means
    "at least" (two thirds: at least 2/3).
    """

    fraction: Fraction
    base: Base = Base.CAST
    strict: bool = True
    abstentions_count: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.fraction <= 1:
            raise ValueError("a threshold is a fraction between 0 and 1")
        if self.base is Base.UNITS:
            raise ValueError("units are a quorum base, not a threshold base")

    def bar(self, counts: Counts) -> Fraction:
        """The number of yes votes to be exceeded (strict) or reached."""
        return self.fraction * self.base_size(counts)

    def base_size(self, counts: Counts) -> int:
        """The size of this threshold's base for `counts`."""
        return counts.of(self.base, abstentions_count=self.abstentions_count)

    def is_met(self, counts: Counts) -> bool:
        """Whether the yes votes clear the bar (ties are handled by `decide`)."""
        bar = self.bar(counts)
        return counts.yes > bar if self.strict else counts.yes >= bar

    def label(self) -> Message:
        """The threshold in words: majority of votes cast, 2/3 of those present, ..."""
        base_key = (
            "cast_with_abstentions"
            if self.abstentions_count and self.base is Base.CAST
            else self.base.value
        )
        base = Message.of(f"base.{base_key}")
        if self.fraction == HALF and self.strict:
            return Message.of("threshold.majority", base=base)
        key = "threshold.fraction_strict" if self.strict else "threshold.fraction"
        return Message.of(key, fraction=format_fraction(self.fraction), base=base)


SIMPLE_MAJORITY = Threshold(HALF, Base.CAST, strict=True)
ABSOLUTE_MAJORITY = Threshold(HALF, Base.ENTITLED, strict=True)
TWO_THIRDS_OF_CAST = Threshold(Fraction(2, 3), Base.CAST, strict=False)
TWO_THIRDS_OF_PRESENT = Threshold(Fraction(2, 3), Base.PRESENT, strict=False)
TWO_THIRDS_OF_MEMBERS = Threshold(Fraction(2, 3), Base.MEMBERS, strict=False)


@dataclass(frozen=True)
class Quorum:
    """How many must be present for the body to decide.

    Met when what is present reaches both `minimum` and `fraction` of `base`
    (members, entitled votes, or units).
    """

    fraction: Fraction = Fraction(0)
    base: Base = Base.MEMBERS
    minimum: int = 0

    def needed(self, counts: Counts) -> Fraction:
        """The presence needed, exactly (may be fractional: 1/2 of 15 is 7 1/2)."""
        return max(Fraction(self.minimum), self.fraction * counts.of(self.base))

    def measured(self, counts: Counts) -> int:
        """What is compared with `needed`: units represented, or votes present."""
        return counts.units_present if self.base is Base.UNITS else counts.present_weight

    def is_met(self, counts: Counts) -> bool:
        """Whether the quorum is reached."""
        return self.measured(counts) >= self.needed(counts)


@dataclass(frozen=True)
class Decision:
    """A decided question that can explain itself."""

    outcome: Outcome
    counts: Counts
    threshold: Threshold
    quorum: Quorum | None

    @property
    def carried(self) -> bool:
        """True only for a carried motion."""
        return self.outcome is Outcome.CARRIED

    @property
    def bar(self) -> Fraction:
        """The threshold's bar for these counts."""
        return self.threshold.bar(self.counts)

    def messages(self) -> tuple[Message, ...]:
        """The result as sentences (data): the outcome, then how abstentions were treated."""
        c = self.counts
        if self.outcome is Outcome.INQUORATE:
            assert self.quorum is not None
            main = Message.of(
                "decision.inquorate",
                measured=self.quorum.measured(c),
                needed=self.quorum.needed(c),
            )
        elif self.outcome is Outcome.TIED:
            main = Message.of("decision.tied", count=c.yes, no=c.no)
        else:
            need = Message.of(
                "need.more_than" if self.threshold.strict else "need.at_least",
                threshold=self.threshold.label(),
                bar=self.bar,
                base=self.threshold.base_size(c),
            )
            key = "decision.carried" if self.carried else "decision.lost"
            main = Message.of(key, count=c.yes, no=c.no, need=need)
        if not c.abstain:
            return (main,)
        counted = self.threshold.abstentions_count
        key = "decision.abstentions_counted" if counted else "decision.abstentions"
        return (main, Message.of(key, count=c.abstain))

    def explain(self) -> str:
        """E.g. "Carried: 5 votes to 3 (2/3 of votes cast needed: at least 5 1/3 of 8)"."""
        return " ".join(m.describe() for m in self.messages())


def decide(counts: Counts, threshold: Threshold, quorum: Quorum | None = None) -> Decision:
    """Decide a question: quorum first, then the threshold; ties and no-votes fail."""
    if quorum is not None and not quorum.is_met(counts):
        outcome = Outcome.INQUORATE
    elif counts.yes == counts.no:
        outcome = Outcome.TIED
    elif counts.yes > counts.no and threshold.is_met(counts):
        outcome = Outcome.CARRIED
    else:
        outcome = Outcome.LOST
    return Decision(outcome, counts, threshold, quorum)
