"""Attacks on the secrecy of a secret ballot by whoever holds every file of the installation.

The attacker has the database and its write-ahead log as they were at any moment of the
poll (a backup), the database after it, the instance folder with the secret key, and the
logs. Delegates carrying different weights vote (one at a time: the worst case; then in
bursts sharing a commit): the first half of them for, the second half against, so that
any trace of arrival order or of a commit pairs voters with choices perfectly. Each
attack must pair no better than chance.
"""

from __future__ import annotations

import base64
import re
import shutil
import sqlite3
import struct
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.bench.floor import weighted_delegates
from tests.conftest import POSTGRES_URL
from tests.fixtures.floor import WSM_CHAIR, open_poll
from tests.fixtures.people import person
from voting.ballots import sealing
from voting.ballots.models import Poll, PollMode
from voting.ballots.services import polls
from voting.core import batch
from voting.core.audit import AuditEvent
from voting.core.extensions import db
from voting.meetings.models import Meeting

sqlite_files = pytest.mark.skipif(bool(POSTGRES_URL), reason="reads SQLite's files")

DELEGATES = 24
# Better than chance means: the attack's share of correctly paired units of weight is more
# than this above what a random pairing gets (with some 50 units: about 4 standard errors).
MARGIN = 0.25


# --- The poll, voted one at a time or in bursts ---------------------------------------------


def _secret_poll(meeting: Meeting) -> tuple[Poll, list[Any], dict[int, int]]:
    delegates = weighted_delegates(meeting, DELEGATES)
    poll = open_poll(meeting, WSM_CHAIR, mode=PollMode.SECRET)
    weights = {e.holder_id: e.weight for e in poll.entitlements}
    assert len(set(weights[d.id] for d in delegates)) > 1, "the attack needs different weights"
    return poll, delegates, weights


def _choice(position: int) -> str:
    """The first half for, the second half against: arrival order is the whole secret."""
    return "yes" if position < DELEGATES // 2 else "no"


def _one_at_a_time(poll: Poll, delegates: list[Any]) -> None:
    for position, delegate in enumerate(delegates):
        polls.cast(person(delegate.email), poll, choice=_choice(position))


def _in_bursts(app: Flask, poll: Poll, delegates: list[Any], size: int) -> None:
    """Votes sent at once, `size` at a time, through the group commit (one commit each)."""
    app.config.update(BATCH_WINDOW_MS=200)
    poll_id = poll.id
    for start in range(0, len(delegates), size):
        group = list(enumerate(delegates))[start : start + size]
        barrier = threading.Barrier(len(group))
        errors: list[BaseException] = []

        def one(position: int, person_id: int, barrier=barrier, errors=errors) -> None:  # type: ignore[no-untyped-def]
            with app.app_context():
                voter = db.session.get(type(delegates[0]), person_id)
                target = polls.get_poll(poll_id)
                barrier.wait()
                try:
                    batch.call(polls.cast, voter, target, choice=_choice(position))
                except BaseException as error:  # the test reports it
                    errors.append(error)

        threads = [threading.Thread(target=one, args=(p, d.id)) for p, d in group]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors, errors
    db.session.rollback()


# --- What the attacker reads ---------------------------------------------------------------


def _database(app: Flask) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def _backup(app: Flask, into: Path) -> tuple[Path, Path]:
    """Copy the database file and its write-ahead log, as a backup taken now would."""
    into.mkdir(exist_ok=True)
    source = _database(app)
    main, wal = into / "copy.sqlite3", into / "copy.sqlite3-wal"
    shutil.copyfile(source, main)
    shutil.copyfile(source.with_name(source.name + "-wal"), wal)
    return main, wal


def _commits(main: Path, wal: Path) -> Iterator[bytes]:
    """Replay the write-ahead log: the database image as of each commit it records."""
    image = bytearray(main.read_bytes())
    log = wal.read_bytes()
    _magic, _version, page_size, _seq, salt1, salt2 = struct.unpack(">6I", log[:24])
    offset = 32
    while offset + 24 + page_size <= len(log):
        page, size, s1, s2 = struct.unpack(">4I", log[offset : offset + 16])
        if (s1, s2) != (salt1, salt2):
            break  # frames left from before the last checkpoint
        data = log[offset + 24 : offset + 24 + page_size]
        end = page * page_size
        if len(image) < end:
            image.extend(bytes(end - len(image)))
        image[end - page_size : end] = data
        offset += 24 + page_size
        if size:  # a commit frame: the database has `size` pages
            frozen = bytearray(image[: size * page_size])
            frozen[18:20] = b"\x01\x01"  # read it as a plain file, without a log
            yield bytes(frozen)


