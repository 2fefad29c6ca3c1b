"""The speakers' queue of an item: hands raised from phones, ordered by the body's policy
(the rules core's `speaking_order`), the chair's reordering, calling, timing and the time
used per point of view.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.parse import VIEWPOINT
from voting.meetings.models import AgendaItem, ItemStatus, SpeakerKind, SpeakerRequest
from voting.meetings.permissions import may_speak, require_chair, require_present
from voting.meetings.services.changes import changed
from voting.membership.models import Person
from voting.org.body_rules import speaking_policy
from voting.rules.speaking import (
    OrderRule,
    RequestKind,
    SpeakingState,
    SpeakRequest,
    speaking_order,
)

RULE_KIND = {
    SpeakerKind.CONTRIBUTION: RequestKind.SPEAK,
    SpeakerKind.QUESTION: RequestKind.SPEAK,
    SpeakerKind.POINT_OF_ORDER: RequestKind.POINT_OF_ORDER,
    SpeakerKind.DIRECT_RESPONSE: RequestKind.DIRECT_RESPONSE,
}


@dataclass(frozen=True)
class QueuePlace:
    """A waiting request in the order it will be called, with the reasons for its place."""

    position: int
    request: SpeakerRequest
    reasons: tuple[str, ...]


def get_request(request_id: int) -> SpeakerRequest:
    """The speaker request with this id, or a clear NotFound."""
    request = db.session.get(SpeakerRequest, request_id)
    if request is None:
        raise NotFound(_("No such request to speak."))
    return request


def requests_of(item: AgendaItem) -> list[SpeakerRequest]:
    """Every request made on the item, oldest first."""
    return list(
        db.session.scalars(
            select(SpeakerRequest)
            .where(SpeakerRequest.item_id == item.id)
            .order_by(SpeakerRequest.requested_at, SpeakerRequest.id)
        )
    )


def current_speaker(item: AgendaItem) -> SpeakerRequest | None:
    """Who has the floor on the item, if anyone."""
    return next((r for r in requests_of(item) if r.is_speaking), None)


def seconds_used(request: SpeakerRequest) -> int:
    """Time used by a contribution, counting a timer still running."""
    running = 0
    if request.timer_started_at is not None:
        running = int((utcnow() - request.timer_started_at).total_seconds())
    return request.seconds_used + running


def time_per_viewpoint(item: AgendaItem) -> dict[str, int]:
    """Seconds used so far by each point of view (for equal-time bodies)."""
    used: dict[str, int] = {}
    for request in requests_of(item):
        if request.viewpoint and request.called_at is not None:
            used[request.viewpoint] = used.get(request.viewpoint, 0) + seconds_used(request)
    return used


def queue(item: AgendaItem) -> list[QueuePlace]:
    """The waiting requests in calling order: the chair's placings first, then the policy's."""
    requests = requests_of(item)
    waiting = [r for r in requests if r.is_waiting]
    placed = sorted((r for r in waiting if r.chair_position is not None), key=_chair_key)
    free = [r for r in waiting if r.chair_position is None]
    done = [
        r for r in requests if r.called_at is not None and r.kind is not SpeakerKind.POINT_OF_ORDER
    ]
    last = max(done, key=lambda r: r.called_at or utcnow(), default=None)
    state = SpeakingState(
        spoken=frozenset(r.person_id for r in done),
        time_used=time_per_viewpoint(item),
        last_viewpoint=last.viewpoint if last else None,
        last_categories=_categories(last.person, item) if last else None,
    )
    policy = speaking_policy(item.meeting.body.settings)
    places = speaking_order(
        [
            SpeakRequest(
                person_id=r.person_id,
                name=r.person.name,
                arrival=index,
                kind=RULE_KIND[r.kind],
                viewpoint=r.viewpoint,
                categories=_categories(r.person, item),
            )
            for index, r in enumerate(free)
        ],
        policy,
        state,
    )
    # `arrival` is the index in `free`: it finds the request, even for one person's two.
    ruled = [
        QueuePlace(0, free[p.request.arrival], tuple(m.describe() for m in p.reasons))
        for p in places
    ]
    # A point of order jumps even the chair's placings.
    jumping = [
        p
        for p in ruled
        if p.request.kind is SpeakerKind.POINT_OF_ORDER
        and OrderRule.POINTS_OF_ORDER_FIRST in policy.rules
    ]
    ordered = [
        *jumping,
        *(QueuePlace(0, r, (_("placed by the chair"),)) for r in placed),
        *(p for p in ruled if p not in jumping),
    ]
    return [QueuePlace(n, p.request, p.reasons) for n, p in enumerate(ordered, start=1)]


def _chair_key(request: SpeakerRequest) -> int:
    return request.chair_position or 0


def _categories(person: Person, item: AgendaItem) -> frozenset[str]:
    category = item.meeting.body.settings.elections.minimum_category
    return frozenset({category}) if category and person.gender == category else frozenset()


def raise_hand(
    actor: Person | None,
    item: AgendaItem,
    kind: str = SpeakerKind.CONTRIBUTION.value,
    viewpoint: str = "",
) -> SpeakerRequest:
    """Raise a hand on the item under discussion. Raising the same hand twice is one request.

    When the chair has closed the list, only points of order are taken.
    """
    meeting = item.meeting
    require_present(actor, meeting)
    assert actor is not None
    if not may_speak(actor, meeting.body):
        raise NotAllowed(_("Members of your status do not speak in this body."))
    try:
        request_kind = SpeakerKind(kind)
    except ValueError:
        raise Invalid(_("Choose what you want to say."), field="kind") from None
    if item.status is not ItemStatus.OPEN:
        raise Conflict(_("This item is not under discussion."))
    if (
        request_kind is SpeakerKind.DIRECT_RESPONSE
        and not meeting.body.settings.speaking.direct_responses
    ):
        raise Invalid(_("This body does not take direct responses."), field="kind")
    if item.speakers_closed and request_kind is not SpeakerKind.POINT_OF_ORDER:
        raise Conflict(_("The list of speakers is closed."))
    viewpoint = VIEWPOINT.check(viewpoint.strip(), "viewpoint") or None
    if request_kind is SpeakerKind.POINT_OF_ORDER:
        viewpoint = None  # a point of order is about procedure, not for or against
    key = f"{actor.id}:{request_kind.value}"
    existing = _waiting(item, key)
    if existing is not None:
        return existing
    try:
        with transaction():
            request = SpeakerRequest(
                item_id=item.id,
                person_id=actor.id,
                kind=request_kind,
                viewpoint=viewpoint,
                waiting_key=key,
            )
            db.session.add(request)
            changed(meeting, "speakers", users=[actor.id])
    except IntegrityError:
        # The same hand, sent twice at once: the first one counts.
        request = _waiting(item, key)
        if request is None:
            raise
    return request


def _waiting(item: AgendaItem, key: str) -> SpeakerRequest | None:
    return db.session.scalar(
        select(SpeakerRequest).where(
            SpeakerRequest.item_id == item.id, SpeakerRequest.waiting_key == key
        )
    )


def withdraw_hand(actor: Person | None, request: SpeakerRequest) -> SpeakerRequest:
    """Lower your own hand before you are called. Idempotent."""
    if actor is None or request.person_id != actor.id:
        raise NotAllowed(_("This is not your request."))
    if request.withdrawn or request.removed:
        return request
    if request.called_at is not None:
        raise Conflict(_("You have already been called."))
    meeting = request.item.meeting
    with transaction():
        request.withdrawn = True
        request.waiting_key = None
        changed(meeting, "speakers", users=[actor.id])
    return request


def _finish(request: SpeakerRequest) -> None:
    request.seconds_used = seconds_used(request)
    request.timer_started_at = None
    request.finished_at = utcnow()
    request.waiting_key = None


def call_next(
    actor: Person | None, item: AgendaItem, *, after: int | None = None
) -> SpeakerRequest | None:
    """End the current contribution and call the first in the queue (None: queue empty).

    `after` is the request the chair's screen showed as speaking (0 or None: nobody): if
    someone else already moved on, the call is refused so nobody is skipped.
    """
    meeting = item.meeting
    require_chair(actor, meeting)
    if item.status is not ItemStatus.OPEN:
        raise Conflict(_("This item is not under discussion."))
    speaking = current_speaker(item)
    if (speaking.id if speaking else None) != (after or None):
        raise Conflict(_("The next speaker was already called: your screen is now up to date."))
    places = queue(item)
    following = places[0].request if places else None
    if speaking is None and following is None:
        return None
    with transaction():
        users = []
        if speaking is not None:
            _finish(speaking)
            users.append(speaking.person_id)
        if following is not None:
            following.called_at = utcnow()
            users.append(following.person_id)
        audit.record(
            "speakers.called",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            item=item.id,
            finished=speaking.id if speaking else None,
            called=following.id if following else None,
        )
        changed(meeting, "speakers", users=users)
    return following


def set_timer(actor: Person | None, request: SpeakerRequest, running: bool) -> SpeakerRequest:
    """Start or stop the timer of the contribution being made. Idempotent."""
    meeting = request.item.meeting
    require_chair(actor, meeting)
    if not request.is_speaking:
        raise Conflict(_("This person does not have the floor."))
    if running == (request.timer_started_at is not None):
        return request
    with transaction():
        if running:
            request.timer_started_at = utcnow()
        else:
            request.seconds_used = seconds_used(request)
            request.timer_started_at = None
        changed(meeting, "speakers")
    return request


def remove_request(actor: Person | None, request: SpeakerRequest) -> SpeakerRequest:
    """The chair takes a request off the queue (or ends a contribution). Idempotent."""
    meeting = request.item.meeting
    require_chair(actor, meeting)
    if request.removed or request.withdrawn or request.finished_at is not None:
        return request
    with transaction():
        if request.is_speaking:
            _finish(request)
        else:
            request.removed = True
            request.waiting_key = None
        changed(meeting, "speakers", users=[request.person_id])
    return request


def move_up(actor: Person | None, request: SpeakerRequest) -> SpeakerRequest:
    """The chair moves a waiting request one place up; the order above it is then fixed."""
    meeting = request.item.meeting
    require_chair(actor, meeting)
    if not request.is_waiting:
        raise Conflict(_("This request is no longer waiting."))
    order = [p.request for p in queue(request.item)]
    index = order.index(request)
    if index == 0:
        return request
    order[index - 1], order[index] = order[index], order[index - 1]
    with transaction():
        for number, each in enumerate(order[: index + 1], start=1):
            each.chair_position = number
        changed(meeting, "speakers")
    return request


def close_list(actor: Person | None, item: AgendaItem, closed: bool = True) -> AgendaItem:
    """Close (or reopen) the list of speakers; points of order are still taken."""
    meeting = item.meeting
    require_chair(actor, meeting)
    if item.speakers_closed is closed:
        return item
    with transaction():
        item.speakers_closed = closed
        audit.record(
            "speakers.list_closed" if closed else "speakers.list_reopened",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            item=item.id,
        )
        changed(meeting, "speakers")
    return item
