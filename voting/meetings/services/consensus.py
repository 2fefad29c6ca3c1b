"""Consensus first: the chair tests for agreement, every participant answers from their
phone, and the outcome is recorded with its reservations and stand-asides, or the item
is handed over to the body's fallback vote.

The decision itself is the rules core's (`voting.rules.consensus`); this module stores
answers, enforces who may answer and when, and records what the core decided.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from voting.ballots.services.entitlements import body_rule
from voting.core import audit, batch, deadlines
from voting.core.columns import utcnow
from voting.core.database import after_commit, transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.i18n import describe
from voting.core.parse import REASON
from voting.core.permissions import role_kinds, roles_on
from voting.meetings.electorate import card_assignments, meeting_day
from voting.meetings.models import (
    AgendaItem,
    Amendment,
    AmendmentStatus,
    Answer,
    CheckIn,
    ConsensusAnswer,
    ConsensusOutcome,
    ConsensusTest,
    ItemStatus,
    Meeting,
    MeetingKind,
    Motion,
    MotionStage,
    MotionStatus,
)
from voting.meetings.permissions import require_chair, require_present
from voting.meetings.services.changes import changed
from voting.meetings.services.motions import adopt_amendment, motion_decided
from voting.membership.models import Membership, MemberStatus, Person, Role, RoleKind
from voting.org.body_rules import consensus_settings
from voting.rules.consensus import (
    ConsensusResult,
    ConsensusSettings,
    NextStep,
    Response,
    consensus_outcome,
    why_not_taking_part,
)
from voting.rules.entitlement import BodyRule, Scheme
from voting.rules.entitlement import Person as RulesPerson
from voting.rules.messages import Message
from voting.rules.types import MemberStatus as RulesStatus
from voting.rules.types import Participants

MAX_MINUTES = 24 * 60


def get_test(test_id: int) -> ConsensusTest:
    """The test for agreement with this id, or a clear NotFound."""
    test = db.session.get(ConsensusTest, test_id)
    if test is None:
        raise NotFound(_("No such test for agreement."))
    return test


def open_test_of(item: AgendaItem) -> ConsensusTest | None:
    """The item's test for agreement still open, if any."""
    return db.session.scalar(
        select(ConsensusTest).where(
            ConsensusTest.item_id == item.id, ConsensusTest.closed_at.is_(None)
        )
    )


def latest_test_of(item: AgendaItem) -> ConsensusTest | None:
    """The item's most recent test for agreement, open or closed."""
    return db.session.scalar(
        select(ConsensusTest)
        .where(ConsensusTest.item_id == item.id)
        .order_by(ConsensusTest.id.desc())
        .limit(1)
    )


def participants(test: ConsensusTest) -> list[tuple[int, str]]:
    """(id, name) of those whose answer counts: checked in, with a status that attends, and
    where the body's tests are for its voters (`consensus.participants`), a vote."""
    meeting = test.item.meeting
    rows = db.session.execute(
        select(Person.id, Person.name, Membership.status)
        .join(CheckIn, CheckIn.person_id == Person.id)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            CheckIn.meeting_id == meeting.id,
            Membership.organisation_id == meeting.body.organisation_id,
            Membership.status.in_(meeting.body.settings.attend),
        )
        .order_by(Person.name, Person.id)
    ).all()
    refusal = _refusal(meeting)
    if refusal is None:
        return [(row.id, row.name) for row in rows]
    kinds: dict[int, set[str]] = {}
    if refusal.reads_roles:
        day = meeting_day(meeting)
        for role in db.session.scalars(
            select(Role)
            .join(CheckIn, CheckIn.person_id == Role.person_id)
            .where(
                CheckIn.meeting_id == meeting.id,
                Role.organisation_id == meeting.body.organisation_id,
                or_(Role.body_id.is_(None), Role.body_id == meeting.body_id),
            )
        ):
            if role.current_on(day):
                kinds.setdefault(role.person_id, set()).add(role.kind.value)
    return [
        (row.id, row.name)
        for row in rows
        if refusal(row.id, row.name, row.status, kinds.get(row.id, ())) is None
    ]


