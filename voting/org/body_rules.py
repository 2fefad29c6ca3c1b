"""Translate a body's stored settings into the rules core's settings, in one place."""

from __future__ import annotations

import datetime as dt

from voting.constitutions.schema import BodySettings
from voting.constitutions.schema import Quorum as QuorumSettings
from voting.constitutions.schema import Threshold as ThresholdSettings
from voting.rules.consensus import ConsensusSettings
from voting.rules.speaking import OrderRule, SpeakingPolicy
from voting.rules.thresholds import Base, Quorum, Threshold
from voting.rules.types import Participants


def threshold(settings: ThresholdSettings, *, abstentions_count: bool = False) -> Threshold:
    """A stored threshold as the rules core's `Threshold`."""
    return Threshold(
        settings.fraction,
        Base(settings.base),
        strict=settings.strict,
        abstentions_count=abstentions_count,
    )


def quorum(settings: QuorumSettings) -> Quorum | None:
    """The body's quorum, or None where none applies."""
    if not settings.required:
        return None
    return Quorum(settings.fraction, Base(settings.base), settings.minimum)


def consensus_settings(settings: BodySettings, minutes: int | None = None) -> ConsensusSettings:
    """The body's consensus rule; `minutes` is the time agreed for this item, if set."""
    limit = settings.consensus.stand_aside_limit
    minutes = settings.consensus.minutes if minutes is None else minutes
    return ConsensusSettings(
        # 0 in the stored settings means "no limit" (see the settings' help text).
        stand_aside_limit=limit or None,
        time_agreed=dt.timedelta(minutes=minutes) if minutes else None,
        fallback=threshold(settings.decision, abstentions_count=settings.abstentions_count_as_cast),
        silence_is_consent=False,
        participants=Participants(settings.consensus.participants),
    )


def speaking_policy(settings: BodySettings) -> SpeakingPolicy:
    """The body's speaking order as the rules core's policy."""
    return SpeakingPolicy(
        rules=tuple(OrderRule(rule) for rule in settings.speaking.policy),
        direct_responses=settings.speaking.direct_responses,
        balance_category=settings.elections.minimum_category or None,
        seconds_per_contribution=settings.speaking.seconds_per_contribution,
    )
