"""The policy register: policy papers a body adopted, with their dates.

A paper is entered from the motion that adopted it (agreed or carried at a meeting of the
body: one step from the minutes) or by hand, with its past date, for papers adopted
before the platform. Where the body's settings say so (WSM's conference: three years,
short-term parts two) it lapses unless ratified: `voting.rules.policies` gives its lapse
date and standing. The secretary puts a paper falling due on the agenda of the body's
next scheduled meeting in one step — an item "Ratify policy: …" with a motion whose text
is the paper's, in the agenda's Motions section where it has one. When that motion is
agreed or carried the paper is ratified that day; lost, undecided, or its meeting closed
without deciding it, the paper lapses as it would and may be put again.

The organisation's members read the register; its secretaries and admins write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from voting.core import audit
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.parse import parse_day, parse_text
from voting.core.permissions import can, signed_in
from voting.meetings.models import AgendaItem, Meeting, MeetingStatus, Motion, MotionStatus
from voting.meetings.services.agenda import sections
from voting.meetings.services.changes import changed
from voting.meetings.services.motions import new_motion
from voting.membership.models import Person
from voting.org.models import Body, Organisation
from voting.org.permissions import Action
from voting.record.models import Minutes, Policy, PolicyRenewal
from voting.rules import policies as rules

MAX_TITLE = 300
MAX_TEXT = 50_000
# The earliest day a paper can be dated (older papers are history, not policy in force).
EARLIEST = date(1900, 1, 1)
AGREED = (MotionStatus.CONSENSUS, MotionStatus.CARRIED)
NOT_AGREED = (MotionStatus.LOST, MotionStatus.NO_DECISION)


# --- Who --------------------------------------------------------------------------------


def may_manage(person: Person | None, organisation_id: int) -> bool:
    """The organisation's secretaries and admins keep the register."""
    return can(person, Action.MANAGE_MEMBERS, organisation_id)


def may_read(person: Person | None, organisation_id: int) -> bool:
    """The organisation's members read the register (and whoever keeps it)."""
    if not signed_in(person):
        return False
    assert person is not None
    return may_manage(person, organisation_id) or any(
        m.organisation_id == organisation_id for m in person.memberships
    )


def require_manager(actor: Person | None, organisation_id: int) -> None:
    if not may_manage(actor, organisation_id):
        raise NotAllowed(_("Only a secretary or an admin keeps the policy register."))


# --- Reading ----------------------------------------------------------------------------


def today() -> date:
    return utcnow().date()


def next_meeting(body: Body) -> Meeting | None:
    """The body's earliest meeting still scheduled (not yet opened), from today on."""
    start = datetime.combine(today(), time.min, tzinfo=UTC)
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.body_id == body.id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.scheduled_for >= start,
        )
        .order_by(Meeting.scheduled_for, Meeting.id)
        .limit(1)
    )


def years_of(policy: Policy) -> int:
    """The years the paper stays in force under its body's settings (0: never lapses)."""
    settings = policy.body.settings
    return rules.years_for(
        short_term=policy.short_term,
        lapse_years=settings.policy_lapse_years,
        short_term_years=settings.policy_short_term_years,
    )


def reading(
    policy: Policy, on: date | None = None, meeting: Meeting | None = None
) -> rules.Reading:
    """Where the paper stands on `on` (today), given the body's next meeting."""
    return rules.standing(
        adopted_on=policy.adopted_on,
        ratified_on=policy.ratified_on,
        rescinded_on=policy.rescinded_on,
        years=years_of(policy),
        today=on or today(),
        next_meeting=meeting.scheduled_for.date() if meeting is not None else None,
    )


@dataclass(frozen=True)
class Entry:
    """A paper in the register with its standing, and the meeting it would go to."""

    policy: Policy
    reading: rules.Reading
    next_meeting: Meeting | None

    @property
    def standing(self) -> rules.Standing:
        return self.reading.standing

    @property
    def on_agenda(self) -> Meeting | None:
        motion = self.policy.renewal_motion
        return motion.item.meeting if motion is not None else None


@dataclass(frozen=True)
class Register:
    """The organisation's papers: falling due first (soonest lapse first), in force,
    lapsed, rescinded."""

    due: list[Entry]
    in_force: list[Entry]
    lapsed: list[Entry]
    rescinded: list[Entry]


def policies_of(organisation_id: int) -> list[Policy]:
    return list(
        db.session.scalars(
            select(Policy)
            .where(Policy.organisation_id == organisation_id)
            .order_by(Policy.adopted_on.desc(), Policy.id.desc())
        )
    )