@dataclass(frozen=True)
class _Refusal:
    """Why someone attending does not take part in the meeting's tests for agreement (the
    rules core's `why_not_taking_part`), for a body whose tests are for its voters."""

    settings: ConsensusSettings
    rule: BodyRule
    card_holders: frozenset[int]  # who holds a unit's cards at the meeting

    @property
    def reads_roles(self) -> bool:
        """Whether a role can matter: the body names roles that carry no vote, or its
        delegates hold its votes."""
        return bool(self.rule.non_voting_roles) or self.rule.scheme is Scheme.DELEGATE_ATTENDANCE

    def __call__(
        self, person_id: int, name: str, status: MemberStatus, roles: Iterable[str]
    ) -> Message | None:
        kinds = frozenset(roles)
        represents = person_id in self.card_holders or (
            self.rule.scheme is Scheme.DELEGATE_ATTENDANCE and RoleKind.DELEGATE.value in kinds
        )
        person = RulesPerson(person_id, name, RulesStatus(status.value), kinds)
        return why_not_taking_part(self.settings, self.rule, person, represents=represents)


def _refusal(meeting: Meeting) -> _Refusal | None:
    """How to tell who does not take part in the meeting's tests; None: everyone attending."""
    settings = meeting.body.settings
    rule = consensus_settings(settings)
    if rule.participants is Participants.ATTENDING:
        return None
    votes = body_rule(settings)
    holders = (
        frozenset(a.person_id for a in card_assignments(meeting))
        if votes.scheme is Scheme.UNIT_WEIGHTS
        else frozenset()
    )
    return _Refusal(rule, votes, holders)


def _no_part(
    refusal: _Refusal | None, actor: Person, membership: Membership, meeting: Meeting
) -> None:
    """Refuse an answer from someone the body's tests are not for, saying why."""
    if refusal is None:
        return
    roles = (
        role_kinds(
            roles_on(
                actor, meeting.body.organisation_id, body=meeting.body, day=meeting_day(meeting)
            )
        )
        if refusal.reads_roles
        else ()
    )
    reason = refusal(actor.id, actor.name, membership.status, roles)
    if reason is not None:
        raise NotAllowed(
            _(
                "Only those with a vote answer tests for agreement in this body, and you "
                "have none: %(reason)s.",
                reason=describe(reason),
            )
        )


def result(
    test: ConsensusTest,
    *,
    closed: bool = False,
    counted: list[tuple[int, str]] | None = None,
) -> ConsensusResult:
    """Where the test stands now, as the rules core sees it (participants named by name).
    `counted`: its `participants`, when the caller has read them already."""
    people = list(counted) if counted is not None else participants(test)
    names = dict(people)
    for a in test.answers:
        # An answer from someone no longer counted (a status changed) is not lost: it counts.
        if a.person_id not in names:
            people.append((a.person_id, a.person.name))
            names[a.person_id] = a.person.name
    taken = [name for _id, name in people]
    key = {
        person_id: name if taken.count(name) == 1 else f"{name} ({person_id})"
        for person_id, name in people
    }
    answers = {key[a.person_id]: Response(a.response.value) for a in test.answers}
    settings = consensus_settings(test.item.meeting.body.settings, test.minutes)
    return consensus_outcome(
        tuple(key[person_id] for person_id, _name in people),
        answers,
        settings,
        elapsed=utcnow() - test.opened_at,
        closed=closed or test.closed_at is not None,
    )


