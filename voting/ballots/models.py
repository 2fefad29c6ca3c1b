"""Polls over any subject: the poll, the entitlements snapshotted when it opens,
participation, open and named votes, secret ballots and their trackers.

A poll names its body (whose rules decide it) and the kind of its subject; the subject's
domain links its own records to the poll (a meeting's motion refers to its poll), so
nothing here refers upward.

One vote per voter per poll is the primary key of `participation` (poll, voter key), so
the database refuses a second vote whatever the code does.

Secret ballots keep nothing that links them to a voter. While the poll is open each vote
is a `sealed_ballot` envelope that only the poll's private key opens, and that key is
in no file (see `sealing`). At the count the envelopes are opened in random order and
written, all in one transaction, as `secret_ballot` rows: a random primary key, no
timestamp, no reference to `participation`, one row per unit of weight (an unusual
weight identifies nobody); then the envelopes are erased. On SQLite these tables are
`WITHOUT ROWID`: rows are stored in the order of their random keys, never in arrival
order. The trackers are rewritten shuffled with fresh keys at the count too.

Votes cast before a meeting have their own tables: ballot papers (a code's digest, the
choice in an open poll), tellers' entries of them and written votes. In a secret poll
their choices go into `sealed_ballot` at once, like the floor's, and these tables hold
none of them.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.core.columns import UTCDateTime, str_enum, utcnow
from voting.core.extensions import db
from voting.rules.rankings import BallotForm

if TYPE_CHECKING:
    from voting.membership.models import Person
    from voting.org.models import Body, Unit

YES_NO_ABSTAIN = ["yes", "no", "abstain"]


def random_key() -> str:
    """A random primary key: 128 bits as hex, never a sequence."""
    return secrets.token_hex(16)


class PollMode(enum.StrEnum):
    OPEN = "open"  # counts only
    NAMED = "named"  # roll call: who voted how is published
    SECRET = "secret"


class PollStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    # A secret poll closed to votes whose key is no longer in memory (the server restarted):
    # it is counted when enough tellers give their keys.
    COUNTING = "counting"
    CLOSED = "closed"
    ANNULLED = "annulled"


class Poll(db.Model):
    """A question put to the vote of a body's members, on a subject of some domain."""

    __tablename__ = "poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"))
    # The kind of subject: its domain's registered electorate says who votes ("body": the
    # body's members directly; "meeting": those checked in at a meeting).
    subject: Mapped[str] = mapped_column(String(32), default="body")
    question: Mapped[str] = mapped_column(Text)
    # ["yes", "no", "abstain"], or the options of a multiple-choice question.
    choices: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(YES_NO_ABSTAIN))
    mode: Mapped[PollMode] = mapped_column(str_enum(PollMode), default=PollMode.OPEN)
    # What a ballot asks: one of the choices, or (an election) the choices are candidates,
    # ranked or approved (`rules.rankings`), for `seats` seats.
    form: Mapped[BallotForm] = mapped_column(str_enum(BallotForm), default=BallotForm.CHOICE)
    seats: Mapped[int] = mapped_column(default=1)
    # A special decision of the body (e.g. constitution_amendment): its threshold and units.
    special: Mapped[str] = mapped_column(String(64), default="")
    free_vote: Mapped[bool] = mapped_column(default=False)  # no mandates apply
    status: Mapped[PollStatus] = mapped_column(str_enum(PollStatus), default=PollStatus.DRAFT)
    minutes: Mapped[int | None]  # auto-close after this many minutes, if set
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    annulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    annul_reason: Mapped[str] = mapped_column(Text, default="")
    rerun_of_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="SET NULL"))
    # The snapshot's totals and refusals (rules-core messages as data), set at opening.
    unheld: Mapped[int] = mapped_column(default=0)
    members: Mapped[int] = mapped_column(default=0)
    units_total: Mapped[int] = mapped_column(default=0)
    refusals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    privacy_warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A secret poll's public key (hex) its ballots are sealed under, and how many teller
    # keys rebuild the private key, of how many (see `sealing`).
    seal_key: Mapped[str | None] = mapped_column(String(64))
    tellers: Mapped[int] = mapped_column(default=0)
    tellers_needed: Mapped[int] = mapped_column(default=0)
    # Votes cast before the meeting (`services.precast`): ballot papers are returned and
    # written votes cast until `precast_until`. When the poll opens they are placed on its
    # holdings under the rule then in force (`precast_rule`, "" if there were none);
    # `precast_votes` of them stand apart from the holdings' weights.
    precast_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    precast_rule: Mapped[str] = mapped_column(String(16), default="")
    precast_votes: Mapped[int] = mapped_column(default=0)

    body: Mapped[Body] = relationship()
    rerun_of: Mapped[Poll | None] = relationship(remote_side=[id])
    entitlements: Mapped[list[PollEntitlement]] = relationship(
        back_populates="poll", order_by="PollEntitlement.id", cascade="all, delete-orphan"
    )

    @property
    def is_secret(self) -> bool:
        return self.mode is PollMode.SECRET

    @property
    def is_yes_no(self) -> bool:
        return self.form is BallotForm.CHOICE and set(self.choices) <= set(YES_NO_ABSTAIN)

    @property
    def is_election(self) -> bool:
        """Whether the choices are candidates, ranked or approved."""
        return self.form is not BallotForm.CHOICE


