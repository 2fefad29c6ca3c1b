"""A vote acknowledged to a phone is committed: the real server (gevent, SQLite file) is
killed with SIGKILL in the middle of a burst of votes from many Socket.IO clients; after a
restart every acknowledged vote is there, and exactly one per voter.

The same for a secret poll of delegates carrying different weights: after the restart the
poll's key is gone from memory, the teller key counts it, and every stored choice is the
one its voter sent.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.bench import floor

ROOT = Path(__file__).resolve().parents[2]
VOTERS = 120
SPREAD_SECONDS = 2.0  # the votes are sent over this long...
KILL_AFTER_SECONDS = 0.8  # ...and the server is killed this far into the burst

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **floor.environment(database, port), "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def wait_ready(server: subprocess.Popen[bytes], port: int, ready: dict[str, Any]) -> dict:
    url = f"http://127.0.0.1:{port}/api/v1/polls/{ready['poll']}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            answer = requests.get(
                url, headers={"Authorization": f"Bearer {ready['token']}"}, timeout=5
            )
            if answer.status_code == 200:
                return answer.json()
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not answer")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.kill()
    server.wait(timeout=10)


CHOICES = ("yes", "no", "abstain")


def planned(index: int) -> str:
    """The choice voter `index` sends (and sends again)."""
    return CHOICES[index % 3]


def burst(server, ready, url, log, clients):  # type: ignore[no-untyped-def]
    """Connect every voter, then vote (each twice) over SPREAD_SECONDS and kill the server
    KILL_AFTER_SECONDS in. Returns the acknowledged (person, keys) and the failures."""
    lock = threading.Lock()

    def connect(index: int) -> None:
        client = socketio.Client(reconnection=False)
        cookie = f"{ready['cookie_name']}={ready['cookies'][index]}"
        client.connect(url, headers={"Cookie": cookie}, transports=["websocket"])
        with lock:
            clients.append((index, client))

    threads = [threading.Thread(target=connect, args=(i,)) for i in range(VOTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(clients) == VOTERS, log.read_text()[-2000:]

    # Each voter votes once and resends the same vote: two calls each, spread out.
    acknowledged: list[tuple[int, list[str]]] = []
    failed: Counter[str] = Counter()
    rng = random.Random(11)
    plan = [(index, client, rng.uniform(0, SPREAD_SECONDS)) for index, client in clients]
    plan += [(index, client, at + rng.uniform(0, 0.3)) for index, client, at in plan]
    begun = time.monotonic()

    def cast(index: int, client: socketio.Client, at: float) -> None:
        time.sleep(max(0.0, begun + at - time.monotonic()))
        try:
            reply = client.call(
                "vote", {"poll": ready["poll"], "choice": planned(index)}, timeout=5
            )
        except Exception as error:  # the server died under this call: not acknowledged
            with lock:
                failed[type(error).__name__] += 1
            return
        with lock:
            if reply.get("ok"):
                acknowledged.append((ready["people"][index], reply["keys"]))
            elif "already recorded" in str(reply.get("error", "")):
                acknowledged.append((ready["people"][index], []))  # the first was stored
            else:
                failed[f"refused: {reply}"] += 1

    voting = [threading.Thread(target=cast, args=item) for item in plan]
    for thread in voting:
        thread.start()
    time.sleep(KILL_AFTER_SECONDS)
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)
    for thread in voting:
        thread.join(15)
    return acknowledged, failed


def test_every_acknowledged_vote_survives_a_kill_in_the_middle_of_a_burst(tmp_path) -> None:
    port = free_port()
    database = tmp_path / "floor.sqlite3"
    log = tmp_path / "server.log"
    ready = floor.prepare(database, port, VOTERS)
    url = f"http://127.0.0.1:{port}"
    server = start_server(database, port, log)
    clients: list[tuple[int, socketio.Client]] = []
    try:
        wait_ready(server, port, ready)
        acknowledged, failed = burst(server, ready, url, log, clients)

        voters_acknowledged = {person for person, _keys in acknowledged}
        assert 0 < len(voters_acknowledged) < VOTERS, "the kill did not land inside the burst"
        assert not [f for f in failed if f.startswith("refused")], failed

        # Restart on the same database file: the server recovers it and serves again.
        server = start_server(database, port, log)
        served = wait_ready(server, port, ready)
        stop(server)

        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = connection.execute(
                "SELECT voter_key, cast_by_id FROM participation WHERE poll_id = ?",
                (ready["poll"],),
            ).fetchall()
            votes = connection.execute(
                "SELECT voter_key FROM vote WHERE poll_id = ?", (ready["poll"],)
            ).fetchall()
        stored = {key for key, _by in rows}
        for _person, keys in acknowledged:
            assert set(keys) <= stored  # every acknowledged vote is there
        assert voters_acknowledged <= {by for _key, by in rows}
        assert set(Counter(by for _key, by in rows).values()) == {1}  # one per voter
        assert sorted(key for (key,) in votes) == sorted(stored)
        assert served["progress"]["voters"] == len(rows)
    finally:
        for _index, client in clients:
            with contextlib.suppress(Exception):  # the server is gone: nothing to close
                client.disconnect()
        stop(server)


def test_a_secret_weighted_poll_killed_mid_burst_counts_every_acknowledged_choice(
    tmp_path,
) -> None:
    port = free_port()
    database = tmp_path / "floor.sqlite3"
    log = tmp_path / "server.log"
    ready = floor.prepare(database, port, VOTERS, secret=True)
    weights = {int(k): v for k, v in ready["weights"].items()}
    assert len(set(weights.values())) > 1, "the test needs different weights"
    choice_of = {person: planned(index) for index, person in enumerate(ready["people"])}
    url = f"http://127.0.0.1:{port}"
    chair = {"Authorization": f"Bearer {ready['token']}"}
    poll_url = f"{url}/api/v1/polls/{ready['poll']}"
    server = start_server(database, port, log)
    clients: list[tuple[int, socketio.Client]] = []
    try:
        wait_ready(server, port, ready)
        acknowledged, failed = burst(server, ready, url, log, clients)
        voters_acknowledged = {person for person, _keys in acknowledged}
        assert 0 < len(voters_acknowledged) < VOTERS, "the kill did not land inside the burst"
        assert not [f for f in failed if f.startswith("refused")], failed

        # Until the count nothing in the file holds a choice: only sealed envelopes.
        with sqlite3.connect(database) as connection:
            clear = connection.execute("SELECT count(*) FROM secret_ballot").fetchone()[0]
            lengths = {
                n for (n,) in connection.execute("SELECT length(envelope) FROM sealed_ballot")
            }
        assert clear == 0 and len(lengths) == 1

        # The restarted server has the public key but not the private one: it waits for the
        # tellers. A wrong key is refused with a sentence; the right one lets the poll go on.
        server = start_server(database, port, log)
        served = wait_ready(server, port, ready)
        assert served["waiting_for_tellers"] is True and served["status"] == "open"
        wrong = requests.post(
            f"{poll_url}/teller-keys",
            json={"keys": [f"{ready['poll']}-1-" + "A" * 52]},
            headers=chair,
            timeout=10,
        )
        assert wrong.status_code == 422, wrong.text
        assert "do not open this poll" in wrong.json()["error"]["message"]
        given = requests.post(
            f"{poll_url}/teller-keys",
            json={"keys": [ready["teller_key"]]},
            headers=chair,
            timeout=10,
        )
        assert given.status_code == 200, given.text
        assert given.json()["waiting_for_tellers"] is False
        closed = requests.post(f"{poll_url}/close", headers=chair, timeout=10)
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
        stop(server)

        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            casters = [
                by
                for (by,) in connection.execute(
                    "SELECT cast_by_id FROM participation WHERE poll_id = ?", (ready["poll"],)
                )
            ]
            stored = Counter(
                c
                for (c,) in connection.execute(
                    "SELECT choice FROM secret_ballot WHERE poll_id = ?", (ready["poll"],)
                )
            )
            sealed = connection.execute("SELECT count(*) FROM sealed_ballot").fetchone()[0]
        assert voters_acknowledged <= set(casters)  # every acknowledged vote is there
        assert set(Counter(casters).values()) == {1}  # one per voter
        # Every stored unit of weight is the choice its voter sent: the count of the stored
        # ballots is exactly what the voters who are recorded sent, weight for weight.
        expected = Counter()
        for person in casters:
            expected[choice_of[person]] += weights[person]
        assert stored == expected
        assert closed.json()["result"]["totals"] == {c: expected[c] for c in CHOICES}
        assert sealed == 0  # the envelopes are erased once counted
        # The server's own log (both runs) carries no choice.
        assert not re.search(r"\b(yes|abstain|choice)\b", log.read_text())
    finally:
        for _index, client in clients:
            with contextlib.suppress(Exception):
                client.disconnect()
        stop(server)