def _read(image: bytes, into: Path, poll_id: int) -> dict[str, Any]:
    path = into / "state.sqlite3"
    path.write_bytes(image)
    with sqlite3.connect(path) as connection:
        rows = {
            "voters": [
                by
                for (by,) in connection.execute(
                    "SELECT cast_by_id FROM participation WHERE poll_id = ?", (poll_id,)
                )
            ],
            "choices": Counter(
                c
                for (c,) in connection.execute(
                    "SELECT choice FROM secret_ballot WHERE poll_id = ?", (poll_id,)
                )
            ),
        }
    path.unlink()
    return rows


def _pair_by_commit(states: list[dict[str, Any]]) -> dict[int, str]:
    """Attack: what each commit added. Voters who appear in a commit that also added
    readable ballots are guessed to have voted as most of those ballots."""
    guesses: dict[int, str] = {}
    before: dict[str, Any] = {"voters": [], "choices": Counter()}
    for state in states:
        new_voters = set(state["voters"]) - set(before["voters"])
        new_choices = state["choices"] - before["choices"]
        if new_voters and new_choices:
            guess = new_choices.most_common(1)[0][0]
            guesses.update({voter: guess for voter in new_voters})
        before = state
    return guesses


def _arrival(states: list[dict[str, Any]]) -> list[int]:
    order: list[int] = []
    for state in states:
        order += [v for v in state["voters"] if v not in order]
    return order


def _pair_by_order(
    arrival: list[int], weights: dict[int, int], stored: list[str], truth: dict[int, str]
) -> float:
    """Attack: units of weight in arrival order against ballots in stored order. The share
    of units paired right, above what a random pairing gets."""
    units = [voter for voter in arrival for _unit in range(weights[voter])]
    right = sum(1 for voter, choice in zip(units, stored, strict=True) if truth[voter] == choice)
    chance = sum((n / len(stored)) ** 2 for n in Counter(stored).values())
    return right / len(units) - chance


def _truth(delegates: list[Any]) -> dict[int, str]:
    """How each delegate voted (what the attacker tries to learn)."""
    return {d.id: _choice(p) for p, d in enumerate(delegates)}


def _stored_order(path: Path, poll_id: int) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [
            c
            for (c,) in connection.execute(
                "SELECT choice FROM secret_ballot WHERE poll_id = ?", (poll_id,)
            )
        ]


def _attacks(
    app: Flask,
    tmp_path: Path,
    poll: Poll,
    delegates: list[Any],
    weights: dict[int, int],
    cast: Callable[[], None],
) -> None:
    """Cast, take a backup just before the close and the database after it, and attack."""
    truth = _truth(delegates)
    cast()
    main, wal = _backup(app, tmp_path / "during")
    polls.close_poll(person(WSM_CHAIR), poll)
    after, after_wal = _backup(app, tmp_path / "after")
    states = [_read(image, tmp_path, poll.id) for image in _commits(main, wal)]
    assert len(states) >= 2, "the log holds the poll's commits"
    assert set(states[-1]["voters"]) == {d.id for d in delegates}

    # 1. Per commit: no commit during the poll adds a readable ballot.
    guesses = _pair_by_commit(states)
    assert not guesses, f"paired by commit: {len(guesses)} voters"
    assert all(not s["choices"] for s in states), "a choice was readable during the poll"
    # 2. Arrival order against the order the ballots are stored in, after the close.
    arrival = _arrival(states)
    stored = _stored_order(after, poll.id)
    assert sorted(stored) == sorted(truth[v] for v in arrival for _u in range(weights[v]))
    assert _pair_by_order(arrival, weights, stored, truth) < MARGIN
    # 3. The log after the close: truncated, nothing to replay.
    assert after_wal.stat().st_size == 0
    # 4. The same database replayed after the close holds no envelope and no trace of them.
    with sqlite3.connect(after) as connection:
        assert connection.execute("SELECT count(*) FROM sealed_ballot").fetchone()[0] == 0


@sqlite_files
def test_replaying_the_log_vote_by_vote_pairs_no_voter_with_a_choice(
    wsm: Meeting, app: Flask, tmp_path: Path
) -> None:
    poll, delegates, weights = _secret_poll(wsm)
    _attacks(app, tmp_path, poll, delegates, weights, lambda: _one_at_a_time(poll, delegates))


