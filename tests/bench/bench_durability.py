"""What `SQLITE_SYNCHRONOUS=FULL` (the default) costs against `NORMAL` on the vote path.

On an SQLite file in WAL mode, as the app configures it, the same floor votes once with
each setting, in the same run and process, from the same prepared database:
- a burst: every voter (2,000 by default) hands a vote to the group-commit writer at
  once, as the phones' `vote` events do (`batch.call(polls.cast, ...)`); measured: the
  time until the last is acknowledged (votes/s), each vote's latency from hand-over to
  acknowledgement (which follows the commit), and how many commits the writer made;
- one at a time: 50 voters vote one after the other through the same writer, so each
  vote is a batch of one and a commit of its own (a quiet poll, a trickle of votes);
for a secret poll (sealed ballots) and an open poll of the same WSM delegate council,
each delegate carrying 1 to 3 votes. The order of the two settings alternates between
the polls. The baseline is bare `sqlite3` on a file in WAL mode: 500 small rows, each
inserted and committed on its own, with each setting: the cost of the commit itself.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from unittest import mock

from tests.bench import floor

VOTERS = int(os.environ.get("BENCH_DURABILITY_VOTERS", "2000"))
ONE_BY_ONE = int(os.environ.get("BENCH_DURABILITY_ONE_BY_ONE", "50"))
CHOICES = ("yes", "no", "abstain")
LEVEL = {"NORMAL": 1, "FULL": 2}  # what PRAGMA synchronous reads back
BARE_COMMITS = 500
WARM_UP = 5  # voters beyond the measured ones, whose votes are not timed
PORT = 5998


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _cast(database: Path, ready: dict, mode: str, voters: list[int], burst: bool) -> dict:
    """Every voter in `voters` votes through the writer, after the warm-up voters (who
    start the writer and fill the statement cache); timings of each vote."""
    from sqlalchemy import func, select, text

    from voting.app import create_app
    from voting.ballots.models import Participation, Poll
    from voting.ballots.services import polls
    from voting.core import batch
    from voting.core.extensions import db
    from voting.membership.models import Person

    app = create_app({**floor.config(database, PORT), "SQLITE_SYNCHRONOUS": mode})
    latencies: list[float] = []
    with app.app_context():
        pragmas = (
            db.session.execute(text("PRAGMA synchronous")).scalar(),
            db.session.execute(text("PRAGMA journal_mode")).scalar(),
        )
        db.session.commit()
        if pragmas != (LEVEL[mode], "wal"):
            raise RuntimeError(f"synchronous {mode} in WAL mode was asked for, not {pragmas}")
        poll = batch.ref(Poll, ready["poll"])
        writer = batch.writer(app)

        def vote(n: int, person_id: int) -> None:
            sent = time.perf_counter()
            batch.call(
                polls.cast,
                batch.ref(Person, person_id),
                poll,
                choice=CHOICES[n % 3],
                result=lambda receipt: receipt.keys,
            )
            latencies.append(time.perf_counter() - sent)

        warm_up = ready["people"][-WARM_UP:]
        for n, person_id in enumerate(warm_up):
            vote(n, person_id)
        latencies.clear()
        before = writer.batches
        if burst:
            go = threading.Event()

            def phone(n: int, person_id: int) -> None:
                with app.app_context():
                    go.wait()
                    vote(n, person_id)

            phones = [threading.Thread(target=phone, args=p) for p in enumerate(voters)]
            for thread in phones:
                thread.start()
            started = time.perf_counter()
            go.set()
            for thread in phones:
                thread.join(120)
        else:
            started = time.perf_counter()
            for n, person_id in enumerate(voters):
                vote(n, person_id)
        elapsed = time.perf_counter() - started
        commits = writer.batches - before
        recorded = db.session.scalar(
            select(func.count()).where(Participation.poll_id == ready["poll"])
        )
        if recorded != len(voters) + WARM_UP or len(latencies) != len(voters):
            raise RuntimeError(f"{recorded} of {len(voters)} votes recorded")
        time.sleep(0.3)  # the last coalesced push, before the file goes
        db.session.remove()
        db.engine.dispose()
    return {
        "seconds": elapsed,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "commits": commits,
    }


def _bare(folder: Path, mode: str, rows: int) -> dict:
    """Baseline: bare sqlite3 in WAL mode, one row inserted and committed at a time."""
    connection = sqlite3.connect(folder / f"bare-{mode}.sqlite3", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={mode}")
    connection.execute("CREATE TABLE vote (voter INTEGER PRIMARY KEY, choice TEXT NOT NULL)")
    latencies = []
    started = time.perf_counter()
    for n in range(rows):
        sent = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO vote VALUES (?, ?)", (n, CHOICES[n % 3]))
        connection.execute("COMMIT")
        latencies.append(time.perf_counter() - sent)
    elapsed = time.perf_counter() - started
    connection.close()
    return {
        "seconds": elapsed,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "commits": rows,
    }


def _figures(what: str, n: int, measured: dict[str, dict]) -> list[dict[str, Any]]:
    normal, full = measured["NORMAL"], measured["FULL"]
    rate_ratio = normal["seconds"] / full["seconds"]  # FULL's votes/s over NORMAL's
    figures = []
    for mode in ("NORMAL", "FULL"):
        got = measured[mode]
        prefix = "baseline: " if mode == "NORMAL" and not what.startswith("baseline") else ""
        rate = n / got["seconds"]
        ratio = "" if mode == "NORMAL" else f"; FULL/NORMAL votes/s x{rate_ratio:.2f}"
        figures.append(
            {
                "name": f"{prefix}{what}, {mode}: all committed",
                "seconds": got["seconds"],
                "n": n,
                "note": f"{rate:,.0f} votes/s; {got['commits']} commits{ratio}",
            }
        )
        for p in ("p50", "p99"):
            ratio = "" if mode == "NORMAL" else f"FULL/NORMAL latency x{full[p] / normal[p]:.2f}"
            figures.append(
                {
                    "name": f"{prefix}{what}, {mode}: latency {p}",
                    "seconds": got[p],
                    "n": n,
                    "note": ratio,
                }
            )
    print(
        f"   {what}: votes/s NORMAL {n / normal['seconds']:,.0f}, FULL {n / full['seconds']:,.0f}"
        f" (x{rate_ratio:.2f}); latency NORMAL / FULL p50 {normal['p50'] * 1000:.2f} /"
        f" {full['p50'] * 1000:.2f} ms (x{full['p50'] / normal['p50']:.2f}), p99"
        f" {normal['p99'] * 1000:.2f} / {full['p99'] * 1000:.2f} ms"
        f" (x{full['p99'] / normal['p99']:.2f}); commits {normal['commits']} / {full['commits']}",
        flush=True,
    )
    return figures


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database, what its write-ahead log holds included."""
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    reading.close()
    writing.close()


