"""A database dump after a secret poll cannot link a ballot to a voter.

Voters of different weights (WSM delegates carrying 5, 4, 5 and 17 votes, and more
delegates added for the test) vote alternately for and against. The dump of every
table is then searched for anything that ties a ballot to a voter: a key, a time, a
sequence, a weight, or an order.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import POSTGRES_URL
from tests.fixtures.floor import WSM_CHAIR, check_in, open_poll
from tests.fixtures.people import person
from voting.ballots.models import PollMode
from voting.ballots.services import polls
from voting.core.extensions import db
from voting.membership.models import Membership, Person, Role, RoleKind
from voting.org.models import AttendanceRecord, Unit, UnitKind


def _more_delegates(meeting, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`count` more branches, each with one delegate carrying 1 to 3 votes."""
    org = meeting.body.organisation
    day = meeting.scheduled_for.date()
    emails = []
    for n in range(count):
        branch = Unit(organisation=org, kind=UnitKind.BRANCH, name=f"Branch {n}", size=8)
        branch.attendance.append(
            AttendanceRecord(held_on=day - timedelta(days=3), present=1 + n % 3)
        )
        delegate = Person(email=f"delegate{n}@wsm.example", name=f"Delegate {n}")
        db.session.add_all(
            [
                branch,
                delegate,
                Membership(person=delegate, organisation=org, unit=branch),
                Role(person=delegate, organisation_id=org.id, kind=RoleKind.DELEGATE, unit=branch),
            ]
        )
        emails.append(delegate.email)
    db.session.commit()
    return emails


def _dump(path: Path) -> dict[str, list[str]]:
    """Every table's INSERT statements, in the order SQLite stores them."""
    connection = sqlite3.connect(path)
    tables: dict[str, list[str]] = {}
    for line in connection.iterdump():
        found = re.match(r'INSERT INTO "?(\w+)"? VALUES\((.*)\);$', line)
        if found:
            tables.setdefault(found.group(1), []).append(found.group(2))
    connection.close()
    return tables


def _secret_poll_cast_and_closed(wsm):  # type: ignore[no-untyped-def]
    """Sixteen delegates of different weights vote alternately yes and no; the poll closes."""
    emails = ["gal@wsm.example", "gwen@wsm.example", "lee@wsm.example", "dara@wsm.example"]
    emails += _more_delegates(wsm, 12)
    check_in(wsm, *emails[4:])
    poll = open_poll(wsm, WSM_CHAIR, mode=PollMode.SECRET)
    weights = {e.holder.email: e.weight for e in poll.entitlements}
    cast_order: list[str] = []
    trackers = []
    for n, email in enumerate(emails):
        choice = "yes" if n % 2 == 0 else "no"
        trackers.append(polls.cast(person(email), poll, choice=choice).tracker)
        cast_order += [choice] * weights[email]
    during = set(db.session.scalars(select(polls.SecretBallot.id)))
    polls.close_poll(person(WSM_CHAIR), poll)
    voter_keys = {e.voter_key for e in poll.entitlements}
    return emails, weights, cast_order, trackers, during, voter_keys


@pytest.mark.skipif(bool(POSTGRES_URL), reason="reads the SQLite file itself")
def test_a_database_dump_after_a_secret_poll_links_no_ballot_to_a_voter(wsm, app) -> None:
    emails, weights, cast_order, trackers, during, voter_keys = _secret_poll_cast_and_closed(wsm)
    db.session.remove()
    db.engine.dispose()

    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    tables = _dump(path)
    ballots = tables["secret_ballot"]
    connection = sqlite3.connect(path)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(secret_ballot)")]
    tracker_columns = [row[1] for row in connection.execute("PRAGMA table_info(ballot_tracker)")]
    participation_columns = [
        row[1] for row in connection.execute("PRAGMA table_info(participation)")
    ]
    rowid = connection.execute(
        "SELECT sql FROM sqlite_master WHERE name='secret_ballot'"
    ).fetchone()
    stored_order = [row[0] for row in connection.execute("SELECT choice FROM secret_ballot")]
    ids = [row[0] for row in connection.execute("SELECT id FROM secret_ballot")]
    connection.close()

    # Ballots: a random key, the poll, the choice. No time, no voter, no participation.
    assert columns == ["id", "poll_id", "choice"]
    assert tracker_columns == ["id", "poll_id", "tracker_hash"]
    assert participation_columns == ["poll_id", "voter_key", "cast_by_id"]
    assert "WITHOUT ROWID" in rowid[0]  # no hidden insertion counter
    # One row per unit of weight: Dara's 17 votes are 17 rows like any other.
    assert len(ballots) == sum(weights.values()) == len(cast_order)
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert not during & set(ids)  # rewritten with fresh keys at close
    assert ids == sorted(ids)  # stored in key order, which is random: not arrival order
    assert stored_order != cast_order and stored_order != cast_order[::-1]
    assert sorted(stored_order) == sorted(cast_order)
    # Nothing in the ballots names a voter, a key, a tracker or a time.
    text = " ".join(ballots)
    assert not any(key in text for key in voter_keys)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    tracker_text = " ".join(tables["ballot_tracker"])
    assert not any(t in tracker_text for t in trackers)  # only hashes are kept
    assert "yes" not in tracker_text and "no'" not in tracker_text
    # Participation says who voted, never how.
    participation = " ".join(tables["participation"])
    assert "yes" not in participation and "'no'" not in participation
    assert len(tables["participation"]) == len(emails)
    # No audit entry carries a choice of this poll's voters.
    audit = [row for row in tables["audit_event"] if "poll." in row]
    assert not any("'yes'" in row or "voter" in row for row in audit)
    assert "vote" not in tables  # no open-vote rows were written


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's physical row order")
def test_on_postgresql_ballots_are_stored_in_no_casting_order_and_name_no_one(wsm) -> None:
    _emails, weights, cast_order, _trackers, during, voter_keys = _secret_poll_cast_and_closed(wsm)
    db.session.commit()
    columns = list(
        db.session.scalars(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'secret_ballot' ORDER BY ordinal_position"
            )
        )
    )
    # ctid is where PostgreSQL keeps each row: the order a dump would show.
    stored = db.session.execute(text("SELECT id, choice FROM secret_ballot ORDER BY ctid")).all()
    assert columns == ["id", "poll_id", "choice"]
    assert len(stored) == sum(weights.values())
    stored_order = [choice for _id, choice in stored]
    assert stored_order != cast_order and stored_order != cast_order[::-1]
    ids = [ballot_id for ballot_id, _choice in stored]
    assert not during & set(ids)
    assert not any(key in " ".join(ids) for key in voter_keys)
