"""Consensus: has the body agreed, not agreed, or is the test still open?

The chair tests for agreement; each participant answers agree, agree with
reservations, stand aside, or block (WRI Constitution 3(e): "The Conference shall try
to make decisions by consensus. If no consensus can be reached within the time agreed,
a vote will be held"). The rule applied here:

* A block, or more stand-asides than the body's limit, prevents consensus.
* While the time agreed has not run out and the chair has not closed the test, an
  item without consensus yet is *still open*: discussion continues.
* When the time runs out (or the chair closes the test) without consensus, the body
  falls back to a vote under its own threshold, if it has one.
* Participants who have not answered: silence counts as consent only where the body
  says so (`silence_is_consent`). Otherwise consensus needs every answer.
* Who takes part is the body's choice (`participants`): those the body lets vote (the
  default; at the WRI conference not the individual members, who "may also attend and
  speak but shall not have a vote"), or everyone attending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from voting.rules.entitlement import BodyRule, Person, why_no_vote
from voting.rules.messages import Message
from voting.rules.thresholds import Threshold
from voting.rules.types import Participants, PersonId


class Response(StrEnum):
    """A participant's answer to the chair's test for agreement."""

    AGREE = "agree"
    RESERVATIONS = "reservations"
    STAND_ASIDE = "stand_aside"
    BLOCK = "block"


class Status(StrEnum):
    """Where the consensus test stands."""

    CONSENSUS = "consensus"
    NO_CONSENSUS = "no_consensus"
    OPEN = "open"


class NextStep(StrEnum):
    """What the chair does next."""

    RECORD = "record"  # record the consensus with reservations and stand-asides
    CONTINUE = "continue"  # keep discussing within the time agreed
    VOTE = "vote"  # fall back to a vote under `fallback`
    NO_DECISION = "no_decision"  # no consensus and no fallback vote


@dataclass(frozen=True)
class ConsensusSettings:
    """A body's consensus rule.

    `stand_aside_limit`: the most stand-asides that still make consensus (None: no
    limit). `time_agreed`: how long the body tries before falling back (None: until the
    chair closes the test). `fallback`: the threshold of the fallback vote, or None if
    the body has no vote to fall back on. `participants`: who answers, those with a vote
    or everyone attending.
    """

    stand_aside_limit: int | None = None
    time_agreed: dt.timedelta | None = None
    fallback: Threshold | None = None
    silence_is_consent: bool = False
    participants: Participants = Participants.VOTERS


def why_not_taking_part(
    settings: ConsensusSettings,
    rule: BodyRule,
    person: Person,
    *,
    represents: bool | None = None,
) -> Message | None:
    """Why someone attending does not answer the body's tests for agreement, or None if
    they do. Where only voters take part: someone whose role carries no vote, or whose
    standing the body does not let vote unless they represent a unit (they hold its cards
    or are its delegate: `represents`); the reason is the entitlement's. Everyone who takes
    part answers for themself, one answer each, whatever the votes they carry."""
    if settings.participants is Participants.ATTENDING:
        return None
    return why_no_vote(rule, person, represents=represents or None)


@dataclass(frozen=True)
class ConsensusResult:
    """The state of a consensus test, with what the record must show."""

    status: Status
    next_step: NextStep
    fallback: Threshold | None
    agree: tuple[PersonId, ...]
    reservations: tuple[PersonId, ...]
    stand_asides: tuple[PersonId, ...]
    blocks: tuple[PersonId, ...]
    silent: tuple[PersonId, ...]
    remaining: dt.timedelta | None
    reason: Message

    def explain(self) -> str:
        """The state and the next step, in English."""
        if self.next_step is NextStep.VOTE:
            assert self.fallback is not None
            step = Message.of("next.vote", threshold=self.fallback.label())
        else:
            step = Message.of(f"next.{self.next_step.value}")
        return f"{self.reason.describe()}. {step.describe()}"


def _minutes(delta: dt.timedelta | None) -> int | str:
    if delta is None:
        return "no limit"  # the chair closes the test; no countdown is shown
    return max(0, -(-int(delta.total_seconds()) // 60))  # round up: "1 min left" until 0


def consensus_outcome(
    participants: Sequence[PersonId],
    responses: Mapping[PersonId, Response],
    settings: ConsensusSettings,
    *,
    elapsed: dt.timedelta = dt.timedelta(0),
    closed: bool = False,
) -> ConsensusResult:
    """Decide consensus / no consensus / still open, and the next step.

    `participants` are those whose answer counts (in the order to report them);
    `responses` their answers so far; `elapsed` the time since the item's clock
    started; `closed` whether the chair has closed the test.
    """
    by = {r: tuple(p for p in participants if responses.get(p) is r) for r in Response}
    silent = tuple(p for p in participants if p not in responses)
    remaining = None if settings.time_agreed is None else settings.time_agreed - elapsed
    time_up = closed or (remaining is not None and remaining <= dt.timedelta(0))
    blocks, stand_asides = by[Response.BLOCK], by[Response.STAND_ASIDE]
    limit = settings.stand_aside_limit
    too_many = limit is not None and len(stand_asides) > limit

    def result(status: Status, step: NextStep, reason: Message) -> ConsensusResult:
        return ConsensusResult(
            status=status,
            next_step=step,
            fallback=settings.fallback if step is NextStep.VOTE else None,
            agree=by[Response.AGREE],
            reservations=by[Response.RESERVATIONS],
            stand_asides=stand_asides,
            blocks=blocks,
            silent=silent,
            remaining=remaining,
            reason=reason,
        )

    if blocks:
        failure = Message.of("consensus.blocked", count=len(blocks), names=blocks)
    elif too_many:
        failure = Message.of(
            "consensus.too_many_stand_asides", count=len(stand_asides), limit=limit
        )
    elif silent and time_up and not settings.silence_is_consent:
        failure = Message.of("consensus.silence", count=len(silent))
    elif silent and not time_up:
        return result(
            Status.OPEN,
            NextStep.CONTINUE,
            Message.of(
                "consensus.open",
                answered=len(participants) - len(silent),
                participants=len(participants),
                remaining=_minutes(remaining),
            ),
        )
    else:
        return result(
            Status.CONSENSUS,
            NextStep.RECORD,
            Message.of(
                "consensus.reached",
                agree=len(by[Response.AGREE]) + len(silent),  # silence is consent here
                reservations=len(by[Response.RESERVATIONS]),
                stand_aside=len(stand_asides),
            ),
        )

    if not time_up:
        # Minds can change while the time agreed runs: a block is not final yet.
        return result(
            Status.OPEN,
            NextStep.CONTINUE,
            Message.of("consensus.open_failing", failure=failure, remaining=_minutes(remaining)),
        )
    step = NextStep.VOTE if settings.fallback is not None else NextStep.NO_DECISION
    return result(Status.NO_CONSENSUS, step, failure)
