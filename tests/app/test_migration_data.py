"""Upgrading keeps every vote: a database made by the schema before polls stood on their
own (a poll's meeting, item, motion and amendment were its columns), with a meeting, an
open poll and a closed secret poll in it, is upgraded; every poll, entitlement,
participation, vote, secret ballot and tracker is still there, and each poll is linked
to its meeting, item and motion."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from voting.app import create_app
from voting.core.extensions import db

BEFORE = "c5d061dcb63c"  # the initial schema
NOW = "2026-11-20 10:00:00"

ROWS = [
    "INSERT INTO organisation (id, slug, name, languages, settings, created_at) "
    "VALUES (1, 'wri', 'WRI', '[\"en\"]', '{}', :now)",
    "INSERT INTO body (id, organisation_id, slug, name, kind, description, position, settings) "
    "VALUES (7, 1, 'conference', 'Conference', 'conference', '', 0, '{}')",
    "INSERT INTO person (id, email, name, is_operator, is_active_account, created_at, "
    "session_epoch) VALUES (3, 'a@x.example', 'Ana', 0, 1, :now, 0), "
    "(4, 'b@x.example', 'Ben', 0, 1, :now, 0)",
    "INSERT INTO meeting (id, body_id, title, kind, status, scheduled_for, notice_given_at, "
    "short_notice, called_by, grounds, join_code, version) VALUES (5, 7, 'Conference', "
    "'regular', 'open', :now, :now, 0, 'body', '', 'code', 3)",
    "INSERT INTO agenda_item (id, meeting_id, section, position, title, description, "
    "submitted_at, late, late_reason, status, suspended, speakers_closed, is_justification) "
    "VALUES (11, 5, 'motions', 1, 'Objection', '', :now, 0, '', 'open', 0, 0, 0)",
    "INSERT INTO motion (id, item_id, stage, title, status, submitted_at, needs_ratification) "
    "VALUES (13, 11, 'single', 'Conscientious objection', 'to_vote', :now, 0)",
    # An open poll on the motion with named votes, and a closed secret one.
    "INSERT INTO poll (id, meeting_id, item_id, motion_id, kind, question, choices, mode, "
    "special, free_vote, status, created_at, annul_reason, unheld, members, units_total, "
    "refusals, privacy_warnings) VALUES "
    "(21, 5, 11, 13, 'motion', 'Adopt?', '[\"yes\", \"no\", \"abstain\"]', 'named', '', 0, "
    "'open', :now, '', 0, 2, 0, '[]', '[]'), "
    "(22, 5, NULL, NULL, 'procedural', 'Break?', '[\"yes\", \"no\", \"abstain\"]', 'secret', "
    "'', 0, 'closed', :now, '', 0, 2, 0, '[]', '[]')",
    "INSERT INTO poll_entitlement (id, poll_id, voter_key, holder_id, principal_kind, "
    "principal_person_id, weight, source, reason, present, in_writing_only) VALUES "
    "(31, 21, 'person:3', 3, 'person', 3, 1, 'own', '{}', 1, 0), "
    "(32, 21, 'person:4', 4, 'person', 4, 1, 'own', '{}', 1, 0), "
    "(33, 22, 'person:3', 3, 'person', 3, 1, 'own', '{}', 1, 0), "
    "(34, 22, 'person:4', 4, 'person', 4, 1, 'own', '{}', 1, 0)",
    "INSERT INTO participation (poll_id, voter_key, cast_by_id) VALUES "
    "(21, 'person:3', 3), (22, 'person:3', 3), (22, 'person:4', 4)",
    "INSERT INTO vote (id, poll_id, voter_key, cast_by_id, choice, against_instruction, cast_at) "
    "VALUES (41, 21, 'person:3', 3, 'yes', 0, :now)",
    "INSERT INTO secret_ballot (id, poll_id, choice) VALUES ('k1', 22, 'yes'), ('k2', 22, 'no')",
    "INSERT INTO ballot_tracker (id, poll_id, tracker_hash) VALUES ('t1', 22, 'h1'), "
    "('t2', 22, 'h2')",
]
KEPT = ("poll", "poll_entitlement", "participation", "vote", "secret_ballot", "ballot_tracker")


def test_upgrading_moves_each_poll_to_its_meeting_and_loses_no_vote(tmp_path: Path) -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}", "TESTING": True}
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement), {"now": NOW})
            before = {t: connection.scalar(text(f"SELECT count(*) FROM {t}")) for t in KEPT}
        upgrade()
        with db.engine.connect() as connection:
            after = {t: connection.scalar(text(f"SELECT count(*) FROM {t}")) for t in KEPT}
            links = connection.execute(
                text(
                    "SELECT poll_id, meeting_id, item_id, motion_id, kind FROM meeting_poll "
                    "ORDER BY poll_id"
                )
            ).all()
            polls = connection.execute(
                text("SELECT id, body_id, subject, status FROM poll ORDER BY id")
            ).all()
            ballots = connection.execute(
                text("SELECT choice FROM secret_ballot WHERE poll_id = 22 ORDER BY choice")
            ).scalars()
            choices = list(ballots)
        db.engine.dispose()
    assert before == {
        "poll": 2,
        "poll_entitlement": 4,
        "participation": 3,
        "vote": 1,
        "secret_ballot": 2,
        "ballot_tracker": 2,
    }
    assert after == before
    assert [tuple(row) for row in links] == [
        (21, 5, 11, 13, "motion"),
        (22, 5, None, None, "procedural"),
    ]
    assert [tuple(row) for row in polls] == [
        (21, 7, "meeting", "open"),
        (22, 7, "meeting", "closed"),
    ]
    assert choices == ["no", "yes"]