def entries(policies: list[Policy], on: date | None = None) -> list[Entry]:
    """Each paper read once, with its body's next meeting (looked up once per body)."""
    meetings: dict[int, Meeting | None] = {}
    found = []
    for policy in policies:
        if policy.body_id not in meetings:
            meetings[policy.body_id] = next_meeting(policy.body)
        meeting = meetings[policy.body_id]
        found.append(Entry(policy, reading(policy, on, meeting), meeting))
    return found


def register_of(actor: Person | None, organisation: Organisation) -> Register:
    """The organisation's register, for its members."""
    if not may_read(actor, organisation.id):
        raise NotFound(_("No such organisation."))
    read = entries(policies_of(organisation.id))

    def of(standing: rules.Standing) -> list[Entry]:
        return [e for e in read if e.standing is standing]

    due = sorted(
        of(rules.Standing.FALLS_DUE), key=lambda e: (e.reading.lapses_on or date.max, e.policy.id)
    )
    return Register(
        due, of(rules.Standing.IN_FORCE), of(rules.Standing.LAPSED), of(rules.Standing.RESCINDED)
    )


def get_policy(actor: Person | None, policy_id: int) -> Policy:
    """The paper, for the organisation's members; to anyone else it does not exist."""
    policy = db.session.get(Policy, policy_id)
    if policy is None or not may_read(actor, policy.organisation_id):
        raise NotFound(_("No such policy."))
    return policy


def falling_due(organisation_id: int) -> list[Entry]:
    """The organisation's papers falling due that are not yet on an agenda."""
    return [
        e
        for e in entries(policies_of(organisation_id))
        if e.standing is rules.Standing.FALLS_DUE and e.policy.renewal_motion_id is None
    ]


# --- Entering and editing ---------------------------------------------------------------


def _title(value: object) -> str:
    return parse_text(value, "title", max_length=MAX_TITLE)


def _text(value: object) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > MAX_TEXT:
        raise Invalid(
            _("The text can be at most %(count)d characters.", count=MAX_TEXT), field="text"
        )
    return text


def _day(value: object, field: str, *, required: bool, after: date | None = None) -> date | None:
    day = parse_day(value, field, required=required)
    if day is None:
        return None
    if day > today():
        raise Invalid(_("This day has not come yet."), field=field)
    if day < EARLIEST:
        raise Invalid(_("Give a day from 1900 on."), field=field)
    if after is not None and day < after:
        raise Invalid(_("A paper is ratified on or after the day it was adopted."), field=field)
    return day


def _body(organisation: Organisation, body: Body | int | str | None) -> Body:
    found = next(
        (
            b
            for b in organisation.bodies
            if body is not None and (b is body or str(b.id) == str(body) or b.slug == body)
        ),
        None,
    )
    if found is None:
        raise Invalid(_("Choose one of the organisation's bodies."), field="body")
    return found


def _audit(action: str, actor: Person | None, policy: Policy, **data: object) -> None:
    audit.record(
        action,
        actor=actor,
        organisation_id=policy.organisation_id,
        policy=policy.id,
        body=policy.body.slug,
        **data,
    )


def enter(
    actor: Person | None,
    organisation: Organisation,
    *,
    body: Body | int | str | None,
    title: object,
    text: object = "",
    short_term: bool = False,
    adopted_on: object,
    ratified_on: object = None,
) -> Policy:
    """Enter a paper by hand: one the body adopted before the platform, with its dates."""
    require_manager(actor, organisation.id)
    adopting = _body(organisation, body)
    title, text = _title(title), _text(text)
    adopted = _day(adopted_on, "adopted_on", required=True)
    ratified = _day(ratified_on, "ratified_on", required=False, after=adopted)
    assert adopted is not None
    with transaction():
        policy = Policy(
            organisation_id=organisation.id,
            body=adopting,
            title=title,
            text=text,
            short_term=bool(short_term),
            adopted_on=adopted,
            ratified_on=ratified,
            created_by_id=actor.id if actor else None,
        )
        db.session.add(policy)
        db.session.flush()
        _audit(
            "policy.entered",
            actor,
            policy,
            title=title,
            short_term=policy.short_term,
            adopted_on=adopted.isoformat(),
            ratified_on=ratified.isoformat() if ratified else None,
        )
    return policy


