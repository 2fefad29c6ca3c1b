"""What a meeting's screens show, read in one place: the page views, the pushes and the
JSON `state` event all render from the same `MeetingState`, so they always agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from voting.ballots.models import Poll, PollStatus
from voting.constitutions.schema import BodySettings
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.core.text import natural_key
from voting.meetings.models import (
    AgendaItem,
    CheckIn,
    ConsensusAnswer,
    ConsensusTest,
    Meeting,
    MeetingPoll,
    Motion,
    Requisition,
    SpeakerRequest,
)
from voting.meetings.permissions import attending_membership, check_in_of, may_speak
from voting.meetings.services import agenda, consensus, speaking
from voting.meetings.services.meetings import attendance, emergency_decisions
from voting.meetings.services.speaking import QueuePlace
from voting.membership.models import Membership, Person, Role
from voting.org.body_rules import quorum
from voting.org.models import Unit
from voting.rules.consensus import ConsensusResult
from voting.rules.thresholds import Base, Counts

ANSWERS = ("agree", "reservations", "stand_aside", "block")


@dataclass(frozen=True)
class Quorate:
    present: int  # people checked in
    needed: int | None  # None: the body has no quorum
    measured: int | None = None  # what is compared with `needed`, if not `present`
    in_units: bool = False  # the quorum counts the units represented, not people

    @property
    def reached(self) -> int:
        return self.present if self.measured is None else self.measured

    @property
    def met(self) -> bool:
        return self.needed is None or self.reached >= self.needed


@dataclass
class ConsensusView:
    test: ConsensusTest
    result: ConsensusResult
    counts: dict[str, int]
    names: dict[str, list[str]]
    reasons: list[tuple[str, str, str]]  # (name, answer, reason)
    participants: int
    remaining_seconds: int

    @property
    def answered(self) -> int:
        return sum(self.counts[a] for a in ANSWERS)

    @property
    def block_reasons(self) -> list[str]:
        """The reasons given for blocks, without names: what a public screen may show."""
        return [reason for _name, answer, reason in self.reasons if answer == "block"]


@dataclass
class MeetingState:
    meeting: Meeting
    settings: BodySettings
    quorum: Quorate
    items: list[AgendaItem]
    current: AgendaItem | None
    motions: list[Motion]
    consensus: ConsensusView | None
    speaker: SpeakerRequest | None
    speaker_seconds: int
    queue: list[QueuePlace]
    time_per_viewpoint: dict[str, int]
    sections: list[str]
    version: int = 0
    ratification: list[Motion] = field(default_factory=list)
    # The requisition that called the meeting, if one did.
    requisition: Requisition | None = None


@dataclass
class Mine:
    """One person's part of the screens: their check-in, hands and answer."""

    person: Person | None
    checked_in: bool
    may_attend: bool
    may_speak: bool
    hands: list[SpeakerRequest]
    place: dict[int, int]  # request id -> place in the queue
    answer: ConsensusAnswer | None


def quorum_of(meeting: Meeting) -> Quorate:
    """Attendance against the body's quorum."""
    present = attendance(meeting)
    body = meeting.body
    rule = quorum(body.settings.quorum)
    if rule is None:
        return Quorate(present, None)
    settings = body.settings
    members_query = select(func.count(func.distinct(Membership.person_id))).where(
        Membership.organisation_id == body.organisation_id,
        Membership.status.in_(settings.attend),
    )
    if settings.members_roles:
        members_query = members_query.join(Role, Role.person_id == Membership.person_id).where(
            Role.organisation_id == body.organisation_id, Role.kind.in_(settings.members_roles)
        )
    members = db.session.scalar(members_query) or 0
    entitled = db.session.scalar(members_query.where(Membership.status.in_(settings.vote))) or 0
    units_total = db.session.scalar(
        select(func.count()).select_from(Unit).where(Unit.organisation_id == body.organisation_id)
    )
    units_present = db.session.scalar(
        select(func.count(func.distinct(Membership.unit_id)))
        .join(CheckIn, CheckIn.person_id == Membership.person_id)
        .where(CheckIn.meeting_id == meeting.id, Membership.organisation_id == body.organisation_id)
    )
    counts = Counts(
        yes=0,
        no=0,
        present=present,
        entitled=max(entitled, present),
        members=max(members, entitled, present),
        units_present=units_present or 0,
        units_total=units_total or 0,
    )
    return Quorate(
        present,
        math.ceil(rule.needed(counts)),
        rule.measured(counts),
        in_units=rule.base is Base.UNITS,
    )


