"""The audit trail is a hash chain: altering or removing an entry is detected."""

from __future__ import annotations

from sqlalchemy import select, update

from voting.core import audit
from voting.core.audit import AuditEvent
from voting.core.database import transaction
from voting.core.extensions import db


def test_altered_entry_breaks_the_chain_at_that_entry(app) -> None:
    with transaction():
        for n in range(3):
            audit.record("test.step", actor=None, organisation_id=None, n=n)
    assert audit.verify(None).ok and audit.verify(None).entries == 3
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(data={"n": 99}))
    db.session.commit()
    report = audit.verify(None)
    assert not report.ok and report.broken_at == 2


def test_removed_entry_breaks_the_chain(app) -> None:
    with transaction():
        for n in range(3):
            audit.record("test.step", actor=None, organisation_id=None, n=n)
    db.session.delete(db.session.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one())
    db.session.commit()
    assert audit.verify(None).broken_at == 3


def test_cli_verify_audit_reports_intact_chains(app, demo) -> None:
    result = app.test_cli_runner().invoke(args=["voting", "verify-audit"])
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output