def entry_of(motion: Motion) -> Policy | None:
    """The paper a motion adopted, if it is in the register."""
    return db.session.scalar(select(Policy).where(Policy.motion_id == motion.id).limit(1))


def may_enter_motion(person: Person | None, motion: Motion) -> bool:
    """Whether the "Enter in the policy register" button fits this motion for `person`:
    agreed or carried, not yet in the register, and neither the ratification of an
    emergency decision, a paper's renewal nor the approval of minutes."""
    body = motion.item.meeting.body
    return (
        motion.status in AGREED
        and motion.ratifies_id is None
        and may_manage(person, body.organisation_id)
        and entry_of(motion) is None
        and db.session.scalar(
            select(PolicyRenewal.id).where(PolicyRenewal.motion_id == motion.id).limit(1)
        )
        is None
        and db.session.scalar(
            select(Minutes.id).where(Minutes.approval_motion_id == motion.id).limit(1)
        )
        is None
    )


def enter_from_motion(
    actor: Person | None, motion: Motion, *, short_term: bool = False, title: object = None
) -> Policy:
    """Enter the paper an agreed or carried motion adopted: its body, title, text and the
    day it was decided, in one step."""
    body = motion.item.meeting.body
    require_manager(actor, body.organisation_id)
    if motion.status not in AGREED:
        raise Conflict(_("Only a motion the meeting agreed or carried adopts a policy."))
    if entry_of(motion) is not None:
        raise Conflict(_("This motion is in the policy register already."))
    name = _title(title if title not in (None, "") else motion.title or motion.item.title)
    text = _text(motion.text)
    adopted = (motion.decided_at or utcnow()).date()
    with transaction():
        policy = Policy(
            organisation_id=body.organisation_id,
            body=body,
            title=name,
            text=text,
            short_term=bool(short_term),
            adopted_on=adopted,
            motion_id=motion.id,
            created_by_id=actor.id if actor else None,
        )
        db.session.add(policy)
        db.session.flush()
        _audit(
            "policy.entered",
            actor,
            policy,
            title=name,
            short_term=policy.short_term,
            adopted_on=adopted.isoformat(),
            motion=motion.id,
            meeting=motion.item.meeting_id,
        )
    return policy


_KEEP = object()


def edit(
    actor: Person | None,
    policy: Policy,
    *,
    title: object = _KEEP,
    text: object = _KEEP,
    short_term: object = _KEEP,
    adopted_on: object = _KEEP,
    ratified_on: object = _KEEP,
) -> Policy:
    """Correct a paper's title, text, short-term mark or dates (a ratification entered by
    hand; empty clears it). The text stays as it is while a renewal motion waits: that
    motion carries it."""
    require_manager(actor, policy.organisation_id)
    changes: dict[str, object] = {}
    if title is not _KEEP:
        changes["title"] = _title(title)
    if text is not _KEEP:
        changes["text"] = _text(text)
    if short_term is not _KEEP:
        changes["short_term"] = bool(short_term)
    if adopted_on is not _KEEP:
        changes["adopted_on"] = _day(adopted_on, "adopted_on", required=True)
    adopted = changes.get("adopted_on", policy.adopted_on)
    assert isinstance(adopted, date)
    if ratified_on is not _KEEP:
        changes["ratified_on"] = _day(ratified_on, "ratified_on", required=False, after=adopted)
    elif policy.ratified_on is not None and policy.ratified_on < adopted:
        raise Invalid(
            _("A paper is ratified on or after the day it was adopted."), field="adopted_on"
        )
    changes = {k: v for k, v in changes.items() if getattr(policy, k) != v}
    if "text" in changes and policy.renewal_motion_id is not None:
        raise Conflict(
            _("The paper is on an agenda to be ratified: its text changes there, by amendment.")
        )
    if not changes:
        return policy
    with transaction():
        for key, value in changes.items():
            setattr(policy, key, value)
        _audit(
            "policy.edited",
            actor,
            policy,
            changed=sorted(changes),
            **{
                k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in changes.items()
                if k != "text"
            },
        )
    return policy


def rescind(actor: Person | None, policy: Policy, *, on: object = None) -> Policy:
    """Record that the body rescinded the paper (today, or the day given)."""
    require_manager(actor, policy.organisation_id)
    if policy.rescinded_on is not None:
        raise Conflict(_("This policy is rescinded already."))
    if policy.renewal_motion_id is not None:
        raise Conflict(
            _("The paper is on an agenda to be ratified: that meeting decides on it first.")
        )
    day = _day(on, "rescinded_on", required=False) or today()
    if day < policy.adopted_on:
        raise Invalid(
            _("A paper is rescinded on or after the day it was adopted."), field="rescinded_on"
        )
    with transaction():
        policy.rescinded_on = day
        _audit("policy.rescinded", actor, policy, rescinded_on=day.isoformat())
    return policy


