"""What sealing secret ballots costs: one envelope sealed and opened, beside packing the
same counts without sealing; then casting and counting a poll of N delegates on an
SQLite file, secret (sealed) beside open (plain rows), in the same run and process.
"""

from __future__ import annotations

import os
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.bench import floor

VOTERS = int(os.environ.get("BENCH_SEALED_VOTERS", "400"))
ENVELOPES = 2000


def _envelopes() -> list[dict[str, Any]]:
    from nacl.public import PrivateKey

    from voting.ballots import sealing

    private = PrivateKey.generate()
    public = private.public_key.encode().hex()
    counts = [2, 0, 1]
    started = time.perf_counter()
    for _i in range(ENVELOPES):
        struct.pack(">3I", *counts)
    packed = time.perf_counter() - started
    started = time.perf_counter()
    sealed = [sealing.seal(public, counts) for _i in range(ENVELOPES)]
    sealing_time = time.perf_counter() - started
    started = time.perf_counter()
    for envelope in sealed:
        sealing.unseal(private, envelope, 3)
    opening = time.perf_counter() - started
    return [
        {
            "name": "baseline: pack counts, no sealing",
            "seconds": packed,
            "n": ENVELOPES,
            "note": "",
        },
        {"name": "seal one envelope each", "seconds": sealing_time, "n": ENVELOPES, "note": ""},
        {"name": "open one envelope each", "seconds": opening, "n": ENVELOPES, "note": ""},
    ]


def _poll(secret: bool) -> list[dict[str, Any]]:
    """Every delegate casts one at a time (a commit each), then the chair closes."""
    from voting.app import create_app
    from voting.ballots.models import PollMode
    from voting.ballots.services import polls
    from voting.core.extensions import db
    from voting.membership.models import Person

    kind = "secret" if secret else "baseline: open"
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        ready = floor.prepare(database, 5999, VOTERS, secret=True)
        app = create_app(floor.config(database, 5999))
        with app.app_context():
            from voting.meetings.models import Meeting
            from voting.meetings.services import floor as floor_services

            meeting = db.session.get(Meeting, ready["meeting"])
            delegates = db.session.scalars(
                select(Person).where(Person.id.in_(ready["people"])).order_by(Person.id)
            ).all()
            chair = db.session.scalar(select(Person).where(Person.email == floor.WSM_CHAIR))
            motion = next(m for i in meeting.items for m in i.motions)
            polls.annul_poll(chair, polls.get_poll(ready["poll"]), "Prepared for another run")
            poll = floor_services.create_poll(
                chair, meeting, motion=motion, mode=PollMode.SECRET if secret else PollMode.OPEN
            )
            polls.open_poll(chair, poll, confirm_privacy=True)
            started = time.perf_counter()
            for n, delegate in enumerate(delegates):
                polls.cast(delegate, poll, choice=("yes", "no", "abstain")[n % 3])
            casting = time.perf_counter() - started
            started = time.perf_counter()
            polls.close_poll(chair, poll)
            closing = time.perf_counter() - started
            time.sleep(0.5)  # the last coalesced push, before the file goes
            db.session.remove()
            db.engine.dispose()
    return [
        {"name": f"{kind} poll: cast one at a time", "seconds": casting, "n": VOTERS, "note": ""},
        {"name": f"{kind} poll: close and count", "seconds": closing, "n": VOTERS, "note": ""},
    ]


def run() -> list[dict[str, Any]]:
    return _envelopes() + _poll(secret=False) + _poll(secret=True)