class PollEntitlement(db.Model):
    """One vote holding in a poll, as the rules core computed it when the poll opened."""

    __tablename__ = "poll_entitlement"
    __table_args__ = (UniqueConstraint("poll_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    # The rules core's key: person:<id> for a member's own vote or a proxy for it,
    # unit:<unit>/<holder> for a unit's cards or a delegate's share.
    voter_key: Mapped[str] = mapped_column(String(64))
    holder_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    principal_kind: Mapped[str] = mapped_column(String(16))  # person | unit
    principal_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    principal_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="SET NULL")
    )
    weight: Mapped[int]
    source: Mapped[str] = mapped_column(String(16))  # own | card | delegate | proxy
    # The reason line as a rules-core message (key and parameters).
    reason: Mapped[dict[str, Any]] = mapped_column(JSON)
    present: Mapped[bool] = mapped_column(default=True)
    in_writing_only: Mapped[bool] = mapped_column(default=False)
    # A directed proxy's instruction (yes/no/abstain), or None.
    instruction: Mapped[str | None] = mapped_column(String(16))
    # The unit's mandate on the poll's motion (yes/no/abstain), or None (free).
    mandate: Mapped[str | None] = mapped_column(String(16))
    # Votes of this holding cast before the meeting that stand (returned papers under
    # "first counts", a written vote of the proxy's principal): `weight` is what is left
    # to cast on the floor, 0 if nothing is.
    precast: Mapped[int] = mapped_column(default=0)

    poll: Mapped[Poll] = relationship(back_populates="entitlements")
    holder: Mapped[Person] = relationship(foreign_keys=[holder_id])
    principal_person: Mapped[Person | None] = relationship(foreign_keys=[principal_person_id])
    principal_unit: Mapped[Unit | None] = relationship()

    @property
    def expected(self) -> str | None:
        """The instruction the holder is bound by, if any (a directed proxy or a mandate)."""
        return self.instruction or self.mandate


