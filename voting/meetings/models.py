"""Meetings of a body: check-in, the agenda, motions and amendments, consensus tests, speakers.

One answer per person per consensus test and one raised hand per person, kind and item
are unique constraints, so a phone that sends twice cannot count twice.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from voting.core.columns import UTCDateTime, str_enum, utcnow
from voting.core.extensions import db
from voting.rules.requisitions import Signatories

if TYPE_CHECKING:
    from voting.ballots.models import Poll
    from voting.membership.models import Person
    from voting.org.models import Body, Unit


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class MeetingKind(enum.StrEnum):
    REGULAR = "regular"
    EXTRAORDINARY = "extraordinary"
    EMERGENCY = "emergency"


class CalledBy(enum.StrEnum):
    """Who called a meeting: the body's own schedule, officers, a petition, a unit's motion."""

    SCHEDULE = "schedule"
    OFFICERS = "officers"
    PETITION = "petition"
    UNIT_MOTION = "unit_motion"
    DELEGATES = "delegates"


class CheckInVia(enum.StrEnum):
    LINK = "link"
    QR = "qr"
    TELLER = "teller"


class ItemStatus(enum.StrEnum):
    PENDING = "pending"
    OPEN = "open"  # under discussion: the meeting's current item
    CLOSED = "closed"


class MotionStage(enum.StrEnum):
    """A motion in one piece, or the goals and then the methods of a two-stage item."""

    WHOLE = "whole"
    GOALS = "goals"
    METHODS = "methods"


class MotionStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    CONSENSUS = "consensus"  # agreed, with its reservations and stand-asides
    TO_VOTE = "to_vote"  # no consensus in the time agreed: handed over to the vote
    NO_DECISION = "no_decision"
    WITHDRAWN = "withdrawn"
    CARRIED = "carried"  # by a vote of the meeting
    LOST = "lost"


class AmendmentStatus(enum.StrEnum):
    PROPOSED = "proposed"
    FRIENDLY = "friendly"  # accepted by the proposer: part of the motion without a decision
    PUT_TO_MEETING = "put_to_meeting"
    ACCEPTED = "accepted"  # by the meeting
    REJECTED = "rejected"
    TO_VOTE = "to_vote"
    WITHDRAWN = "withdrawn"


class ConsensusOutcome(enum.StrEnum):
    OPEN = "open"
    CONSENSUS = "consensus"
    NO_CONSENSUS = "no_consensus"  # falls back to the body's vote
    NO_DECISION = "no_decision"  # no consensus and the body has no vote to fall back on


class Answer(enum.StrEnum):
    """The rules core's responses to a test for agreement, as stored."""

    AGREE = "agree"
    RESERVATIONS = "reservations"
    STAND_ASIDE = "stand_aside"
    BLOCK = "block"


class SpeakerKind(enum.StrEnum):
    CONTRIBUTION = "contribution"
    POINT_OF_ORDER = "point_of_order"
    DIRECT_RESPONSE = "direct_response"
    QUESTION = "question"


def new_display_token() -> str:
    """A fresh secret for a projector's display link."""
    return secrets.token_urlsafe(24)


