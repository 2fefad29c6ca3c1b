"""What the record keeps beside what the other domains already hold.

**Minutes** of a meeting are generated from its items, motions, tests for agreement and
polls; the record keeps only what a secretary adds — a summary, a note per item (an
outline of the discussion) and whether the minutes are *skeleton* minutes (decisions
only, for a meeting security requires) — and their approval: the motion on the agenda of
the body's next meeting that approves them, and the text as approved, frozen with its
hash (the hash is in the audit chain).

The **policy register** lists policy papers a body adopted, with dates. Where the body
says so (WSM: three years, short-term parts two) a paper lapses unless it is ratified;
the motion that puts it to the body again is linked while it waits.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.core.columns import UTCDateTime, str_enum, utcnow
from voting.core.extensions import db

if TYPE_CHECKING:
    from voting.meetings.models import AgendaItem, Meeting, Motion
    from voting.membership.models import Person
    from voting.org.models import Body, Organisation


class MinutesStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class Minutes(db.Model):
    """A meeting's minutes: the secretary's additions and their approval."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[MinutesStatus] = mapped_column(
        str_enum(MinutesStatus), default=MinutesStatus.DRAFT
    )
    skeleton: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The motion at the body's next meeting that approves these minutes.
    approval_motion_id: Mapped[int | None] = mapped_column(
        ForeignKey("motion.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_text: Mapped[str] = mapped_column(Text, default="")
    approved_hash: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    approval_motion: Mapped[Motion | None] = relationship()
    notes: Mapped[list[MinutesNote]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan"
    )


class MinutesNote(db.Model):
    """The secretary's note on one agenda item: an outline of the discussion."""

    __tablename__ = "minutes_note"
    __table_args__ = (UniqueConstraint("minutes_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")

    minutes: Mapped[Minutes] = relationship(back_populates="notes")
    item: Mapped[AgendaItem] = relationship()


class Policy(db.Model):
    """A policy paper in the register: adopted by a body on a day, perhaps ratified since."""

    __tablename__ = "policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    short_term: Mapped[bool] = mapped_column(default=False)
    adopted_on: Mapped[date]
    ratified_on: Mapped[date | None]
    # The motion that adopted it, and the one that puts it to the body again while it waits.
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id", ondelete="SET NULL"))
    renewal_motion_id: Mapped[int | None] = mapped_column(
        ForeignKey("motion.id", ondelete="SET NULL")
    )
    rescinded_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    body: Mapped[Body] = relationship()
    motion: Mapped[Motion | None] = relationship(foreign_keys=[motion_id])
    renewal_motion: Mapped[Motion | None] = relationship(foreign_keys=[renewal_motion_id])
    created_by: Mapped[Person | None] = relationship()


class PolicyRenewal(db.Model):
    """A motion that put a policy paper to its body again: the paper's renewal history, and
    how the record knows that motion for what it is once it is decided."""

    __tablename__ = "policy_renewal"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), index=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"), unique=True)

    policy: Mapped[Policy] = relationship()
    motion: Mapped[Motion] = relationship()