def consensus_view(test: ConsensusTest) -> ConsensusView:
    """Counts, names (where the body shows them) and reasons of a test for agreement."""
    counted = consensus.participants(test)  # read once: `result` takes them too
    result = consensus.result(test, counted=counted)
    people = dict(counted)
    names: dict[str, list[str]] = {a: [] for a in ANSWERS}
    reasons = []
    for a in test.answers:
        name = people.get(a.person_id) or a.person.name
        names[a.response.value].append(name)
        if a.reason:
            reasons.append((name, a.response.value, a.reason))
    counts = {a: len(names[a]) for a in ANSWERS}
    counts["silent"] = len(result.silent)
    remaining = max(0, int((test.deadline - utcnow()).total_seconds()))
    return ConsensusView(
        test=test,
        result=result,
        counts=counts,
        names={a: sorted(n, key=natural_key) for a, n in names.items()},
        reasons=reasons,
        participants=len(people),
        remaining_seconds=remaining if test.closed_at is None else 0,
    )


def meeting_state(meeting: Meeting) -> MeetingState:
    """Everything the shared regions of the meeting's screens show."""
    current = agenda.current_item(meeting)
    test = None
    queue: list[QueuePlace] = []
    speaker = None
    used: dict[str, int] = {}
    if current is not None:
        test = consensus.latest_test_of(current)
        queue = speaking.queue(current)
        speaker = speaking.current_speaker(current)
        used = speaking.time_per_viewpoint(current)

    return MeetingState(
        meeting=meeting,
        settings=meeting.body.settings,
        quorum=quorum_of(meeting),
        items=list(meeting.items),
        current=current,
        motions=list(current.motions) if current else [],
        consensus=consensus_view(test) if test is not None else None,
        speaker=speaker,
        speaker_seconds=speaking.seconds_used(speaker) if speaker else 0,
        queue=queue,
        time_per_viewpoint=used,
        sections=agenda.sections(meeting),
        version=meeting.version,
        ratification=emergency_decisions(meeting),
        requisition=db.session.scalar(
            select(Requisition).where(Requisition.meeting_id == meeting.id)
        ),
    )


def mine(meeting: Meeting, person: Person | None, state: MeetingState | OwnBasis) -> Mine:
    """The person's own part of the screens."""

    signed_in = person is not None and getattr(person, "is_authenticated", False)
    hands = []
    answer = None
    membership = attending_membership(person, meeting.body)
    if signed_in and state.current is not None:
        assert person is not None
        hands = [r for r in _hands_of(state.current, person) if r.is_waiting or r.is_speaking]
        if state.consensus is not None:
            answer = _answer_of(state.consensus.test, person)
    queue = state.queue
    if queue is None:  # an own basis: the queue only if the person waits in it
        queue = speaking.queue(state.current) if any(h.is_waiting for h in hands) else []
    return Mine(
        person=person if signed_in else None,
        checked_in=signed_in and check_in_of(person, meeting) is not None,
        may_attend=membership is not None,
        may_speak=may_speak(person, meeting.body, membership=membership),
        hands=hands,
        place={p.request.id: p.position for p in queue},
        answer=answer,
    )


@dataclass
class OwnTest:
    test: ConsensusTest


@dataclass
class OwnBasis:
    """What a person's own regions need of the meeting (`mine`, `mine.html`): the current
    item and its latest test, without the rest of `MeetingState`. A phone joining reads
    only this when the shared regions are already rendered for its version."""

    meeting: Meeting
    current: AgendaItem | None
    consensus: OwnTest | None
    queue: list[QueuePlace] | None = None  # read by `mine` if the person waits


