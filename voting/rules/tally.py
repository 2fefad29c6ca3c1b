"""Tally: count weighted ballots on a motion, each vote once, and explain the result.

A `Ballot` names the vote it uses by the entitlement's `voter_key` and says either one
choice for the whole weight, or (where the body allows split votes) a division of the
weight: a delegate with 5 votes may cast 3 for and 2 against.

Each voter key is counted once. When several ballots use the same key:

1. A member who votes in person replaces the ballot cast by their proxy holder: the
   proxy lapses the moment the principal votes (the platform's proxy rule).
2. Then the body's `Precedence`. The default, `floor_replaces`, lets a vote cast on
   the floor replace a postal or online ballot cast before the meeting: the WRI Rules
   1(c) have ballot papers "returned ... not later than one week before the first day of
   the Conference or during the Conference", so the conference is the last chance to
   vote and a delegate present has heard the debate. `first_counts` keeps the earliest
   ballot, for bodies that treat a pre-cast ballot as final.
3. Within the same channel the first ballot received counts; later ones are duplicates.

Totals are conserved: the weight of every ballot received is either counted or set
aside with a reason (invalid, replaced or duplicate).

In a named vote, a ballot that departs from a directed proxy's instruction or from a
delegate's mandate is counted as cast and reported (the platform's rule: "A vote against
a mandate is allowed but recorded, and reported to the branch"; a free vote passes no
mandates). In a secret poll nothing links a ballot to its caster, so no per-voter record
is returned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from voting.rules.entitlement import Entitlement, PrincipalKind, Source
from voting.rules.messages import Message
from voting.rules.thresholds import Counts, Decision, Quorum, Threshold, decide
from voting.rules.types import Channel, Choice, PersonId


class Precedence(StrEnum):
    """Which ballot counts when a voter has cast more than one (see module docstring)."""

    FLOOR_REPLACES = "floor_replaces"
    FIRST_COUNTS = "first_counts"


class SetAsideKind(StrEnum):
    """Why a ballot's weight was not counted."""

    INVALID = "invalid"
    REPLACED = "replaced"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Ballot:
    """One ballot: the vote it uses (`voter`, an entitlement key) and what it says.

    Give `choice` for the whole weight, or `split` as (choice, votes) pairs. `cast_by`
    is the person who cast it (the holder, or the principal in person); `order` is the
    order of receipt, used for precedence.
    """

    voter: str
    choice: Choice | None = None
    split: tuple[tuple[Choice, int], ...] = ()
    channel: Channel = Channel.FLOOR
    cast_by: PersonId | None = None
    order: int = 0


@dataclass(frozen=True)
class PollRule:
    """How a poll on a motion is decided and counted."""

    threshold: Threshold
    quorum: Quorum | None = None
    split_votes: bool = False
    precedence: Precedence = Precedence.FLOOR_REPLACES
    secret: bool = False


@dataclass(frozen=True)
class SetAside:
    """A ballot whose weight was not counted, and why."""

    ballot: Ballot
    weight: int
    kind: SetAsideKind
    reason: Message


@dataclass(frozen=True)
class TallyResult:
    """The counted result of a poll, conserving totals and able to explain itself."""

    decision: Decision
    totals: Mapping[Choice, int]
    received: int  # weight of all ballots received
    counted: int  # weight counted (yes + no + abstain)
    set_aside: tuple[SetAside, ...]
    voters: int  # distinct vote holdings counted
    by_voter: Mapping[str, tuple[tuple[Choice, int], ...]] | None  # None in a secret poll
    departures: tuple[Message, ...]  # votes against an instruction or mandate (named only)

    @property
    def carried(self) -> bool:
        """Whether the motion carried."""
        return self.decision.carried

    def explain(self) -> str:
        """E.g. "Carried: 5 votes to 3 (2/3 of votes cast needed: at least 5 1/3 of 8)"."""
        return self.decision.explain()

    def report(self) -> list[str]:
        """The result, then every ballot set aside and every departure, one per line."""
        lines = [self.explain()]
        lines += [s.reason.describe() for s in self.set_aside]
        lines += [m.describe() for m in self.departures]
        return lines


def _parts(ballot: Ballot, weight: int) -> tuple[tuple[Choice, int], ...]:
    return ((ballot.choice, weight),) if ballot.choice is not None else ballot.split


