"""The speakers' queue: in what order people speak, and why each is where they are.

The body's policy is a list of ordering rules applied in turn (the names match the body
settings). At each place in the queue the rules narrow the waiting requests; the
earliest raised hand among what is left speaks next:

* `points_of_order_first`: a point of order jumps the queue. Direct responses, where
  the body allows them, come next, straight after the speaker they answer.
* `equal_time_per_viewpoint`: the viewpoint (for, against, an amendment) that has used
  the least time so far speaks next (AWL: "equal speaking time ... shall be allotted
  to all the different points of view represented"). Each contribution still to come
  is reckoned at `seconds_per_contribution`.
* `alternate_for_against`: someone of a different viewpoint from the last speaker.
* `not_yet_spoken_first`: people who have not spoken on the item yet (progressive stack).
* `balance_self_declared`: alternate between people who have declared the balancing
  category (e.g. "woman") and those who have not, starting after the last speaker.
* `first_come`: order of raised hands (always the final tie-break).

A rule that would leave nobody, or that changes nothing, is skipped for that place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from voting.rules.messages import Message
from voting.rules.types import PersonId


class OrderRule(StrEnum):
    """One rule of a speaking policy."""

    POINTS_OF_ORDER_FIRST = "points_of_order_first"
    NOT_YET_SPOKEN_FIRST = "not_yet_spoken_first"
    ALTERNATE_FOR_AGAINST = "alternate_for_against"
    EQUAL_TIME_PER_VIEWPOINT = "equal_time_per_viewpoint"
    BALANCE_SELF_DECLARED = "balance_self_declared"
    FIRST_COME = "first_come"


class RequestKind(StrEnum):
    """What a raised hand asks for."""

    SPEAK = "speak"
    POINT_OF_ORDER = "point_of_order"
    DIRECT_RESPONSE = "direct_response"


@dataclass(frozen=True)
class SpeakRequest:
    """A raised hand: who, when (`arrival`, lower is earlier), for which viewpoint."""

    person_id: PersonId
    name: str
    arrival: int
    kind: RequestKind = RequestKind.SPEAK
    viewpoint: str | None = None
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SpeakingPolicy:
    """The body's ordering rules, applied in the order given."""

    rules: tuple[OrderRule, ...] = (OrderRule.POINTS_OF_ORDER_FIRST, OrderRule.FIRST_COME)
    direct_responses: bool = True
    balance_category: str | None = None
    seconds_per_contribution: int = 180


@dataclass(frozen=True)
class SpeakingState:
    """What has happened on the item so far."""

    spoken: frozenset[PersonId] = frozenset()
    time_used: Mapping[str, int] = field(default_factory=dict)
    last_viewpoint: str | None = None
    last_categories: frozenset[str] | None = None


@dataclass(frozen=True)
class Place:
    """A place in the queue and the reasons for it."""

    position: int
    request: SpeakRequest
    reasons: tuple[Message, ...]

    def describe(self) -> str:
        """E.g. "2. Ana: has not spoken yet on this item"."""
        why = "; ".join(m.describe() for m in self.reasons)
        return f"{self.position}. {self.request.name}: {why}"


def _narrow(
    rule: OrderRule,
    pool: list[SpeakRequest],
    policy: SpeakingPolicy,
    spoken: set[PersonId],
    time_used: dict[str, int],
    last_viewpoint: str | None,
    last_categories: frozenset[str] | None,
) -> tuple[list[SpeakRequest], Message | None]:
    """Apply one rule to the pool: the requests it keeps, and the reason it gives."""
    match rule:
        case OrderRule.EQUAL_TIME_PER_VIEWPOINT:
            views = [r.viewpoint for r in pool if r.viewpoint is not None]
            if not views:
                return pool, None
            # Least time first; between equals, the viewpoint of the earliest hand.
            view = min(views, key=lambda v: time_used.get(v, 0))
            kept = [r for r in pool if r.viewpoint == view]
            reason = Message.of(
                "speak.viewpoint_least_time", viewpoint=view, seconds=time_used.get(view, 0)
            )
            return kept, reason
        case OrderRule.ALTERNATE_FOR_AGAINST:
            if last_viewpoint is None:
                return pool, None
            kept = [r for r in pool if r.viewpoint not in (None, last_viewpoint)]
            view = kept[0].viewpoint if kept else None
            return kept, Message.of("speak.alternate", viewpoint=view, previous=last_viewpoint)
        case OrderRule.NOT_YET_SPOKEN_FIRST:
            kept = [r for r in pool if r.person_id not in spoken]
            return kept, Message.of("speak.not_yet_spoken")
        case OrderRule.BALANCE_SELF_DECLARED:
            category = policy.balance_category
            if category is None or last_categories is None:
                return pool, None
            want = category not in last_categories
            kept = [r for r in pool if (category in r.categories) == want]
            key = "speak.balance" if want else "speak.balance_other"
            return kept, Message.of(key, category=category)
        case _:
            return pool, None


def speaking_order(
    queue: Sequence[SpeakRequest],
    policy: SpeakingPolicy,
    state: SpeakingState | None = None,
) -> tuple[Place, ...]:
    """The order in which the waiting requests will be called, with a reason for each."""
    state = state or SpeakingState()
    spoken = set(state.spoken)
    time_used = dict(state.time_used)
    last_viewpoint, last_categories = state.last_viewpoint, state.last_categories
    waiting = sorted(queue, key=lambda r: r.arrival)
    hand = {id(r): number for number, r in enumerate(waiting, 1)}  # order of raised hands
    places: list[Place] = []
    while waiting:
        reasons: list[Message] = []
        points = [r for r in waiting if r.kind is RequestKind.POINT_OF_ORDER]
        responses = [r for r in waiting if r.kind is RequestKind.DIRECT_RESPONSE]
        if points and OrderRule.POINTS_OF_ORDER_FIRST in policy.rules:
            pool = points
            reasons.append(Message.of("speak.point_of_order"))
        elif responses and policy.direct_responses:
            pool = responses
            reasons.append(Message.of("speak.direct_response"))
        else:
            pool = list(waiting)
            for rule in policy.rules:
                kept, reason = _narrow(
                    rule, pool, policy, spoken, time_used, last_viewpoint, last_categories
                )
                if kept and len(kept) < len(pool):
                    pool = kept
                    if reason is not None:
                        reasons.append(reason)
        chosen = pool[0]  # earliest raised hand among what the rules left
        if not reasons:
            reasons.append(Message.of("speak.first_come", arrival=hand[id(chosen)]))
        places.append(Place(len(places) + 1, chosen, tuple(reasons)))
        waiting.remove(chosen)
        if chosen.kind is not RequestKind.POINT_OF_ORDER:
            # A point of order is about procedure: it uses no viewpoint's time and
            # does not change whose turn it is in the debate.
            spoken.add(chosen.person_id)
            if chosen.viewpoint is not None:
                time_used[chosen.viewpoint] = (
                    time_used.get(chosen.viewpoint, 0) + policy.seconds_per_contribution
                )
                last_viewpoint = chosen.viewpoint
            last_categories = chosen.categories
    return tuple(places)