@sqlite_files
def test_replaying_the_log_of_bursts_pairs_no_voter_with_a_choice(
    wsm: Meeting, app: Flask, tmp_path: Path
) -> None:
    poll, delegates, weights = _secret_poll(wsm)
    size = DELEGATES // 4  # each burst is all for or all against
    _attacks(
        app, tmp_path, poll, delegates, weights, lambda: _in_bursts(app, poll, delegates, size)
    )


@sqlite_files
def test_while_the_poll_is_open_the_pages_hold_only_envelopes_of_one_length(
    wsm: Meeting, app: Flask, tmp_path: Path
) -> None:
    poll, delegates, _weights = _secret_poll(wsm)
    _one_at_a_time(poll, delegates)
    main, wal = _backup(app, tmp_path / "during")
    images = list(_commits(main, wal))
    path = tmp_path / "open.sqlite3"
    path.write_bytes(images[-1])
    with sqlite3.connect(path) as connection:
        envelopes = [
            e
            for (e,) in connection.execute(
                "SELECT envelope FROM sealed_ballot WHERE poll_id = ?", (poll.id,)
            )
        ]
        clear = connection.execute("SELECT count(*) FROM secret_ballot").fetchone()[0]
    # One envelope per vote, in the order of random keys; a 3-vote "no" looks like a
    # 1-vote "yes": nothing in a cell or its size tells a choice or a weight.
    assert len(envelopes) == len(delegates) and clear == 0
    assert len({len(e) for e in envelopes}) == 1


def _forms(secret: bytes) -> list[bytes]:
    """The ways a key could be written down."""
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret),
        base64.b32encode(secret).rstrip(b"="),
    ]