def _invalid(ballot: Ballot, holding: Entitlement | None, split_votes: bool) -> Message | None:
    """Why a ballot cannot count, or None if it can."""
    voter = ballot.voter
    if holding is None:
        return Message.of("ballot.not_entitled", voter=voter)
    in_person = (
        holding.principal_kind is PrincipalKind.PERSON and ballot.cast_by == holding.principal_id
    )
    if ballot.cast_by is not None and ballot.cast_by != holding.holder_id and not in_person:
        return Message.of("ballot.wrong_holder", voter=voter, holder=ballot.cast_by)
    if holding.in_writing_only and ballot.channel is Channel.FLOOR:
        return Message.of("ballot.writing_only", voter=voter)
    if (ballot.choice is None) == (not ballot.split):
        return Message.of("ballot.empty", voter=voter)
    if ballot.split:
        cast = sum(votes for _, votes in ballot.split)
        if cast != holding.weight or any(votes < 0 for _, votes in ballot.split):
            return Message.of("ballot.wrong_weight", voter=voter, cast=cast, weight=holding.weight)
        if not split_votes and len({c for c, votes in ballot.split if votes}) > 1:
            return Message.of("ballot.split_not_allowed", voter=voter)
    return None


def _in_person(ballot: Ballot, holding: Entitlement) -> bool:
    """Cast by the principal themself rather than by their proxy holder."""
    return holding.source is not Source.PROXY or ballot.cast_by == holding.principal_id


def _pick(
    ballots: list[Ballot], holding: Entitlement, precedence: Precedence
) -> tuple[Ballot, list[SetAside]]:
    """The ballot that counts for one voter, and the others set aside with reasons."""

    def rank(b: Ballot) -> tuple[bool, bool, int]:
        pre_cast = precedence is Precedence.FLOOR_REPLACES and b.channel is not Channel.FLOOR
        return (not _in_person(b, holding), pre_cast, b.order)

    ordered = sorted(ballots, key=rank)
    winner = ordered[0]
    aside = []
    for other in ordered[1:]:
        voter, channel = other.voter, other.channel
        if _in_person(winner, holding) and not _in_person(other, holding):
            kind, reason = SetAsideKind.REPLACED, Message.of("ballot.superseded_own", voter=voter)
        elif rank(winner)[1] != rank(other)[1]:
            kind = SetAsideKind.REPLACED
            reason = Message.of("ballot.superseded_floor", voter=voter, channel=channel)
        else:
            kind = SetAsideKind.DUPLICATE
            reason = Message.of("ballot.duplicate", voter=voter, channel=channel)
        aside.append(SetAside(other, holding.weight, kind, reason))
    return winner, aside


def tally(
    ballots: Iterable[Ballot],
    entitlements: Sequence[Entitlement],
    rule: PollRule,
    *,
    unheld: int = 0,
    members: int | None = None,
    mandates: Mapping[str, Choice] | None = None,
    units_present: int = 0,
    units_total: int = 0,
) -> TallyResult:
    """Count `ballots` against the poll's `entitlements` and decide under `rule`.

    `unheld` are votes that exist but nobody holds (they count as entitled);
    `members` the body's membership for an "all members" threshold; `mandates` the
    instruction each delegate's unit gave, by voter key (leave out for a free vote).
    """
    entitled = {e.voter_key: e for e in entitlements}
    received = 0
    set_aside: list[SetAside] = []
    by_key: dict[str, list[Ballot]] = defaultdict(list)
    for ballot in ballots:
        holding = entitled.get(ballot.voter)
        if ballot.split:
            weight = sum(votes for _, votes in ballot.split)
        else:
            weight = holding.weight if holding is not None else 0
        received += weight
        problem = _invalid(ballot, holding, rule.split_votes)
        if problem is not None:
            set_aside.append(SetAside(ballot, weight, SetAsideKind.INVALID, problem))
        else:
            by_key[ballot.voter].append(ballot)

    totals = dict.fromkeys(Choice, 0)
    by_voter: dict[str, tuple[tuple[Choice, int], ...]] = {}
    departures: list[Message] = []
    for key, cast in by_key.items():
        holding = entitled[key]
        winner = cast[0]
        if len(cast) > 1:
            winner, aside = _pick(cast, holding, rule.precedence)
            set_aside += aside
        parts = _parts(winner, holding.weight)
        for choice, votes in parts:
            totals[choice] += votes
        by_voter[key] = parts
        instruction = holding.instruction or (mandates or {}).get(key)
        if instruction is not None and not rule.secret:
            for choice, votes in parts:
                if votes and choice is not instruction:
                    departures.append(
                        Message.of(
                            "ballot.against_instruction",
                            voter=key,
                            cast=choice,
                            instruction=instruction,
                        )
                    )

    counted = sum(totals.values())
    present = sum(e.weight for e in entitlements if e.present or e.voter_key in by_voter)
    counts = Counts(
        yes=totals[Choice.YES],
        no=totals[Choice.NO],
        abstain=totals[Choice.ABSTAIN],
        present=present,
        entitled=sum(e.weight for e in entitlements) + unheld,
        members=members,
        units_present=units_present,
        units_total=units_total,
    )
    return TallyResult(
        decision=decide(counts, rule.threshold, rule.quorum),
        totals=totals,
        received=received,
        counted=counted,
        set_aside=tuple(set_aside),
        voters=len(by_voter),
        by_voter=None if rule.secret else by_voter,
        departures=tuple(departures),
    )