def open_test(
    actor: Person | None,
    motion: Motion,
    *,
    minutes: int | None = None,
    amendment: Amendment | None = None,
) -> ConsensusTest:
    """The chair tests for agreement on a motion (or an amendment put to the meeting).

    `minutes` is the time agreed (default: the body's). If the same test is already open
    (a second click, a second chair) it is returned unchanged.
    """
    item = motion.item
    meeting = item.meeting
    require_chair(actor, meeting)
    current = open_test_of(item)
    if current is not None:
        if current.motion_id == motion.id and current.amendment_id == (
            amendment.id if amendment else None
        ):
            return current
        raise Conflict(_("Another test for agreement is open on this item."))
    if item.status is not ItemStatus.OPEN:
        raise Conflict(_("Open discussion on the item first."))
    if motion.status is not MotionStatus.SUBMITTED:
        raise Conflict(_("This motion has been decided."))
    if amendment is not None and amendment.status is not AmendmentStatus.PUT_TO_MEETING:
        raise Conflict(_("Only an amendment put to the meeting is tested for agreement."))
    if motion.stage is MotionStage.METHODS and any(
        m.stage is MotionStage.GOALS and m.status is MotionStatus.SUBMITTED for m in item.motions
    ):
        raise Conflict(_("Decide the goals before the methods."))
    minutes = meeting.body.settings.consensus.minutes if minutes is None else minutes
    if not 1 <= minutes <= MAX_MINUTES:
        raise Invalid(_("The time agreed is a number of minutes, 1 or more."), field="minutes")
    now = utcnow()
    with transaction():
        test = ConsensusTest(
            item=item,
            motion=motion,
            amendment=amendment,
            opened_by_id=actor.id if actor else None,
            opened_at=now,
            minutes=minutes,
            deadline=now + timedelta(minutes=minutes),
        )
        db.session.add(test)
        db.session.flush()
        audit.record(
            "consensus.opened",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            test=test.id,
            motion=motion.id,
            amendment=amendment.id if amendment else None,
            minutes=minutes,
        )
        changed(meeting, "consensus", "item")
        after_commit(deadlines.opened)  # closes at the time agreed, page or no page
    return test


def answer(
    actor: Person | None, test: ConsensusTest, response: str, reason: str = ""
) -> ConsensusAnswer:
    """A participant answers the test: agree, reservations, stand aside or block.

    Answering again replaces the answer (a changed mind, or a phone sending twice).
    Refused once the test is closed or the time agreed has run out.

    Through the group commit the writer runs `answer_together` instead, with the same checks.
    """
    meeting = test.item.meeting
    choice, reason = _checked_answer(actor, test, response, reason, refusal=_refusal(meeting))
    assert actor is not None
    for attempt in range(2):
        existing = db.session.scalar(
            select(ConsensusAnswer).where(
                ConsensusAnswer.test_id == test.id, ConsensusAnswer.person_id == actor.id
            )
        )
        if existing is not None and existing.response is choice and existing.reason == reason:
            return existing
        try:
            with transaction():
                if existing is None:
                    existing = ConsensusAnswer(
                        test_id=test.id, person_id=actor.id, response=choice, reason=reason
                    )
                    db.session.add(existing)
                else:
                    existing.response, existing.reason, existing.at = choice, reason, utcnow()
                changed(meeting, "consensus", users=[actor.id])
            return existing
        except IntegrityError:
            # The same phone's other request won the race: update that answer instead.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _checked_answer(
    actor: Person | None,
    test: ConsensusTest,
    response: str,
    reason: str,
    *,
    checked_in: Collection[int] | None = None,
    refusal: _Refusal | None,
) -> tuple[Answer, str]:
    """Refuse an answer `answer` would refuse, with its reason; or the answer and the reason
    as stored. `checked_in`: the people known to be checked in (read once for a batch);
    `refusal`: who does not take part (`_refusal`, read once for a batch)."""
    meeting = test.item.meeting
    membership = require_present(actor, meeting, checked_in=checked_in)
    assert actor is not None
    _no_part(refusal, actor, membership, meeting)
    try:
        choice = Answer(response)
    except ValueError:
        raise Invalid(_("Choose one of the answers."), field="response") from None
    if test.closed_at is not None:
        raise Conflict(_("This test for agreement is closed."))
    if utcnow() >= test.deadline:
        raise Conflict(_("The time agreed is over: the chair records the outcome."))
    return choice, REASON.check(reason.strip(), "reason")


_ANSWER = inspect.signature(answer)


