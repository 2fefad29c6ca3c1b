"""A stream of changes is pushed at a pace set by the hall's size: the real server (gevent,
SQLite file) with phones connected over Socket.IO, votes arriving every 0.1 s; the pushes
of the progress come no closer together than the pace, the last one shows every vote,
and a change after a quiet spell still goes out at once."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import socketio

from tests.ballots.test_kill_during_burst import ROOT, free_port, stop, wait_ready
from tests.bench import floor

PHONES = 20
PER_SCREEN = 0.05  # 20 screens: at most one push a second
PROGRESS = re.compile(r'data-progress="(\d+)/(\d+)"')

pytestmark = pytest.mark.slow


def test_a_stream_of_votes_is_pushed_at_the_halls_pace_and_the_last_push_is_complete(
    tmp_path: Path,
) -> None:
    database, port = tmp_path / "floor.sqlite3", free_port()
    ready = floor.prepare(database, port, PHONES)
    env = {
        **os.environ,
        **floor.environment(database, port),
        "PYTHONPATH": str(ROOT),
        "LIVE_COALESCE_SECONDS": "0.05",
        "LIVE_PUSH_SECONDS_PER_SCREEN": str(PER_SCREEN),
    }
    with (tmp_path / "server.log").open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    phones: list[socketio.Client] = []
    seen: list[tuple[float, int]] = []  # (when, votes counted) as the first phone saw them
    lock = threading.Lock()
    try:
        wait_ready(server, port, ready)
        for index in range(PHONES):
            phone = socketio.Client(reconnection=False)
            if index == 0:

                @phone.on("fragments")
                def fragments(event):  # type: ignore[no-untyped-def]
                    found = PROGRESS.search(event.get("html", ""))
                    if found:
                        with lock:
                            seen.append((time.monotonic(), int(found.group(1))))

            phone.connect(
                f"http://127.0.0.1:{port}",
                headers={"Cookie": f"{ready['cookie_name']}={ready['cookies'][index]}"},
                transports=["websocket"],
                wait_timeout=20,
            )
            join = {"meeting": ready["meeting"], "view": "member", "version": -1}
            assert phone.call("join", join, timeout=20)["ok"]
            phones.append(phone)
        time.sleep(1.5)  # quiet: the joins' pushes (if any) are behind us
        seen.clear()

        sent_first = time.monotonic()
        assert phones[0].call("vote", {"poll": ready["poll"], "choice": "yes"}, timeout=20)["ok"]
        time.sleep(0.6)
        with lock:
            first = list(seen)
        assert first and first[0][1] == 1, "the first vote after a quiet spell was not pushed"
        assert first[0][0] - sent_first < 0.6

        for phone in phones[1:]:  # a stream: a vote every 0.1 s for about 2 s
            assert phone.call("vote", {"poll": ready["poll"], "choice": "no"}, timeout=20)["ok"]
            time.sleep(0.1)
        last_ack = time.monotonic()
        pace = PHONES * PER_SCREEN
        deadline = last_ack + pace + 2
        while time.monotonic() < deadline and (not seen or seen[-1][1] < PHONES):
            time.sleep(0.05)
        with lock:
            pushes = list(seen)
    finally:
        for phone in phones:
            phone.disconnect()
        stop(server)

    assert pushes[-1][1] == PHONES, f"the last push shows {pushes[-1][1]} of {PHONES} votes"
    assert pushes[-1][0] - last_ack < pace + 0.5
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(pushes)]
    assert gaps and min(gaps) > pace * 0.8, f"pushes closer than the pace: {gaps}"
    # Without the pace, about 20 pushes would have come (one per vote, 0.1 s apart).
    assert len(pushes) <= 2 + 2.0 / pace + 1
