"""A consultation, its roll (read when it opens), answers, thread and the record of
every change to its times.

One answer per participant is the database's rule (the primary key); a participant is a
member of the body, or one of its units answering through its secretary or delegate.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.core.columns import UTCDateTime, str_enum, utcnow
from voting.core.extensions import db
from voting.rules.consensus import Response

if TYPE_CHECKING:
    from voting.ballots.models import Poll
    from voting.membership.models import Person
    from voting.org.models import Body, Unit


class ConsultationStatus(enum.StrEnum):
    DRAFT = "draft"  # prepared; opens at its opening time (or when the facilitator opens it)
    OPEN = "open"
    CLOSED = "closed"


class Reasons(enum.StrEnum):
    """Whether an answer gives its reason."""

    OFF = "off"
    OPTIONAL = "optional"
    REQUIRED = "required"  # for reservations, stand-asides and blocks


class Participants(enum.StrEnum):
    MEMBERS = "members"  # each member of the body who may vote answers
    UNITS = "units"  # each unit answers once, through its secretary or a delegate


class Outcome(enum.StrEnum):
    OPEN = "open"
    CONSENSUS = "consensus"
    NO_CONSENSUS = "no_consensus"


class Consultation(db.Model):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    proposal: Mapped[str] = mapped_column(Text)
    participants: Mapped[Participants] = mapped_column(
        str_enum(Participants), default=Participants.MEMBERS
    )
    reasons: Mapped[Reasons] = mapped_column(str_enum(Reasons), default=Reasons.OPTIONAL)
    # Counts and answers are shown to members only after the close (never revealed early).
    results_hidden: Mapped[bool] = mapped_column(default=False)
    # Answers shown without names (counts and reasons, not who gave them): an open
    # consultation rather than a named one. The facilitators see no more than anyone.
    anonymous: Mapped[bool] = mapped_column(default=False)
    # The fallback vote, if no consensus: its mode and how many days it stays open.
    vote_mode: Mapped[str] = mapped_column(String(16), default="secret")
    vote_days: Mapped[int] = mapped_column(default=7)
    status: Mapped[ConsultationStatus] = mapped_column(
        str_enum(ConsultationStatus), default=ConsultationStatus.DRAFT
    )
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome), default=Outcome.OPEN)
    statement: Mapped[str] = mapped_column(Text, default="")  # the facilitator's, after close
    statement_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    review_on: Mapped[date | None]
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Mail: when the roll was told it opened; the closing time last reminded of (a later
    # closing time, after an extension, is reminded of again).
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime)

    body: Mapped[Body] = relationship()
    poll: Mapped[Poll | None] = relationship()
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])
    roll: Mapped[list[Participant]] = relationship(
        back_populates="consultation", order_by="Participant.id", cascade="all, delete-orphan"
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="consultation",
        order_by="Answer.participant_id",
        cascade="all, delete-orphan",
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="consultation", order_by="Comment.id", cascade="all, delete-orphan"
    )
    changes: Mapped[list[Change]] = relationship(
        back_populates="consultation", order_by="Change.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status is ConsultationStatus.OPEN


class Participant(db.Model):
    """One place on the roll read when the consultation opened: a person, or a unit."""

    __tablename__ = "consultation_participant"
    __table_args__ = (UniqueConstraint("consultation_id", "person_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))  # as it was when the roll was read

    consultation: Mapped[Consultation] = relationship(back_populates="roll")
    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class Answer(db.Model):
    """A participant's answer; changing it while the consultation is open replaces it."""

    __tablename__ = "consultation_answer"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_participant.id", ondelete="CASCADE"), primary_key=True
    )
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[Response] = mapped_column(str_enum(Response))
    reason: Mapped[str] = mapped_column(String(1000), default="")
    # Who gave it (for a unit: which of its secretaries or delegates).
    by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="answers")
    participant: Mapped[Participant] = relationship()
    by: Mapped[Person | None] = relationship()


class Comment(db.Model):
    """A contribution to the consultation's discussion thread."""

    __tablename__ = "consultation_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="comments")
    author: Mapped[Person | None] = relationship()


class Change(db.Model):
    """An extension of the closing time or a reopening, with its reason."""

    __tablename__ = "consultation_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # "extended" or "reopened"
    reason: Mapped[str] = mapped_column(String(1000))
    old_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="changes")
    by: Mapped[Person | None] = relationship()
