"""Bodies of an organisation (conference, council, ...) and their rules as data."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.extensions import db
from voting.models.base import str_enum

if TYPE_CHECKING:
    from voting.constitutions.schema import BodySettings
    from voting.models.org import Organisation


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