# --- To the body again ------------------------------------------------------------------


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def put_on_agenda(actor: Person | None, policy: Policy) -> Motion:
    """Put the paper on the agenda of its body's next scheduled meeting, with a motion to
    ratify it: its text is the paper's. Refused when it is rescinded, already on an agenda,
    or no meeting of the body is scheduled."""
    require_manager(actor, policy.organisation_id)
    if policy.rescinded_on is not None:
        raise Conflict(_("This policy is rescinded: there is nothing to ratify."))
    if policy.renewal_motion is not None:
        raise Conflict(
            _(
                "This policy is on the agenda of %(meeting)s already.",
                meeting=policy.renewal_motion.item.meeting.title,
            )
        )
    meeting = next_meeting(policy.body)
    if meeting is None:
        raise Conflict(
            _(
                "No meeting of %(body)s is scheduled: schedule the next one, then put the "
                "policy on its agenda.",
                body=policy.body.name,
            )
        )
    lapses_on = reading(policy, meeting=meeting).lapses_on
    with transaction():
        shown = sections(meeting)
        # In the agenda's motions where it has a section for them, else its first section.
        section = next((s for s in shown if s.casefold() == "motions"), shown[0])
        position = max((i.position for i in meeting.items if i.section == section), default=0)
        item = AgendaItem(
            meeting=meeting,
            section=section,
            position=position + 1,
            title=_fit(_("Ratify policy: %(title)s", title=policy.title), MAX_TITLE),
            description=_(
                "Adopted by %(body)s on %(adopted)s; it lapses on %(lapses)s unless ratified.",
                body=policy.body.name,
                adopted=policy.adopted_on.isoformat(),
                lapses=lapses_on.isoformat(),
            )
            if lapses_on
            else _(
                "Adopted by %(body)s on %(adopted)s.",
                body=policy.body.name,
                adopted=policy.adopted_on.isoformat(),
            ),
            submitted_by_id=actor.id if actor else None,
        )
        db.session.add(item)
        db.session.flush()
        motion = new_motion(
            None,
            item,
            title=_fit(_("Ratify policy: %(title)s", title=policy.title), MAX_TITLE),
            text=policy.text or policy.title,
        )
        policy.renewal_motion_id = motion.id
        db.session.add(PolicyRenewal(policy=policy, motion=motion))
        _audit(
            "policy.put_on_agenda",
            actor,
            policy,
            meeting=meeting.id,
            item=item.id,
            motion=motion.id,
            lapses_on=lapses_on.isoformat() if lapses_on else None,
        )
        changed(meeting, "agenda")
    return motion


def on_motion_decided(motion: Motion, **_: object) -> None:
    """A paper's renewal motion was decided: agreed or carried, the paper is ratified that
    day; lost or no decision, it lapses as it would. Either way it waits on no agenda."""
    policy = db.session.scalar(select(Policy).where(Policy.renewal_motion_id == motion.id))
    if policy is None:
        return
    if motion.status in AGREED:
        day = (motion.decided_at or utcnow()).date()
        policy.ratified_on = day
        policy.renewal_motion_id = None
        _audit("policy.ratified", None, policy, by_motion=motion.id, ratified_on=day.isoformat())
    elif motion.status in NOT_AGREED:
        policy.renewal_motion_id = None
        _audit("policy.not_ratified", None, policy, by_motion=motion.id)


def on_meeting_closed(meeting: Meeting, **_: object) -> None:
    """The meeting closed without deciding a paper's renewal: it waits on no agenda, and the
    secretary may put it to the next meeting."""
    waiting = db.session.scalars(
        select(Policy)
        .join(Motion, Motion.id == Policy.renewal_motion_id)
        .join(AgendaItem, AgendaItem.id == Motion.item_id)
        .where(AgendaItem.meeting_id == meeting.id)
    )
    for policy in waiting:
        motion = policy.renewal_motion
        policy.renewal_motion_id = None
        _audit(
            "policy.not_ratified",
            None,
            policy,
            by_motion=motion.id if motion else None,
            meeting_closed=meeting.id,
        )
