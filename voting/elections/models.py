"""Positions, elections, nominations and the offices people hold after them.

A **position** is an office of the organisation (a named officer, or a number of seats on
a committee) with who elects it, who may recall its holders, its term and the group of
seats a minimum counts across (ISN: the three officers and five members "nationally
elected", at least four of them women). An **election** fills a position's seats once:
nominations until a deadline, then a ballot (held at a meeting, or between meetings)
whose poll belongs to the ballots domain; when it closes the election is counted here
and the elected take up **offices** for the term, with the role that goes with them.
One nomination per candidate per election is the database's rule.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.core.columns import UTCDateTime, str_enum, utcnow
from voting.core.extensions import db
from voting.rules.rankings import BallotForm

if TYPE_CHECKING:
    from voting.ballots.models import Poll
    from voting.membership.models import Person, Role
    from voting.org.models import Body, Organisation, Unit


class Position(db.Model):
    """An office, or a number of seats, that a body elects."""

    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int] = mapped_column(default=1)
    # The body whose members elect it, the body its holders sit on (if any), and the
    # body that may recall them (the constitution names it; None: no recall).
    elected_by_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))
    sits_on_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="SET NULL"))
    recalled_by_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="SET NULL"))
    term_months: Mapped[int] = mapped_column(default=12)
    # Seats of positions in the same group count together towards a minimum.
    group: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(16), default="officer")  # the role it gives
    sort: Mapped[int] = mapped_column(default=0)

    organisation: Mapped[Organisation] = relationship()
    elected_by: Mapped[Body] = relationship(foreign_keys=[elected_by_id])
    sits_on: Mapped[Body | None] = relationship(foreign_keys=[sits_on_id])
    recalled_by: Mapped[Body | None] = relationship(foreign_keys=[recalled_by_id])


class ElectionStatus(enum.StrEnum):
    NOMINATING = "nominating"  # nominations and consents until the deadline
    BALLOT = "ballot"  # the ballot is prepared or under way
    DECIDED = "decided"  # counted: the elected hold office
    CANCELLED = "cancelled"


class Election(db.Model):
    """One election to a position: its nominations, its ballot and its result."""

    __tablename__ = "election"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id", ondelete="CASCADE"))
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))  # electing
    seats: Mapped[int] = mapped_column(default=1)
    status: Mapped[ElectionStatus] = mapped_column(
        str_enum(ElectionStatus), default=ElectionStatus.NOMINATING
    )
    nominations_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where the ballot is held: at a meeting ("meeting", its id), or between meetings ("").
    host: Mapped[str] = mapped_column(String(16), default="")
    occasion_id: Mapped[int | None]
    form: Mapped[BallotForm] = mapped_column(str_enum(BallotForm), default=BallotForm.RANKED)
    secret: Mapped[bool] = mapped_column(default=True)
    method: Mapped[str] = mapped_column(String(16), default="")  # as counted (rules.elections)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="SET NULL"))
    # The candidates as the ballot lists them (nomination ids, in ballot order).
    ballot_order: Mapped[list[int]] = mapped_column(JSON, default=list)
    lot_seed: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    position: Mapped[Position] = relationship()
    body: Mapped[Body] = relationship()
    poll: Mapped[Poll | None] = relationship()
    nominations: Mapped[list[Nomination]] = relationship(
        back_populates="election", order_by="Nomination.id", cascade="all, delete-orphan"
    )
    # A by-election: the recall that left the seat vacant.
    recall: Mapped[Recall | None] = relationship(
        primaryjoin="Recall.by_election_id == Election.id", uselist=False, viewonly=True
    )


class Nomination(db.Model):
    """A candidate put forward: by a unit, or by members who support it; the candidate's
    consent (with a statement and the categories they declare) makes it stand."""

    __tablename__ = "nomination"
    __table_args__ = (UniqueConstraint("election_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    statement: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    holds_post: Mapped[bool] = mapped_column(default=False)  # when they consented
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    election: Mapped[Election] = relationship(back_populates="nominations")
    candidate: Mapped[Person] = relationship(foreign_keys=[candidate_id])
    unit: Mapped[Unit | None] = relationship()
    proposer: Mapped[Person | None] = relationship(foreign_keys=[proposer_id])
    supporters: Mapped[list[Supporter]] = relationship(
        back_populates="nomination", order_by="Supporter.at", cascade="all, delete-orphan"
    )


class Supporter(db.Model):
    """A member who nominates a candidate (WRI: any five individual members)."""

    __tablename__ = "nomination_supporter"

    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nomination.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="supporters")
    person: Mapped[Person] = relationship()


class Office(db.Model):
    """A person holding a position for a term, from an election, with the role it gives."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    election_id: Mapped[int | None] = mapped_column(ForeignKey("election.id", ondelete="SET NULL"))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("role.id", ondelete="SET NULL"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    ended_on: Mapped[date | None]  # recalled or resigned: no longer held from this day
    end_reason: Mapped[str] = mapped_column(Text, default="")

    position: Mapped[Position] = relationship()
    person: Mapped[Person] = relationship()
    role: Mapped[Role | None] = relationship()

    def held_on(self, day: date) -> bool:
        if self.ended_on is not None and day >= self.ended_on:
            return False
        return self.starts_on <= day <= self.ends_on


class Recall(db.Model):
    """A motion to recall an office holder, put to the body the constitution names; if
    carried the office ends and a by-election is called."""

    __tablename__ = "recall"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id", ondelete="CASCADE"))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16), default="")  # carried | lost | ""
    by_election_id: Mapped[int | None] = mapped_column(
        ForeignKey("election.id", ondelete="SET NULL")
    )

    office: Mapped[Office] = relationship()
    poll: Mapped[Poll | None] = relationship()


class FactionMember(db.Model):
    """A member who signed a faction's platform (AWL 7: "signed by all members of the
    faction"; its list of members open to any member). A faction is a unit of kind
    "faction"; its members stand and vote in elections as members, and the results say
    how many seats each faction won (factions' right to proportional representation,
    which a single transferable vote gives)."""

    __tablename__ = "faction_member"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    person: Mapped[Person] = relationship()