@batch.batched(answer)
def answer_together(calls: list[batch.Waiting]) -> list[batch.Waiting]:
    """The batch form of `answer` in the group commit: for each test, read the test (with
    its item, meeting and body), the people answering (with memberships and roles), their
    check-ins and their answers already stored once for all its answers; check each as
    `answer` does (same refusals, same messages; a person answering twice in the batch
    meets their first answer as stored, so the last one stands); write the changed answers
    with one upsert, bump the meeting's version and publish once. The unique (test, person)
    constraint stays the last word on which row an answer updates; if the database refuses
    the write, every answer runs through `answer` on its own. Returns the calls left to
    `answer` (anything unusual)."""
    by_test: dict[int, list[tuple[batch.Waiting, inspect.BoundArguments]]] = {}
    left: list[batch.Waiting] = []
    for waiting in calls:
        call = waiting.call
        assert call is not None
        try:
            bound = _ANSWER.bind(*call.args, **call.kwargs)
        except TypeError:
            left.append(waiting)
            continue
        bound.apply_defaults()
        test_id, actor = batch.key_of(bound.arguments["test"]), bound.arguments["actor"]
        usual = (
            isinstance(bound.arguments["response"], str)
            and isinstance(bound.arguments["reason"], str)
            and (actor is None or isinstance(batch.key_of(actor), int))
        )
        if isinstance(test_id, int) and usual:
            by_test.setdefault(test_id, []).append((waiting, bound))
        else:
            left.append(waiting)
    for test_id, group in by_test.items():
        left.extend(_answer_in_test(test_id, group))
    return left


def _answer_in_test(
    test_id: int, group: list[tuple[batch.Waiting, inspect.BoundArguments]]
) -> list[batch.Waiting]:
    test = db.session.get(ConsensusTest, test_id)
    if test is None:
        return [w for w, _b in group]  # each gets `answer`'s own refusal
    meeting = test.item.meeting
    ids = {batch.key_of(b.arguments["actor"]) for _w, b in group} - {None}
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person)
            .where(Person.id.in_(ids))
            .options(selectinload(Person.memberships), selectinload(Person.roles))
        )
    }
    present = set(
        db.session.scalars(
            select(CheckIn.person_id).where(
                CheckIn.meeting_id == meeting.id, CheckIn.person_id.in_(people)
            )
        )
    )
    stored: dict[int, tuple[Answer, str]] = {
        row.person_id: (row.response, row.reason)
        for row in db.session.execute(
            select(
                ConsensusAnswer.person_id, ConsensusAnswer.response, ConsensusAnswer.reason
            ).where(ConsensusAnswer.test_id == test.id, ConsensusAnswer.person_id.in_(people))
        )
    }
    refusal = _refusal(meeting)
    left: list[batch.Waiting] = []
    answered: list[tuple[batch.Waiting, int]] = []
    changed_by: dict[int, tuple[Answer, str]] = {}  # the last answer of each who changed it
    for waiting, bound in group:
        actor_id = batch.key_of(bound.arguments["actor"])
        actor = people.get(actor_id) if actor_id is not None else None
        if actor_id is not None and actor is None:
            left.append(waiting)  # `answer` says it was removed
            continue
        with batch.in_locale(waiting):
            try:
                choice, reason = _checked_answer(
                    actor,
                    test,
                    bound.arguments["response"],
                    bound.arguments["reason"],
                    checked_in=present,
                    refusal=refusal,
                )
            except Exception as error:  # a refusal, or a bug: it fails alone
                waiting.error = error
                continue
        assert actor is not None
        if stored.get(actor.id) != (choice, reason):
            stored[actor.id] = changed_by[actor.id] = (choice, reason)
        answered.append((waiting, actor.id))
    if changed_by:
        _upsert_answers(test.id, changed_by)
        changed(meeting, "consensus", users=list(changed_by))
    if answered:
        rows = {
            a.person_id: a
            for a in db.session.scalars(
                select(ConsensusAnswer)
                .where(
                    ConsensusAnswer.test_id == test.id,
                    ConsensusAnswer.person_id.in_({p for _w, p in answered}),
                )
                .execution_options(populate_existing=True)
            )
        }
        for waiting, person_id in answered:
            waiting.result = rows[person_id]
    return left


