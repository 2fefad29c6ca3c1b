"""The Socket.IO events' own work, in one process, with Flask-SocketIO's test client: no
network and no other clients, so the figures are the cost of our handlers and what they
call (the signed-in person, the meeting's screens, the writer), per event.

Measured on the conference floor of `floor.py` (AWL, a poll open): every member joins
the member screen (a full resync, as after a reconnect), with the shared regions cached
for a second (as in a hall) and then with no cache (each join renders the whole screen).
The baseline in the same run is an event that does nothing but answer, through the same
test client and Flask-SocketIO's request context: what every event costs before ours.
Votes are measured with real clients (`bench_votes`): one at a time in a test client they
would measure the group commit's waiting, not the work.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench import floor

MEMBERS = int(os.environ.get("BENCH_EVENT_MEMBERS", "300"))


def _clients(app: Any, ready: dict[str, Any]) -> list[Any]:
    from voting.core.extensions import socketio

    clients = []
    for cookie in ready["cookies"]:
        page = app.test_client()
        page.set_cookie(ready["cookie_name"], cookie)
        clients.append(socketio.test_client(app, flask_test_client=page))
    return clients


def _each(clients: list[Any], send: Any) -> list[float]:
    took = []
    for client in clients:
        started = time.perf_counter()
        reply = send(client)
        took.append(time.perf_counter() - started)
        assert reply and "error" not in reply, reply
    return took


def run() -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="bench-events-"))
    database = folder / "floor.sqlite3"
    ready = floor.prepare(database, 5000, MEMBERS)

    from voting.app import create_app
    from voting.core.extensions import socketio

    app = create_app({**floor.config(database, 5000), "LIVE_COALESCE_SECONDS": 0.1})

    @socketio.on("bench_echo")
    def echo(data: Any = None) -> dict[str, bool]:
        return {"ok": True}

    clients = _clients(app, ready)
    join = {"meeting": ready["meeting"], "view": "member", "version": -1}

    def joined(client: Any) -> Any:
        reply = client.emit("join", join, callback=True)
        client.get_received()
        return reply

    echoes = _each(clients, lambda c: c.emit("bench_echo", {}, callback=True))
    joins = _each(clients, joined)
    app.config["LIVE_JOIN_CACHE_SECONDS"] = 0
    uncached = _each(clients, joined)
    for client in clients:
        client.disconnect()

    def figure(name: str, took: list[float], note: str) -> dict:
        return {"name": name, "seconds": statistics.median(took), "n": len(took), "note": note}

    return [
        figure(
            "events: join the member screen (full resync), median",
            joins,
            "shared regions cached for 1 s; in-process",
        ),
        figure(
            "events: join, every screen rendered anew, median",
            uncached,
            "no cache; in-process",
        ),
        figure("baseline: an event that only answers, median", echoes, "same test client"),
    ]