def _prepare(folder: Path) -> dict[str, tuple[Path, dict]]:
    """The WSM delegate council (each delegate carries 1 to 3 votes) with a secret poll
    open, and a copy in which an open poll on the same motion replaces it."""
    from sqlalchemy import select

    from voting.app import create_app
    from voting.ballots.models import PollMode
    from voting.ballots.services import polls
    from voting.core.extensions import db
    from voting.meetings.models import Meeting
    from voting.meetings.services import floor as floor_services
    from voting.membership.models import Person

    secret = folder / "secret.sqlite3"
    # The phones' session cookies are not needed here (signing them in is most of the
    # preparation's time): the votes are handed to the writer directly.
    with mock.patch("voting.meetings.simulate.session_cookie", lambda _app, _person: ""):
        ready = floor.prepare(secret, PORT, VOTERS + WARM_UP, secret=True)
    plain = folder / "open.sqlite3"
    _copy(secret, plain)
    app = create_app(floor.config(plain, PORT))
    with app.app_context():
        meeting = db.session.get(Meeting, ready["meeting"])
        chair = db.session.scalar(select(Person).where(Person.email == floor.WSM_CHAIR))
        motion = next(m for i in meeting.items for m in i.motions)
        polls.annul_poll(chair, polls.get_poll(ready["poll"]), "Prepared for an open poll")
        poll = floor_services.create_poll(chair, meeting, motion=motion, mode=PollMode.OPEN)
        polls.open_poll(chair, poll, confirm_privacy=True)
        opened = {**ready, "poll": poll.id}
        time.sleep(0.3)  # the last coalesced push, before the file is copied
        db.session.remove()
        db.engine.dispose()
    return {"open": (plain, opened), "secret": (secret, ready)}


def _poll(
    folder: Path, kind: str, prepared: Path, ready: dict, modes: tuple[str, str]
) -> list[dict[str, Any]]:
    voters = ready["people"][:VOTERS]
    burst: dict[str, dict] = {}
    single: dict[str, dict] = {}
    for mode in modes:
        for measured, chosen in ((burst, voters), (single, voters[:ONE_BY_ONE])):
            database = folder / f"{kind}-{mode}.sqlite3"
            _copy(prepared, database)
            measured[mode] = _cast(database, ready, mode, chosen, burst=measured is burst)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
    one_by_one = len(voters[:ONE_BY_ONE])
    return _figures(f"{kind} poll, {VOTERS} votes at once", VOTERS, burst) + _figures(
        f"{kind} poll, {one_by_one} votes one at a time", one_by_one, single
    )


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-durability-") as name:
        folder = Path(name)
        bare = {mode: _bare(folder, mode, BARE_COMMITS) for mode in ("NORMAL", "FULL")}
        figures = _figures(
            f"baseline: bare sqlite3, {BARE_COMMITS} commits of one row", BARE_COMMITS, bare
        )
        prepared = _prepare(folder)
        figures += _poll(folder, "open", *prepared["open"], modes=("NORMAL", "FULL"))
        figures += _poll(folder, "secret", *prepared["secret"], modes=("FULL", "NORMAL"))
    return figures
