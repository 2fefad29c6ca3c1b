"""`flask voting simulate` runs in a process of its own, beside the server: its members
check in through the server, so every screen sees them arrive at once (a command writing
the check-ins itself could push to nobody: the server would show them only at its next
change)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from flask import Flask

from tests.meetings.test_socket_hardening import connect, served  # noqa: F401  (fixtures)
from voting.core.extensions import db
from voting.meetings.models import CheckIn, Meeting

ROOT = Path(__file__).resolve().parents[2]
PRESENT = re.compile(r'data-present="(\d+)"')


def test_simulated_members_checking_in_reach_the_chair_s_screen_at_once(
    conference: Meeting,
    live: Flask,
    served: str,
    connect,  # noqa: F811
) -> None:
    meeting_id = conference.id
    before = db.session.query(CheckIn).filter_by(meeting_id=meeting_id).count()
    db.session.remove()
    chair = connect("chris@wri.example")
    seen: list[int] = []
    arrived = threading.Event()

    def on_fragments(event: dict) -> None:
        seen.extend(int(n) for n in PRESENT.findall(event.get("html", "")))
        if seen and max(seen) >= before + 3:
            arrived.set()

    chair.on("fragments", on_fragments)
    reply = chair.call("join", {"meeting": meeting_id, "view": "chair", "version": 0}, timeout=5)
    assert not (reply or {}).get("error"), reply

    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": live.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": live.config["SECRET_KEY"],
        "PUBLIC_URL": served,
    }
    started = time.monotonic()
    command = [sys.executable, "-m", "flask", "voting", "simulate", "--meeting", str(meeting_id)]
    done = subprocess.run(
        [*command, "--members", "3", "--seconds", "1", "--seed", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "refused" not in done.stdout, done.stdout
    assert arrived.wait(10), f"the chair's screen showed {seen}, not {before + 3} present"
    assert time.monotonic() - started < 60
    db.session.rollback()  # a fresh read: the check-ins were written by the server
    assert db.session.query(CheckIn).filter_by(meeting_id=meeting_id).count() == before + 3