@sqlite_files
def test_the_poll_key_is_in_no_file_and_no_log(
    app: Flask, tmp_path: Path, wsm: Meeting, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    poll, delegates, _weights = _secret_poll(wsm)
    private = sealing.private_key(poll.seal_key or "")
    assert private is not None
    teller = polls.show_teller_key(person(WSM_CHAIR), poll, 1)
    _one_at_a_time(poll, delegates)
    during = _backup(app, tmp_path / "during")
    polls.close_poll(person(WSM_CHAIR), poll)
    assert sealing.private_key(poll.seal_key or "") is None  # forgotten after the count

    files = [*during, *_database(app).parent.rglob("*"), *Path(app.instance_path).rglob("*")]
    secrets = [*_forms(bytes(private)), teller.encode(), teller.replace("-", "").encode()]
    for path in files:
        if path.is_file():
            content = path.read_bytes()
            assert not any(s in content for s in secrets), f"the key is in {path.name}"
    assert not any(s in caplog.text.encode() for s in secrets)
    # The logs name no voter's choice; the audit entries written while the poll was open
    # name no choice at all.
    assert "'yes'" not in caplog.text and '"yes"' not in caplog.text
    entries = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    opened = next(i for i, e in enumerate(entries) if e.action == "poll.opened")
    # (the count's own entries, sorted ballots and then the close, come after)
    closed = next(i for i, e in enumerate(entries) if e.action in ("poll.ballots", "poll.closed"))
    for entry in entries[opened + 1 : closed]:
        assert not re.search(r"\b(yes|no|abstain)\b", str(entry.data))


def test_a_teller_key_from_another_poll_or_mistyped_is_refused_and_the_right_one_counts(
    wsm: Meeting,
) -> None:
    poll, delegates, weights = _secret_poll(wsm)
    keys = [polls.show_teller_key(person(WSM_CHAIR), poll, 1)]
    with pytest.raises(polls.Invalid, match="already been shown"):
        polls.show_teller_key(person(WSM_CHAIR), poll, 1)
    _one_at_a_time(poll, delegates)
    sealing.forget(poll.seal_key)  # what a restart does to the key in memory
    assert polls.waiting_for_tellers(poll)
    polls.close_poll(person(WSM_CHAIR), poll)
    assert poll.status.value == "counting" and poll.result is None
    with pytest.raises(polls.Conflict, match="closed"):
        polls.cast(person(delegates[0].email), poll, choice="no")
    with pytest.raises(polls.Invalid, match="another poll"):
        polls.give_teller_keys(
            person(WSM_CHAIR), poll, [keys[0].replace(f"{poll.id}-", f"{poll.id + 1}-", 1)]
        )
    with pytest.raises(polls.Invalid, match="not a teller key"):
        polls.give_teller_keys(person(WSM_CHAIR), poll, ["hello"])
    damaged = keys[0][:-4] + ("AAAA" if not keys[0].endswith("AAAA") else "BBBB")
    with pytest.raises(polls.Invalid, match="do not open"):
        polls.give_teller_keys(person(WSM_CHAIR), poll, [damaged])
    with pytest.raises(polls.NotAllowed):
        polls.give_teller_keys(person(delegates[0].email), poll, keys)
    polls.give_teller_keys(person(WSM_CHAIR), poll, keys)
    assert poll.status.value == "closed"
    expected = {"yes": 0, "no": 0, "abstain": 0}
    for position, delegate in enumerate(delegates):
        expected[_choice(position)] += weights[delegate.id]
    assert poll.result["totals"] == expected


# --- PostgreSQL: row versions name their transaction; the WAL records every insert ---------


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's row versions and WAL")
def test_on_postgresql_xmin_ctid_and_the_wal_pair_no_voter_with_a_choice(wsm: Meeting) -> None:
    from sqlalchemy import text

    from tests.postgres import server_binaries

    poll, delegates, weights = _secret_poll(wsm)
    truth = _truth(delegates)
    start = db.session.scalar(text("SELECT pg_current_wal_lsn()::text"))
    _one_at_a_time(poll, delegates)

    def read() -> tuple[list[Any], list[Any]]:
        voted = db.session.execute(
            text("SELECT xmin::text, cast_by_id FROM participation WHERE poll_id = :p"),
            {"p": poll.id},
        ).all()
        ballots = db.session.execute(
            text("SELECT xmin::text, choice FROM secret_ballot WHERE poll_id = :p ORDER BY ctid"),
            {"p": poll.id},
        ).all()
        return voted, ballots

    def pair_by_xmin(voted: list[Any], ballots: list[Any]) -> dict[int, str]:
        """Attack: the transaction that wrote a participation row and ballot rows."""
        by_transaction: dict[str, Counter[str]] = {}
        for xmin, choice in ballots:
            by_transaction.setdefault(xmin, Counter())[choice] += 1
        return {
            voter: by_transaction[xmin].most_common(1)[0][0]
            for xmin, voter in voted
            if xmin in by_transaction
        }

    # 1. xmin during the poll (a backup now) and after it.
    assert not pair_by_xmin(*read()), "paired by xmin during the poll"
    polls.close_poll(person(WSM_CHAIR), poll)
    db.session.commit()
    end = db.session.scalar(text("SELECT pg_current_wal_lsn()::text"))
    voted, ballots = read()
    assert not pair_by_xmin(voted, ballots), "paired by xmin after the poll"
    assert len({xmin for xmin, _c in ballots}) == 1  # all written by the count
    # 2. ctid: the ballots' physical order against the order the voters came in.
    arrival = [voter for _x, voter in sorted(voted, key=lambda row: int(row[0]))]
    stored = [choice for _x, choice in ballots]
    assert _pair_by_order(arrival, weights, stored, truth) < MARGIN

    # 3. The WAL, decoded by pg_waldump: which transaction inserted into which table.
    directory = db.session.scalar(text("SHOW data_directory"))
    database = db.session.scalar(
        text("SELECT oid::text FROM pg_database WHERE datname = current_database()")
    )
    tables = {
        name: db.session.scalar(text(f"SELECT pg_relation_filenode(to_regclass('{name}'))::text"))
        for name in ("participation", "sealed_ballot", "secret_ballot")
    }
    dump = subprocess.run(
        [f"{server_binaries()}/pg_waldump", "-p", f"{directory}/pg_wal", "-s", start, "-e", end],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    inserted: dict[str, set[str]] = {}
    for line in dump.splitlines():
        record = re.search(r"tx:\s+(\d+).*desc: (?:MULTI_)?INSERT.*?rel \d+/(\d+)/(\d+)", line)
        if record and record.group(2) == database:
            table = next((n for n, f in tables.items() if f == record.group(3)), None)
            if table:
                inserted.setdefault(record.group(1), set()).add(table)
    casts = [tx for tx, names in inserted.items() if "participation" in names]
    counts = [tx for tx, names in inserted.items() if "secret_ballot" in names]
    assert len(casts) == len(delegates), dump[-2000:]  # the attack sees every vote's commit
    assert all(inserted[tx] == {"participation", "sealed_ballot"} for tx in casts)
    assert len(counts) == 1 and "participation" not in inserted[counts[0]]
