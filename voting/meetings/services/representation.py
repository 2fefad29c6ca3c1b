"""Who votes for whom: voting cards handed to a unit's representatives, mandates a unit
gives its delegates on a motion, proxies members give each other, and the report a unit
gets after a meeting of how its delegates voted.

The rules core checks all of this again when a poll opens (a card holder of two units, a
proxy chain, a cap): refusing here gives the secretary or the member the reason at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from voting.ballots.models import Poll, PollMode, PollStatus, Vote
from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.permissions import can, require
from voting.meetings.electorate import active_proxies, meeting_day
from voting.meetings.models import (
    CardAssignment,
    Instruction,
    Mandate,
    Meeting,
    MeetingPoll,
    MeetingStatus,
    Motion,
    Proxy,
)
from voting.meetings.permissions import attending_membership
from voting.meetings.services.changes import changed
from voting.membership.models import Membership, Person, RoleKind
from voting.membership.services.members import find_person
from voting.org.models import Organisation, Unit
from voting.org.permissions import Action

# --- Voting cards ---------------------------------------------------------------------------


def card_holder(actor: Person | None, unit: Unit, email: str) -> Person:
    """The member of `unit`'s organisation with this email, for cards to be handed to.

    The right is checked before the email is looked up, and an email nobody has reads
    like one of someone outside the organisation: no one learns who has an account.
    """
    org = unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
    address = email.strip().lower()
    person = db.session.scalars(
        select(Person)
        .join(Membership)
        .where(Person.email == address, Membership.organisation_id == org.id)
    ).first()
    if person is None:
        raise Invalid(
            _(
                "No member of %(organisation)s has the email %(email)s.",
                organisation=org.name,
                email=address,
            ),
            field="person",
        )
    return person


def cards_of(org: Organisation) -> list[CardAssignment]:
    """Every card assignment of the organisation's units, by unit."""
    return list(
        db.session.scalars(
            select(CardAssignment)
            .join(Unit, CardAssignment.unit_id == Unit.id)
            .where(Unit.organisation_id == org.id)
            .order_by(Unit.name, CardAssignment.id)
        )
    )


def _overlaps(
    a: CardAssignment, meeting_id: int | None, starts: date | None, ends: date | None
) -> bool:
    """Whether an existing assignment can be in force together with the new one."""
    if a.meeting_id is not None and meeting_id is not None:
        return a.meeting_id == meeting_id
    if a.meeting_id is not None or meeting_id is not None:
        day = None
        if a.meeting_id is not None and a.meeting is not None:
            day = meeting_day(a.meeting)
            lo, hi = starts, ends
        else:
            meeting = db.session.get(Meeting, meeting_id)
            day = meeting_day(meeting) if meeting else None
            lo, hi = a.starts_on, a.ends_on
        return day is None or ((lo is None or lo <= day) and (hi is None or day <= hi))
    return (a.starts_on is None or ends is None or a.starts_on <= ends) and (
        starts is None or a.ends_on is None or starts <= a.ends_on
    )