class Meeting(db.Model):
    """A sitting of a body. `version` grows with every write: screens can tell what they missed."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MeetingKind] = mapped_column(str_enum(MeetingKind), default=MeetingKind.REGULAR)
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    notice_given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    short_notice: Mapped[bool] = mapped_column(default=False)
    called_by: Mapped[CalledBy] = mapped_column(str_enum(CalledBy), default=CalledBy.SCHEDULE)
    grounds: Mapped[str] = mapped_column(Text, default="")
    # Emergency bodies first decide that the request is justified (None: not yet decided).
    justified: Mapped[bool | None]
    # Printed as a QR code at the door and sent in check-in links.
    join_code: Mapped[str] = mapped_column(String(32))
    # The projector's own link (/meetings/<id>/projector/<token>): it shows the projector
    # without signing in, whatever the body's screens setting. Kept in clear, like the
    # check-in code, because the chair console shows it again; a new one ends the old.
    display_token: Mapped[str] = mapped_column(String(64), default=new_display_token)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    body: Mapped[Body] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    check_ins: Mapped[list[CheckIn]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    @property
    def needs_justification(self) -> bool:
        return self.kind is MeetingKind.EMERGENCY and self.justified is not True


class CheckIn(db.Model):
    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    via: Mapped[CheckInVia] = mapped_column(str_enum(CheckInVia))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="check_ins")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)
    late_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus), default=ItemStatus.PENDING)
    suspended: Mapped[bool] = mapped_column(default=False)
    speakers_closed: Mapped[bool] = mapped_column(default=False)
    # The item that asks an emergency body whether its meeting is justified.
    is_justification: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    submitted_by: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    motions: Mapped[list[Motion]] = relationship(
        back_populates="item",
        order_by="Motion.id",
        cascade="all, delete-orphan",
        foreign_keys="Motion.item_id",
    )


class Motion(db.Model):
    __tablename__ = "motion"
    __table_args__ = (UniqueConstraint("item_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    stage: Mapped[MotionStage] = mapped_column(str_enum(MotionStage), default=MotionStage.WHOLE)
    title: Mapped[str] = mapped_column(String(300))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    status: Mapped[MotionStatus] = mapped_column(
        str_enum(MotionStatus), default=MotionStatus.SUBMITTED
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Decisions of an emergency meeting go to the next regular meeting for ratification.
    needs_ratification: Mapped[bool] = mapped_column(default=False)
    ratification_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    # Ratified (True) or rejected (False) by the body that ratifies; None: not yet.
    ratified: Mapped[bool | None]
    # A ratification motion: the emergency decision it ratifies.
    ratifies_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id", ondelete="SET NULL"))

    item: Mapped[AgendaItem] = relationship(back_populates="motions", foreign_keys=[item_id])
    ratifies: Mapped[Motion | None] = relationship(remote_side=[id], foreign_keys=[ratifies_id])
    ratification_item: Mapped[AgendaItem | None] = relationship(foreign_keys=[ratification_item_id])
    proposer: Mapped[Person | None] = relationship(foreign_keys=[proposer_id])
    unit: Mapped[Unit | None] = relationship()
    versions: Mapped[list[MotionVersion]] = relationship(
        back_populates="motion",
        order_by="MotionVersion.number",
        cascade="all, delete-orphan",
        foreign_keys="MotionVersion.motion_id",
    )
    amendments: Mapped[list[Amendment]] = relationship(
        back_populates="motion",
        order_by="Amendment.id",
        cascade="all, delete-orphan",
        foreign_keys="Amendment.motion_id",
    )
    # The meeting's decisions to put it (or one of its amendments) straight to a vote.
    straight_to_vote: Mapped[list[StraightToVote]] = relationship(
        back_populates="motion", order_by="StraightToVote.id", cascade="all, delete-orphan"
    )

    @property
    def text(self) -> str:
        return self.versions[-1].text if self.versions else ""


class MotionVersion(db.Model):
    """The full text of a motion after each change, kept for the minutes."""

    __tablename__ = "motion_version"
    __table_args__ = (UniqueConstraint("motion_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    motion: Mapped[Motion] = relationship(back_populates="versions", foreign_keys=[motion_id])


class Amendment(db.Model):
    """A change to one paragraph of a motion (numbered from 1) or, with none, to the whole."""

    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    paragraph: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AmendmentStatus] = mapped_column(
        str_enum(AmendmentStatus), default=AmendmentStatus.PROPOSED
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    motion: Mapped[Motion] = relationship(back_populates="amendments", foreign_keys=[motion_id])
    proposer: Mapped[Person | None] = relationship(foreign_keys=[proposer_id])


class ConsensusTest(db.Model):
    """The chair's test for agreement on a motion (or one of its amendments)."""

    __tablename__ = "consensus_test"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id", ondelete="CASCADE"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    minutes: Mapped[int]
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[ConsensusOutcome] = mapped_column(
        str_enum(ConsensusOutcome), default=ConsensusOutcome.OPEN
    )
    # The rules core's explanation, recorded when the test closes.
    summary: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[AgendaItem] = relationship()
    motion: Mapped[Motion] = relationship()
    amendment: Mapped[Amendment | None] = relationship()
    answers: Mapped[list[ConsensusAnswer]] = relationship(
        back_populates="test", order_by="ConsensusAnswer.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ConsensusAnswer(db.Model):
    __tablename__ = "consensus_answer"
    __table_args__ = (UniqueConstraint("test_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("consensus_test.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    response: Mapped[Answer] = mapped_column(str_enum(Answer))
    reason: Mapped[str] = mapped_column(String(1000), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    test: Mapped[ConsensusTest] = relationship(back_populates="answers")
    person: Mapped[Person] = relationship()


class StraightToVote(db.Model):
    """The meeting decided to put a motion (or an amendment put to it) to a vote without
    testing for agreement first, and why: where the body tries consensus first, the fact
    that lets the vote open, in the item's record."""

    __tablename__ = "straight_to_vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"), index=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship()
    motion: Mapped[Motion] = relationship(back_populates="straight_to_vote")
    amendment: Mapped[Amendment | None] = relationship()
    decided_by: Mapped[Person | None] = relationship()


class SpeakerRequest(db.Model):
    """A raised hand on an item. `waiting_key` is set while the hand is up, so it is unique."""

    __tablename__ = "speaker_request"
    __table_args__ = (UniqueConstraint("item_id", "waiting_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[SpeakerKind] = mapped_column(str_enum(SpeakerKind))
    viewpoint: Mapped[str | None] = mapped_column(String(64))
    # "<person>:<kind>" while waiting or speaking; NULL once done (NULLs never clash).
    waiting_key: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Places set by the chair's reordering come before the policy's order.
    chair_position: Mapped[int | None]
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seconds_used: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    removed: Mapped[bool] = mapped_column(default=False)

    item: Mapped[AgendaItem] = relationship()
    person: Mapped[Person] = relationship()

    @property
    def is_waiting(self) -> bool:
        return self.waiting_key is not None and self.called_at is None

    @property
    def is_speaking(self) -> bool:
        return self.called_at is not None and self.finished_at is None


# --- Who votes for whom at a meeting: voting cards, mandates, proxies --------------------


class Instruction(enum.StrEnum):
    """What a branch mandates its delegates to do on a motion (or a directed proxy)."""

    YES = "yes"  # for
    NO = "no"  # against
    ABSTAIN = "abstain"
    FREE = "free"  # no mandate: the delegate decides


class CardAssignment(db.Model):
    """A unit's voting cards handed to one of its representatives, for a meeting or a period.

    `cards` None: a share of what the unit's other named holders leave.
    """

    __tablename__ = "card_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    cards: Mapped[int | None]
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    meeting: Mapped[Meeting | None] = relationship()

    def applies_to(self, meeting_id: int, day: date) -> bool:
        """Whether the assignment holds at this meeting (on this day)."""
        if self.meeting_id is not None:
            return self.meeting_id == meeting_id
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


class Mandate(db.Model):
    """A unit's instruction to its delegates on one motion, recorded by the unit."""

    __tablename__ = "mandate"
    __table_args__ = (UniqueConstraint("unit_id", "motion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    instruction: Mapped[Instruction] = mapped_column(str_enum(Instruction))
    note: Mapped[str] = mapped_column(String(1000), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    motion: Mapped[Motion] = relationship()


class Proxy(db.Model):
    """A member's vote given to another member for a meeting, or for one motion in it.

    `instruction` makes it directed (yes/no/abstain); None is a free proxy.
    """

    __tablename__ = "proxy"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    principal_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    instruction: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a poll opens with the principal present: they vote in person.
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    motion: Mapped[Motion | None] = relationship()
    principal: Mapped[Person] = relationship(foreign_keys=[principal_id])
    holder: Mapped[Person] = relationship(foreign_keys=[holder_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None


# --- Polls held at a meeting ----------------------------------------------------------------


class PollKind(enum.StrEnum):
    """What a poll at a meeting decides."""

    MOTION = "motion"
    AMENDMENT = "amendment"
    PROCEDURAL = "procedural"
    JUSTIFICATION = "justification"  # an emergency body: is the meeting justified?
    ELECTION = "election"  # a ballot of an election held at the meeting (elections domain)


class MeetingPoll(db.Model):
    """A poll put to a meeting: on one of its items' motions, an amendment, a procedural
    question or an emergency meeting's justification. The link belongs to the meeting; the
    poll (ballots) knows only that its subject is a meeting. `poll.floor` reaches it."""

    __tablename__ = "meeting_poll"
    __table_args__ = (Index("ix_meeting_poll_meeting", "meeting_id"),)

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("poll.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id", ondelete="SET NULL"))
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id", ondelete="SET NULL")
    )
    kind: Mapped[PollKind] = mapped_column(str_enum(PollKind), default=PollKind.MOTION)

    poll: Mapped[Poll] = relationship(
        backref=backref("floor", uselist=False, cascade="all, delete-orphan")
    )
    meeting: Mapped[Meeting] = relationship()
    item: Mapped[AgendaItem | None] = relationship()
    motion: Mapped[Motion | None] = relationship()
    amendment: Mapped[Amendment | None] = relationship()


# --- Requisitions: a meeting demanded by members, units, delegates or officers -----------


class RequisitionStatus(enum.StrEnum):
    OPEN = "open"  # gathering signatures
    REACHED = "reached"  # enough have signed: the secretaries must convene the meeting
    CONVENED = "convened"  # the meeting it called is scheduled
    CLOSED = "closed"  # withdrawn by whoever started it, or closed by a secretary


class Requisition(db.Model):
    """A demand that a body meet, with its grounds, signed under one of the body's
    requisition rules. What the rule needs is copied when it starts, with the number of
    those who could sign then (`eligible`): a change of the roll or of the rules later
    does not move the threshold."""

    __tablename__ = "requisition"
    __table_args__ = (Index("ix_requisition_body", "body_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MeetingKind] = mapped_column(str_enum(MeetingKind))
    grounds: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(64))
    rule_label: Mapped[str] = mapped_column(String(200), default="")
    signatories: Mapped[Signatories] = mapped_column(str_enum(Signatories))
    share: Mapped[str] = mapped_column(String(32), default="0")  # as in the rule: "1/10"
    minimum: Mapped[int] = mapped_column(default=0)  # the rule's number of signatures
    # Whose membership lets them sign, and which units sign (empty: all), as in the rule.
    statuses: Mapped[list[str]] = mapped_column(JSON, default=list)
    unit_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    eligible: Mapped[int]
    needed: Mapped[int]
    notice_days: Mapped[int] = mapped_column(default=0)
    within_days: Mapped[int] = mapped_column(default=0)
    status: Mapped[RequisitionStatus] = mapped_column(
        str_enum(RequisitionStatus), default=RequisitionStatus.OPEN
    )
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The meeting is to be held by then (None: the rule sets no deadline).
    convene_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), unique=True
    )

    body: Mapped[Body] = relationship()
    started_by: Mapped[Person | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship(
        backref=backref("requisition", uselist=False, passive_deletes=True)
    )
    signatures: Mapped[list[RequisitionSignature]] = relationship(
        back_populates="requisition",
        order_by="RequisitionSignature.id",
        cascade="all, delete-orphan",
    )


class RequisitionSignature(db.Model):
    """One signature: a person's own, or a unit's given by its secretary or delegate.

    `signer_key` ("person:<id>" or "unit:<id>") is set while the signature stands, so
    one signer signs once (NULLs never clash); a withdrawn signature keeps its row.
    """

    __tablename__ = "requisition_signature"
    __table_args__ = (UniqueConstraint("requisition_id", "signer_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("requisition.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    signer_key: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requisition: Mapped[Requisition] = relationship(back_populates="signatures")
    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def standing(self) -> bool:
        return self.signer_key is not None