class Participation(db.Model):
    """That a vote was used in a poll: the primary key allows one per voter key per poll.

    In a secret poll it is all that is known about the voter: no time, no link to a ballot.
    """

    __tablename__ = "participation"
    __table_args__ = ({"sqlite_with_rowid": False},)

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("poll.id", ondelete="CASCADE"), primary_key=True
    )
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class Vote(db.Model):
    """The choice made with one vote holding in an open or named poll."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("poll_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(64))
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # One choice for the whole weight, or a split [[choice, votes], ...].
    choice: Mapped[str | None] = mapped_column(String(200))
    split: Mapped[list[list[Any]] | None] = mapped_column(JSON)
    against_instruction: Mapped[bool] = mapped_column(default=False)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cast_by: Mapped[Person | None] = relationship()

    def parts(self, weight: int) -> list[tuple[str, int]]:
        """(choice, votes) pairs this vote gives."""
        if self.choice is not None:
            return [(self.choice, weight)]
        return [(str(c), int(n)) for c, n in (self.split or [])]


class SealedBallot(db.Model):
    """One holding's vote in an open secret poll, sealed under the poll's public key.

    A random key, the poll and the envelope: all envelopes of a poll have the same length.
    At the count they are opened in random order, written as unit-weight `SecretBallot`s
    and erased.
    """

    __tablename__ = "sealed_ballot"
    __table_args__ = (Index("ix_sealed_ballot_poll", "poll_id"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    envelope: Mapped[bytes] = mapped_column(LargeBinary)


class SecretBallot(db.Model):
    """One unit of weight in a counted secret poll: a random key, the poll and the choice.

    Written only at the count, all in one transaction, shuffled. Nothing else."""

    __tablename__ = "secret_ballot"
    __table_args__ = (Index("ix_secret_ballot_poll", "poll_id"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(200))


class BallotTracker(db.Model):
    """The SHA-256 of a tracker code given to a voter of a secret poll.

    Kept apart from the ballots: a tracker on each unit-weight ballot would tie a voter's
    units back together and give their weight away. After close the list is published so
    each voter sees theirs was counted; it is never paired with a choice.
    """

    __tablename__ = "ballot_tracker"
    __table_args__ = (
        Index("ix_ballot_tracker_poll", "poll_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    tracker_hash: Mapped[str] = mapped_column(String(64))


# --- Votes cast before the meeting ---------------------------------------------------------


class BallotPaper(db.Model):
    """A postal ballot paper: one vote of a unit in a poll, with a one-time code.

    Only the SHA-256 of the code is kept (it is printed once, on the paper). Returned
    online with its code or entered by two tellers; in an open or named poll the choice
    is kept here, in a secret poll it is sealed into the poll's envelopes at once, with
    nothing linking it to its paper. When the poll opens, `voter_key` is the floor holding
    its card falls on and `stands` says whether it counts whatever the floor does.
    """

    __tablename__ = "ballot_paper"
    __table_args__ = (UniqueConstraint("poll_id", "unit_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    number: Mapped[int]  # the unit's n-th vote (its n-th card), from 1
    of: Mapped[int]  # the papers the unit was sent
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    returned: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[str] = mapped_column(String(16), default="")  # online | tellers
    # Open and named polls only: the choice and when it came (a secret poll keeps neither).
    choice: Mapped[str | None] = mapped_column(String(200))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voter_key: Mapped[str | None] = mapped_column(String(64))
    stands: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit | None] = relationship()


class PaperEntry(db.Model):
    """A teller's reading of a returned paper: the SHA-256 of its code with the choice.

    A paper counts when two different tellers' entries agree; the digest compares them
    without keeping the choice, and is useless without the code, which is not stored."""

    __tablename__ = "paper_entry"
    __table_args__ = (UniqueConstraint("paper_id", "teller_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("ballot_paper.id", ondelete="CASCADE"))
    teller_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teller: Mapped[Person] = relationship()


class WrittenVote(db.Model):
    """A member's vote cast in writing before the meeting (members whose status votes
    only in writing or by proxy). One per member per poll; in a secret poll the choice is
    sealed into the poll's envelopes and nothing here says it, nor when."""

    __tablename__ = "written_vote"
    __table_args__ = ({"sqlite_with_rowid": False},)

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("poll.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    choice: Mapped[str | None] = mapped_column(String(200))
    cast_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voter_key: Mapped[str | None] = mapped_column(String(64))

    person: Mapped[Person] = relationship()
