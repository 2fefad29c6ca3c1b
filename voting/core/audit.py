"""The hash-chained audit trail: record inside a service's transaction, verify from the CLI."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from voting.core.columns import UTCDateTime, utcnow
from voting.core.extensions import db
from voting.core.permissions import Actor

GENESIS = "0" * 64


class AuditEvent(db.Model):
    """One entry of an organisation's chain: hash = sha256(previous hash + canonical entry).

    `seq` is unique per organisation, so two writers racing for the same place in the
    chain cannot both commit: one retries on top of the other.
    """

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("organisation_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def _same_organisation(organisation_id: int | None) -> ColumnElement[bool]:
    if organisation_id is None:
        return AuditEvent.organisation_id.is_(None)
    return AuditEvent.organisation_id == organisation_id


def _digest(prev_hash: str, event: AuditEvent) -> str:
    canonical = json.dumps(
        {
            "organisation": event.organisation_id,
            "seq": event.seq,
            "at": event.at.isoformat(),
            "actor": event.actor_id,
            "action": event.action,
            "data": event.data,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def record(
    action: str, *, actor: Actor | None, organisation_id: int | None, **data: Any
) -> AuditEvent:
    """Append one entry to the organisation's chain, inside the caller's transaction."""
    last = db.session.scalars(
        select(AuditEvent)
        .where(_same_organisation(organisation_id))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    event = AuditEvent(
        organisation_id=organisation_id,
        seq=(last.seq + 1) if last else 1,
        at=utcnow(),
        actor_id=actor.id if actor else None,
        action=action,
        data=json.loads(json.dumps(data, default=str)),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = _digest(event.prev_hash, event)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    organisation_id: int | None
    entries: int
    broken_at: int | None  # seq of the first entry that does not verify
    why: str = ""  # what is wrong with it
    entry: str = ""  # the entry as stored: its place, time, action and data
    hashes: frozenset[str] = frozenset()  # of the entries that verify

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _shown(event: AuditEvent) -> str:
    data = json.dumps(event.data, sort_keys=True, default=str)
    if len(data) > 300:
        data = data[:300] + "…"
    return f"#{event.seq} {event.at.isoformat()} {event.action} {data}"


def verify(organisation_id: int | None) -> ChainReport:
    """Recompute an organisation's chain; report the first link that breaks, why, and the
    entry itself: an entry changed, entries missing before it (a row deleted), or an entry
    that does not follow the one before it (rows reordered or replaced)."""
    prev = GENESIS
    count = 0
    good: set[str] = set()
    events = db.session.scalars(
        select(AuditEvent).where(_same_organisation(organisation_id)).order_by(AuditEvent.seq)
    )
    for expected_seq, event in enumerate(events, start=1):
        count += 1
        why = ""
        if event.seq > expected_seq:
            why = f"entries {expected_seq} to {event.seq - 1} are missing"
        elif event.seq < expected_seq:
            why = "it is out of its place"
        elif event.prev_hash != prev:
            why = "it does not follow the entry before it"
        elif _digest(prev, event) != event.hash:
            why = "its content was changed"
        if why:
            return ChainReport(
                organisation_id, count, event.seq, why, _shown(event), frozenset(good)
            )
        good.add(event.hash)
        prev = event.hash
    return ChainReport(organisation_id, count, None, hashes=frozenset(good))
