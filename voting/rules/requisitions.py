"""Requisitions: is the demand for a meeting signed by enough of those entitled?

A constitution lets members, units, delegates or officers demand that a body meet: a
share of those who may sign ("one fifth of member organisations", "10% of members"), a
number ("any branch", "two officers"), or both. The share is "at least", counted
exactly (`fractions.Fraction`): 10% of 20 members is 2 signatures, of 21 it is 3. Every
requisition needs at least one signature, whatever the figures.

The number of those who may sign (the denominator) is read once, when the requisition
starts; what it needs does not move while signatures are gathered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction


class Signatories(StrEnum):
    """Who signs a requisition, one signature each."""

    MEMBERS = "members"  # members of the organisation
    UNITS = "units"  # member units, each through its secretary or one of its delegates
    DELEGATES = "delegates"  # delegates to the body
    OFFICERS = "officers"  # the organisation's officers
    BODY_MEMBERS = "body_members"  # the body's own members (a committee)


@dataclass(frozen=True)
class Requirement:
    """At least `share` of those who may sign, and at least `count` of them."""

    share: Fraction = Fraction(0)
    count: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError("a share is between 0 and 1")
        if self.count < 0:
            raise ValueError("a count is 0 or more")

    def needed(self, eligible: int) -> int:
        """Signatures needed when `eligible` may sign: never fewer than one."""
        if eligible < 0:
            raise ValueError("eligible is 0 or more")
        return max(1, math.ceil(self.share * eligible), self.count)


@dataclass(frozen=True)
class Progress:
    """Signatures gathered against what is needed."""

    signatures: int
    needed: int
    eligible: int

    @property
    def reached(self) -> bool:
        return self.signatures >= self.needed

    @property
    def remaining(self) -> int:
        """How many more signatures are needed (0 once reached)."""
        return max(0, self.needed - self.signatures)

    @property
    def reachable(self) -> bool:
        """Whether enough may sign at all (a count above those entitled never is)."""
        return self.needed <= self.eligible


def progress(requirement: Requirement, eligible: int, signatures: int) -> Progress:
    """Where a requisition stands with `signatures` of the `eligible` gathered."""
    if signatures < 0:
        raise ValueError("signatures are 0 or more")
    return Progress(signatures, requirement.needed(eligible), eligible)


def convene_by(reached_at: datetime, within_days: int) -> datetime | None:
    """When the meeting must be held by, `within_days` after the threshold was reached
    (None: the constitution sets no deadline)."""
    if within_days <= 0:
        return None
    return reached_at + timedelta(days=within_days)


def earliest_meeting(notice_from: datetime, notice_days: int) -> datetime:
    """The earliest the meeting may be held with the notice the rule asks for."""
    return notice_from + timedelta(days=max(0, notice_days))