def own_basis(meeting: Meeting, known: tuple[int | None, int | None] | None = None) -> OwnBasis:
    """The current item and its latest test; `known`: their ids at the meeting's version
    (`basis_ids` of a state of that version), read by primary key instead of found."""
    if known is not None:
        item_id, test_id = known
        current = db.session.get(AgendaItem, item_id) if item_id is not None else None
        test = db.session.get(ConsensusTest, test_id) if test_id is not None else None
    else:
        current = agenda.current_item(meeting)
        test = consensus.latest_test_of(current) if current is not None else None
    return OwnBasis(meeting, current, OwnTest(test) if test is not None else None)


def basis_ids(state: MeetingState) -> tuple[int | None, int | None]:
    """The ids of the state's current item and its latest test (see `own_basis`)."""
    return (
        state.current.id if state.current is not None else None,
        state.consensus.test.id if state.consensus is not None else None,
    )


def _hands_of(item: AgendaItem, person: Person) -> list[SpeakerRequest]:
    """The person's requests on the item, oldest first."""
    return list(
        db.session.scalars(
            select(SpeakerRequest)
            .where(SpeakerRequest.item_id == item.id, SpeakerRequest.person_id == person.id)
            .order_by(SpeakerRequest.requested_at, SpeakerRequest.id)
        )
    )


def _answer_of(test: ConsensusTest, person: Person) -> ConsensusAnswer | None:
    """The person's answer to the test: from its answers if they are loaded (the shared
    regions read them all), else read on its own."""
    if "answers" in test.__dict__:
        return next((a for a in test.answers if a.person_id == person.id), None)
    return db.session.scalar(
        select(ConsensusAnswer).where(
            ConsensusAnswer.test_id == test.id, ConsensusAnswer.person_id == person.id
        )
    )


def state_json(state: MeetingState, *, named: bool) -> dict[str, Any]:
    """The meeting's state for API clients (the `state` event and GET .../state).

    `named`: whether it goes to someone signed in who may watch the meeting. Otherwise it
    carries no names of who answered a test for agreement, nor its summary, which names
    those who blocked (see `meetings/visibility.py`).
    """
    view = state.consensus
    show_names = named and state.settings.consensus.show_names
    return {
        "meeting": state.meeting.id,
        "version": state.version,
        "status": state.meeting.status.value,
        "present": state.quorum.present,
        "quorum": {
            "needed": state.quorum.needed,
            "reached": state.quorum.reached,
            "in_units": state.quorum.in_units,
            "met": state.quorum.met,
        },
        "item": ({"id": state.current.id, "title": state.current.title} if state.current else None),
        "motions": [
            {"id": m.id, "title": m.title, "stage": m.stage.value, "status": m.status.value}
            for m in state.motions
        ],
        "consensus": (
            {
                "test": view.test.id,
                "motion": view.test.motion_id,
                "amendment": view.test.amendment_id,
                "open": view.test.is_open,
                "deadline": view.test.deadline.isoformat(),
                "remaining_seconds": view.remaining_seconds,
                "counts": view.counts,
                "names": view.names if show_names else None,
                "outcome": view.test.outcome.value,
                "summary": (view.test.summary or view.result.explain()) if named else None,
            }
            if view
            else None
        ),
        "speaker": (
            {"request": state.speaker.id, "name": state.speaker.person.name}
            if state.speaker
            else None
        ),
        "queue": [
            {
                "request": p.request.id,
                "name": p.request.person.name,
                "kind": p.request.kind.value,
                "viewpoint": p.request.viewpoint,
            }
            for p in state.queue
        ],
        "time_per_viewpoint": state.time_per_viewpoint,
        "poll": _open_poll_json(state.meeting.id),
        "requisition": state.requisition.id if state.requisition else None,
    }


def _open_poll_json(meeting_id: int) -> dict[str, Any] | None:
    """The poll open in the meeting, so API clients and phones know what they can vote on."""
    poll = db.session.scalars(
        select(Poll)
        .join(MeetingPoll, MeetingPoll.poll_id == Poll.id)
        .where(MeetingPoll.meeting_id == meeting_id, Poll.status == PollStatus.OPEN)
    ).first()
    if poll is None:
        return None
    return {
        "poll": poll.id,
        "question": poll.question,
        "choices": list(poll.choices),
        "mode": poll.mode.value,
        "motion": poll.floor.motion_id,
        "amendment": poll.floor.amendment_id,
        "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
    }
