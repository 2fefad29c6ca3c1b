"""Organisations, their bodies (conference, council, ...) with their rules as data, their
member units, and units' recorded meeting attendance."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.core.columns import UTCDateTime, str_enum, utcnow
from voting.core.extensions import db

if TYPE_CHECKING:
    from voting.constitutions.schema import BodySettings


class UnitKind(enum.StrEnum):
    SECTION = "section"
    ASSOCIATE = "associate"
    BRANCH = "branch"
    CAUCUS = "caucus"
    FRACTION = "fraction"
    FACTION = "faction"


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The preset it started from; informative only, every setting lives in its bodies.
    preset: Mapped[str | None] = mapped_column(String(32))
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    # Organisation-wide settings from the preset (e.g. lapse after months of arrears).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    units: Mapped[list[Unit]] = relationship(
        back_populates="organisation", order_by="Unit.name", cascade="all, delete-orphan"
    )
    bodies: Mapped[list[Body]] = relationship(
        back_populates="organisation", order_by="Body.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Unit(db.Model):
    """A member unit: a section, associate organisation, branch, caucus, fraction or faction."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind))
    name: Mapped[str] = mapped_column(String(200))
    # Declared membership; for WRI sections it sets the number of voting cards.
    size: Mapped[int] = mapped_column(default=0)
    # How the unit's votes divide between its delegates (rules core: DelegateSplit).
    delegate_split: Mapped[str] = mapped_column(String(32), default="even_first_remainder")

    organisation: Mapped[Organisation] = relationship(back_populates="units")
    attendance: Mapped[list[AttendanceRecord]] = relationship(
        back_populates="unit",
        order_by="AttendanceRecord.held_on.desc()",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Unit {self.kind} {self.name}>"


class AttendanceRecord(db.Model):
    """How many people were at one meeting of a unit: what WSM delegates carry as votes."""

    __tablename__ = "attendance_record"
    __table_args__ = (UniqueConstraint("unit_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    held_on: Mapped[date]
    present: Mapped[int]
    note: Mapped[str] = mapped_column(String(500), default="")

    unit: Mapped[Unit] = relationship(back_populates="attendance")


class BodyKind(enum.StrEnum):
    CONFERENCE = "conference"
    COUNCIL = "council"
    DELEGATE_COUNCIL = "delegate_council"
    EXECUTIVE = "executive"
    EMERGENCY_COUNCIL = "emergency_council"
    COMMITTEE = "committee"
    GENERAL_MEETING = "general_meeting"
    BRANCH_MEETING = "branch_meeting"


class Body(db.Model):
    """A deciding body. Who attends, speaks and votes, and how it decides, is `settings`."""

    __tablename__ = "body"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[BodyKind] = mapped_column(str_enum(BodyKind))
    description: Mapped[str] = mapped_column(String(2000), default="")
    position: Mapped[int] = mapped_column(default=0)
    # The body's rules, validated by voting.constitutions.schema.BodySettings.
    settings_data: Mapped[dict[str, Any]] = mapped_column("settings", JSON, default=dict)

    organisation: Mapped[Organisation] = relationship(back_populates="bodies")

    @property
    def settings(self) -> BodySettings:
        """The rules, read once per loaded value (treat them as read-only: assign new ones)."""
        from voting.constitutions.schema import BodySettings

        data = self.settings_data
        cached = self.__dict__.get("_settings_read")
        if cached is None or cached[0] is not data:
            cached = (data, BodySettings.from_dict(data))
            self.__dict__["_settings_read"] = cached
        return cached[1]

    @settings.setter
    def settings(self, value: BodySettings) -> None:
        self.settings_data = value.to_dict()