def _upsert_answers(test_id: int, answers: dict[int, tuple[Answer, str]]) -> None:
    """Store these people's answers in one statement: a new row, or their row updated."""
    table = ConsensusAnswer.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.test_id, table.c.person_id],
        set_={
            "response": statement.excluded.response,
            "reason": statement.excluded.reason,
            "at": statement.excluded.at,
        },
    )
    now = utcnow()
    db.session.execute(
        statement,
        [
            {"test_id": test_id, "person_id": p, "response": c, "reason": r, "at": now}
            for p, (c, r) in answers.items()
        ],
    )


def close_test(actor: Person | None, test: ConsensusTest) -> ConsensusTest:
    """The chair records the outcome: consensus (with reservations and stand-asides), or
    no consensus, which hands the motion over to the body's fallback vote. Idempotent.
    """
    require_chair(actor, test.item.meeting)
    if test.closed_at is not None:
        return test
    _close(test, actor)
    return test


def close_if_due(test: ConsensusTest) -> ConsensusTest:
    """Record the outcome once the time agreed has run out, even if no chair is there to do
    it; whoever sees the deadline first closes the test, once."""
    if test.closed_at is None and utcnow() >= test.deadline:
        _close(test, None)
    return test


def _close(test: ConsensusTest, actor: Person | None) -> None:
    meeting = test.item.meeting
    with transaction():
        # Another writer may have closed it: read it again under the row lock
        # (SQLite's write lock is already held; PostgreSQL needs FOR UPDATE).
        db.session.refresh(test, with_for_update=True)
        if test.closed_at is not None:
            return
        outcome = result(test, closed=True)
        test.closed_at = utcnow()
        test.summary = outcome.explain()
        motion = test.motion
        if outcome.next_step is NextStep.RECORD:
            test.outcome = ConsensusOutcome.CONSENSUS
            _agreed(test, actor)
        elif outcome.next_step is NextStep.VOTE:
            test.outcome = ConsensusOutcome.NO_CONSENSUS
            _undecided(test, AmendmentStatus.TO_VOTE, MotionStatus.TO_VOTE)
        else:
            test.outcome = ConsensusOutcome.NO_DECISION
            _undecided(test, AmendmentStatus.REJECTED, MotionStatus.NO_DECISION)
        audit.record(
            "consensus.closed",
            actor=actor,
            organisation_id=meeting.body.organisation_id,
            meeting=meeting.id,
            test=test.id,
            motion=motion.id,
            outcome=test.outcome.value,
            reservations=list(outcome.reservations),
            stand_asides=list(outcome.stand_asides),
            blocks=list(outcome.blocks),
            summary=test.summary,
            by_deadline=actor is None,
        )
        changed(meeting, "consensus", "item", "agenda", "status")


def _agreed(test: ConsensusTest, actor: Person | None) -> None:
    if test.amendment is not None:
        adopt_amendment(test.amendment, actor)
        return
    motion, meeting = test.motion, test.item.meeting
    motion.status = MotionStatus.CONSENSUS
    motion.decided_at = utcnow()
    motion_decided(motion)
    if test.item.is_justification:
        meeting.justified = True
    elif meeting.kind is MeetingKind.EMERGENCY:
        motion.needs_ratification = True


def _undecided(
    test: ConsensusTest, amendment_status: AmendmentStatus, motion_status: MotionStatus
) -> None:
    if test.amendment is not None:
        test.amendment.status = amendment_status
        test.amendment.decided_at = utcnow()
    else:
        test.motion.status = motion_status
        test.motion.decided_at = utcnow()
        motion_decided(test.motion)


# --- Deadlines ---------------------------------------------------------------------------


def nearest_deadline() -> datetime | None:
    """The nearest time agreed of an open test for agreement."""
    return db.session.scalar(
        select(func.min(ConsensusTest.deadline)).where(ConsensusTest.closed_at.is_(None))
    )


def due(now: datetime) -> list[tuple[Callable[[ConsensusTest], ConsensusTest], ConsensusTest]]:
    """The open tests whose time is up, each with the function that closes it."""
    return [
        (close_if_due, test)
        for test in db.session.scalars(
            select(ConsensusTest).where(
                ConsensusTest.closed_at.is_(None), ConsensusTest.deadline <= now
            )
        )
    ]
