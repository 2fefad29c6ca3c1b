"""The small shared vocabulary of the rules core: ids, statuses, unit kinds, choices.

The string values are the ones stored in the database and written in constitution
presets, so they must not change once used.
"""

from __future__ import annotations

from enum import StrEnum

#: People and units are named by whatever id the caller uses (database ids, slugs).
PersonId = int | str
UnitId = int | str


class MemberStatus(StrEnum):
    """A person's standing in the organisation; a body says which statuses vote."""

    FULL = "full"
    CANDIDATE = "candidate"  # attends, never votes (AWL: "Candidates do not have the right…")
    INDIVIDUAL = "individual"  # attends and speaks, no vote (WRI individual members)
    WITHDRAWN = "withdrawn"  # votes only in writing or by proxy (AWL)
    LAPSED = "lapsed"  # dues arrears past the limit: counts as resigned (WSM)


class UnitKind(StrEnum):
    """The kinds of member unit the constitutions know."""

    SECTION = "section"
    ASSOCIATE = "associate"
    BRANCH = "branch"
    CAUCUS = "caucus"
    FRACTION = "fraction"
    FACTION = "faction"


class Participants(StrEnum):
    """Who answers a body's tests for agreement (WRI 2(b): individual members "may also
    attend and speak but shall not have a vote")."""

    VOTERS = "voters"  # those the body's rule gives a vote
    ATTENDING = "attending"  # everyone attending the meeting


class Choice(StrEnum):
    """What a ballot on a motion can say."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Channel(StrEnum):
    """How a ballot reached the count: before the meeting, or on the floor."""

    POSTAL = "postal"
    ONLINE = "online"
    FLOOR = "floor"