def assign_cards(
    actor: Person | None,
    unit: Unit,
    person: Person,
    *,
    cards: int | None = None,
    meeting: Meeting | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> CardAssignment:
    """The secretary hands `cards` of a unit's voting cards (None: an even share) to one of
    its representatives, for one meeting or a period.

    Refused when the person already holds cards of another unit at the same time: "No
    individual may hold voting cards on behalf of more than one organisation."
    """
    org = unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
    if not any(m.organisation_id == org.id for m in person.memberships):
        raise Invalid(
            _("%(name)s is not a member of the organisation.", name=person.name), field="person"
        )
    if cards is not None and cards < 1:
        raise Invalid(_("Give at least one card, or leave it empty for a share."), field="cards")
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid(_("The period ends before it starts."), field="ends_on")
    if meeting is not None and meeting.body.organisation_id != org.id:
        raise Invalid(_("This meeting belongs to another organisation."), field="meeting")
    meeting_id = meeting.id if meeting else None
    for other in db.session.scalars(
        select(CardAssignment).where(CardAssignment.person_id == person.id)
    ):
        if not _overlaps(other, meeting_id, starts_on, ends_on):
            continue
        if other.unit_id == unit.id:
            raise Conflict(
                _("%(name)s already holds cards of %(unit)s.", name=person.name, unit=unit.name),
                field="person",
            )
        raise Conflict(
            _(
                "No individual may hold voting cards on behalf of more than one organisation: "
                "%(name)s holds cards of %(unit)s.",
                name=person.name,
                unit=other.unit.name,
            ),
            field="person",
        )
    with transaction():
        assignment = CardAssignment(
            unit=unit,
            person=person,
            cards=cards,
            meeting=meeting,
            starts_on=starts_on,
            ends_on=ends_on,
            assigned_by_id=actor.id if actor else None,
        )
        db.session.add(assignment)
        db.session.flush()
        audit.record(
            "cards.assigned",
            actor=actor,
            organisation_id=org.id,
            unit=unit.id,
            person=person.id,
            cards=cards,
            meeting=meeting_id,
        )
    return assignment


def remove_cards(actor: Person | None, assignment: CardAssignment) -> None:
    """The secretary takes back a card assignment."""
    org = assignment.unit.organisation
    require(actor, Action.MANAGE_MEMBERS, org)
    with transaction():
        audit.record(
            "cards.removed",
            actor=actor,
            organisation_id=org.id,
            unit=assignment.unit_id,
            person=assignment.person_id,
        )
        db.session.delete(assignment)


# --- Mandates -------------------------------------------------------------------------------


def may_mandate(actor: Person | None, unit: Unit) -> bool:
    """The organisation's secretaries and admins, or a secretary of the unit itself."""
    if can(actor, Action.MANAGE_MEMBERS, unit.organisation):
        return True
    today = date.today()
    return actor is not None and any(
        r.kind is RoleKind.SECRETARY and r.unit_id == unit.id and r.current_on(today)
        for r in getattr(actor, "roles", [])
    )


def mandates_on(motion: Motion) -> dict[int, Mandate]:
    """The mandates given on a motion, by unit id."""
    return {
        m.unit_id: m
        for m in db.session.scalars(select(Mandate).where(Mandate.motion_id == motion.id))
    }


def record_mandate(
    actor: Person | None, unit: Unit, motion: Motion, instruction: str, note: str = ""
) -> Mandate:
    """Record how a unit mandates its delegates on a motion: for, against, abstain or free.

    Recording again replaces the earlier mandate (until a poll on the motion opens: the
    snapshot keeps the mandate it saw).
    """
    if not may_mandate(actor, unit):
        raise NotAllowed(_("Only the branch's secretary can record its mandate."))
    meeting = motion.item.meeting
    if meeting.body.organisation_id != unit.organisation_id:
        raise Invalid(_("This motion belongs to another organisation."), field="motion")
    if not meeting.body.settings.mandates:
        raise Invalid(_("Units do not mandate their delegates in this body."), field="instruction")
    try:
        value = Instruction(instruction)
    except ValueError:
        raise Invalid(_("Choose for, against, abstain or free."), field="instruction") from None
    with transaction():
        mandate = mandates_on(motion).get(unit.id)
        if mandate is None:
            mandate = Mandate(unit=unit, motion=motion, instruction=value)
            db.session.add(mandate)
        mandate.instruction = value
        mandate.note = note.strip()[:1000]
        mandate.recorded_by_id = actor.id if actor else None
        mandate.at = utcnow()
        db.session.flush()
        audit.record(
            "mandate.recorded",
            actor=actor,
            organisation_id=unit.organisation_id,
            unit=unit.id,
            motion=motion.id,
            instruction=value.value,
        )
    return mandate


# --- Proxies --------------------------------------------------------------------------------


def proxies_given(meeting: Meeting, person: Person) -> list[Proxy]:
    """The person's proxies for the meeting, still standing."""
    return [p for p in active_proxies(meeting) if p.principal_id == person.id]


def proxies_held(meeting: Meeting, person: Person) -> list[Proxy]:
    """The proxies the person holds for the meeting."""
    return [p for p in active_proxies(meeting) if p.holder_id == person.id]


def proxy_holder(actor: Person | None, meeting: Meeting, email: str) -> Person:
    """The person with this email, to hold `actor`'s proxy at the meeting.

    Asked only of a member who may attend; an email nobody has reads like one of someone
    who cannot attend: no one learns who has an account elsewhere.
    """
    if actor is None or attending_membership(actor, meeting.body) is None:
        raise NotAllowed(_("You are not a member who can attend this meeting."))
    address = email.strip().lower()
    person = find_person(address) if address else None
    if person is None or attending_membership(person, meeting.body) is None:
        raise Invalid(
            _("Nobody who can attend this meeting has the email %(email)s.", email=address),
            field="holder",
        )
    return person


def appoint_proxy(
    actor: Person | None,
    meeting: Meeting,
    holder: Person,
    *,
    motion: Motion | None = None,
    instruction: str | None = None,
) -> Proxy:
    """A member gives their vote to another member, for the meeting or one motion in it,
    free or directed (yes/no/abstain). A new proxy for the same scope replaces the old.

    Refused: proxies not allowed, the scope not allowed, a status that may not give a
    proxy, a holder who cannot attend, a chain (the holder gave a proxy, or the giver holds
    one) and the body's cap per holder.
    """
    body = meeting.body
    settings = body.settings.proxies
    membership = attending_membership(actor, body)
    if actor is None or membership is None:
        raise NotAllowed(_("You are not a member who can attend this meeting."))
    if not settings.allowed:
        raise Invalid(_("This body does not allow proxies."), field="holder")
    if meeting.status is MeetingStatus.CLOSED:
        raise Conflict(_("The meeting is closed."))
    scope = "motion" if motion is not None else "meeting"
    if scope not in settings.scopes:
        message = (
            _("Give the proxy for one motion.")
            if scope == "meeting"
            else _("Give the proxy for the whole meeting.")
        )
        raise Invalid(message, field="motion")
    if motion is not None and motion.item.meeting_id != meeting.id:
        raise Invalid(_("This motion belongs to another meeting."), field="motion")
    if (
        membership.status.value not in settings.statuses
        or membership.status.value not in body.settings.vote
    ):
        raise NotAllowed(_("Your membership does not let you give a proxy in this body."))
    if holder.id == actor.id:
        raise Invalid(_("You cannot be your own proxy."), field="holder")
    if attending_membership(holder, body) is None:
        raise Invalid(_("%(name)s cannot attend this meeting.", name=holder.name), field="holder")
    if instruction:
        if not settings.directed:
            raise Invalid(_("This body allows no directed proxies."), field="instruction")
        if instruction not in ("yes", "no", "abstain"):
            raise Invalid(
                _("Choose for, against or abstain, or leave the proxy free."), field="instruction"
            )
    if proxies_given(meeting, holder):
        raise Conflict(
            _(
                "%(name)s has given their own vote by proxy and cannot hold yours (no chains).",
                name=holder.name,
            ),
            field="holder",
        )
    if proxies_held(meeting, actor):
        raise Conflict(
            _("You hold proxies for this meeting: you cannot pass your vote on (no chains)."),
            field="holder",
        )
    same_scope = [
        p for p in proxies_given(meeting, actor) if p.motion_id == (motion.id if motion else None)
    ]
    cap = settings.cap_per_holder
    held = [p for p in proxies_held(meeting, holder) if p not in same_scope]
    if cap and len({p.principal_id for p in held}) >= cap:
        raise Conflict(
            _(
                "%(name)s already holds %(count)d proxies, the most this body allows.",
                name=holder.name,
                count=cap,
            ),
            field="holder",
        )
    with transaction():
        now = utcnow()
        for old in same_scope:
            old.revoked_at = now
        proxy = Proxy(
            meeting=meeting,
            motion=motion,
            principal_id=actor.id,
            holder_id=holder.id,
            instruction=instruction or None,
        )
        db.session.add(proxy)
        db.session.flush()
        audit.record(
            "proxy.appointed",
            actor=actor,
            organisation_id=body.organisation_id,
            meeting=meeting.id,
            motion=motion.id if motion else None,
            holder=holder.id,
            directed=bool(instruction),
        )
        changed(meeting, "poll", users=[holder.id])
    return proxy


def revoke_proxy(actor: Person | None, proxy: Proxy) -> Proxy:
    """The member takes their proxy back (polls already open keep their snapshot)."""
    if actor is None or proxy.principal_id != getattr(actor, "id", None):
        raise NotAllowed(_("Only the member who gave the proxy can take it back."))
    if proxy.revoked_at is not None:
        return proxy
    with transaction():
        proxy.revoked_at = utcnow()
        audit.record(
            "proxy.revoked",
            actor=actor,
            organisation_id=proxy.meeting.body.organisation_id,
            meeting=proxy.meeting_id,
            proxy=proxy.id,
        )
        changed(proxy.meeting, "poll", users=[proxy.holder_id])
    return proxy


def get_proxy(proxy_id: int) -> Proxy:
    """The proxy with this id, or a clear NotFound."""
    proxy = db.session.get(Proxy, proxy_id)
    if proxy is None:
        raise NotFound(_("No such proxy."))
    return proxy


# --- After the meeting: the report to each unit -----------------------------------------------


@dataclass(frozen=True)
class DelegateVote:
    poll: Poll
    delegate: str
    parts: list[tuple[str, int]]
    mandate: str | None
    against: bool


@dataclass(frozen=True)
class UnitReport:
    unit: Unit
    meeting: Meeting
    votes: list[DelegateVote]
    late_items: list[tuple[str, str]]  # (title, why it was taken off the agenda's deadline)


def unit_report(meeting: Meeting, unit: Unit) -> UnitReport:
    """How the unit's delegates voted at the meeting (open and named polls; a secret poll
    has no record of it), against which mandates, and the late items with their reasons."""
    votes = []
    polls = db.session.scalars(
        select(Poll)
        .join(MeetingPoll, MeetingPoll.poll_id == Poll.id)
        .where(
            MeetingPoll.meeting_id == meeting.id,
            Poll.status == PollStatus.CLOSED,
            Poll.mode != PollMode.SECRET,
        )
        .order_by(Poll.id)
    )
    for poll in polls:
        held = {e.voter_key: e for e in poll.entitlements if e.principal_unit_id == unit.id}
        if not held:
            continue
        for vote in db.session.scalars(
            select(Vote)
            .where(Vote.poll_id == poll.id, Vote.voter_key.in_(list(held)))
            .order_by(Vote.id)
        ):
            holding = held[vote.voter_key]
            votes.append(
                DelegateVote(
                    poll,
                    holding.holder.name,
                    vote.parts(holding.weight),
                    holding.mandate,
                    vote.against_instruction,
                )
            )
    late = [(i.title, i.late_reason) for i in meeting.items if i.late]
    return UnitReport(unit, meeting, votes, late)
