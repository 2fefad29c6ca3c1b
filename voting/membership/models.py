"""People, their memberships of organisations, and the roles they hold."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from voting.core.columns import UTCDateTime, str_enum, utcnow
from voting.core.extensions import db

if TYPE_CHECKING:
    from voting.org.models import Body, Organisation, Unit


class MemberStatus(enum.StrEnum):
    FULL = "full"
    CANDIDATE = "candidate"  # attends, never votes (AWL)
    INDIVIDUAL = "individual"  # attends and speaks, no vote (WRI individual members)
    WITHDRAWN = "withdrawn"  # votes only in writing or by proxy (AWL)
    LAPSED = "lapsed"  # dues arrears past the organisation's limit: counts as resigned (WSM)


class RoleKind(enum.StrEnum):
    ADMIN = "admin"  # edits the organisation, its bodies and settings
    SECRETARY = "secretary"  # membership rolls, invitations, attendance, cards, minutes
    CHAIR = "chair"  # runs meetings of a body
    DELEGATE = "delegate"  # represents a unit in a body, for a term
    TELLER = "teller"  # checks people in, counts hands
    OFFICER = "officer"  # national officers: attend without a vote where the body says so


class Person(UserMixin, db.Model):
    """Someone who can sign in. Email is the login; it is stored lower-cased."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(8))
    # Self-declared, optional; used only for election minimums and speaking balance.
    gender: Mapped[str | None] = mapped_column(String(32))
    # Operators run the installation: they create organisations.
    is_operator: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The kinds of notification mail (core.notify) the person turned off. Kinds are
    # registered by the domains that send them, so a list rather than a column each; it
    # holds what is off, so every kind, one added later too, is on until turned off.
    mail_off: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    roles: Mapped[list[Role]] = relationship(back_populates="person", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # flask-login
        return self.is_active_account

    def session_id(self) -> str:  # flask-login's id_attribute: what the session cookie holds
        """The sign-in this person was loaded for or has just started ("person id:secret")."""
        signed_in_as = self.__dict__.get("signed_in_as")
        if signed_in_as is None:
            raise RuntimeError("no sign-in: start one with accounts.start_session(person)")
        return str(signed_in_as)

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    status: Mapped[MemberStatus] = mapped_column(str_enum(MemberStatus), default=MemberStatus.FULL)
    joined_on: Mapped[date | None]
    dues_paid_until: Mapped[date | None]

    person: Mapped[Person] = relationship(back_populates="memberships")
    # `Organisation.memberships` and `Unit.memberships` are made here: the org domain
    # does not know memberships.
    organisation: Mapped[Organisation] = relationship(
        backref=backref("memberships", cascade="all, delete-orphan")
    )
    unit: Mapped[Unit | None] = relationship(backref="memberships")


class Role(db.Model):
    """A role held in an organisation, optionally for one body and/or on behalf of one unit."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[RoleKind] = mapped_column(str_enum(RoleKind))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(200), default="")

    person: Mapped[Person] = relationship(back_populates="roles")
    organisation: Mapped[Organisation] = relationship()
    body: Mapped[Body | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def current_on(self, day: date) -> bool:
        """Whether the role is in force on a day (open-ended terms count as current)."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


# --- Credentials other than passwords: API tokens, invitations, password-reset links.
# Only a SHA-256 of each secret is stored; the secret itself is shown or mailed once.


class SignIn(db.Model):
    """One signed-in browser. Its session cookie (and remember cookie) holds the person's
    id and a secret whose digest is stored here: signing out ends the row, so a copied
    cookie stops working too, and a new password ends every row of the person."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, shown in lists so people can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the token may do (core.api.SCOPES, space-separated) and until when.
    scopes: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def allows(self, scope: str) -> bool:
        return scope in self.scope_set


class Invitation(db.Model):
    """A personal join link for one membership, sent by email and shown as a QR code."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Mailed to the person's address (its secret never shown to whoever sent it), rather
    # than printed or handed out: opening it proves control of the address.
    mailed: Mapped[bool] = mapped_column(default=False, server_default=false())

    membership: Mapped[Membership] = relationship()


class PasswordReset(db.Model):
    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
