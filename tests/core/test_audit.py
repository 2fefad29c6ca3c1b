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


def _three_steps() -> list[AuditEvent]:
    with transaction():
        for n in range(3):
            audit.record("test.step", actor=None, organisation_id=None, n=n)
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_each_attack_is_named_with_the_entry_it_broke(app) -> None:
    _three_steps()
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(data={"n": 99}))
    db.session.commit()
    report = audit.verify(None)
    assert report.why == "its content was changed"
    assert report.entry.startswith("#2 ") and '"n": 99' in report.entry


def test_a_deleted_row_says_which_entries_are_missing(app) -> None:
    _three_steps()
    db.session.delete(db.session.scalars(select(AuditEvent).where(AuditEvent.seq == 2)).one())
    db.session.commit()
    report = audit.verify(None)
    assert (report.broken_at, report.why) == (3, "entries 2 to 2 are missing")


def test_reordered_rows_are_found(app) -> None:
    """Two entries swap places (their seq numbers exchanged): each is out of its link."""
    first, second, _third = _three_steps()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == first.id).values(seq=-1))
    db.session.execute(update(AuditEvent).where(AuditEvent.id == second.id).values(seq=1))
    db.session.execute(update(AuditEvent).where(AuditEvent.id == first.id).values(seq=2))
    db.session.commit()
    report = audit.verify(None)
    assert report.broken_at == 1 and report.why == "it does not follow the entry before it"


def test_the_cli_names_the_broken_link_and_checks_published_hashes(app) -> None:
    events = _three_steps()
    runner = app.test_cli_runner()
    published = events[1].hash
    ok = runner.invoke(args=["voting", "verify-audit", "--expect", published])
    assert ok.exit_code == 0, ok.output
    # The tail is cut and written again from entry 2: the chain is intact but new, and the
    # hash shown with a result earlier is no longer in it.
    for event in events[1:]:
        db.session.delete(event)
    db.session.commit()
    with transaction():
        audit.record("test.step", actor=None, organisation_id=None, n="forged")
    assert audit.verify(None).ok
    cut = runner.invoke(args=["voting", "verify-audit", "--expect", published])
    assert cut.exit_code == 1
    assert f"{published}: not in an intact chain" in cut.output
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="x.y"))
    db.session.commit()
    broken = runner.invoke(args=["voting", "verify-audit"])
    assert broken.exit_code == 1
    assert "chain broken at entry 1: its content was changed" in broken.output
    assert "#1 " in broken.output and "x.y" in broken.output
