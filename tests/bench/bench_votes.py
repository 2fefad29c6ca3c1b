"""Votes on the floor: 2,000 phones in one meeting on one gevent process (SQLite), all
voting within one second over Socket.IO.

Measured: how many votes are acknowledged (each after its commit), the acknowledgement
latency (p50, p99), how long after the last acknowledgement the phones see every vote in
the pushed progress, and once the chair closes the poll, how long until the result is in
the API's answer and on the phones. Beside it, in the same run, the same clients on a bare
python-socketio server: an echo with acknowledgement from every phone within one second,
and one broadcast of a fragment of about the same size. The phones run in a process of
their own, apart from the server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.bench import floor

ROOT = Path(__file__).resolve().parents[2]
PHONES = int(os.environ.get("BENCH_PHONES", "2000"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(kind: str, folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if kind == "app":
        ready = floor.prepare(folder / "floor.sqlite3", port, PHONES)
        (folder / "ready.json").write_text(json.dumps(ready))
        env.update(floor.environment(folder / "floor.sqlite3", port))
        command = [sys.executable, "wsgi.py"]
    else:
        command = [sys.executable, "-m", "tests.bench.live_server", "bare", *_args(port, folder)]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while True:
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError(f"the {kind} server did not start")
        if (folder / "ready.json").exists() and _answers(kind, folder, port):
            return server
        time.sleep(0.2)


def _answers(kind: str, folder: Path, port: int) -> bool:
    if kind == "bare":
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0
    ready = json.loads((folder / "ready.json").read_text())
    try:
        return (
            requests.get(
                f"http://127.0.0.1:{port}/api/v1/polls/{ready['poll']}",
                headers={"Authorization": f"Bearer {ready['token']}"},
                timeout=5,
            ).status_code
            == 200
        )
    except requests.ConnectionError:
        return False


def _args(port: int, folder: Path) -> list[str]:
    return [str(port), str(folder), str(PHONES)]


def _measure(kind: str) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-votes-{kind}-"))
    port = _free_port()
    server = _start(kind, folder, port)
    try:
        phones = subprocess.run(
            [sys.executable, "-m", "tests.bench.vote_phones", kind, *_args(port, folder)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=900,
            check=True,
        )
        return json.loads(phones.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=10)


def run() -> list[dict]:
    app, bare = _measure("app"), _measure("bare")
    acked = f"{int(app['acknowledged'])} of {PHONES} acknowledged after commit"
    return [
        {
            "name": "votes: all acknowledged (cast within 1 s)",
            "seconds": app["all_acknowledged"],
            "n": int(app["acknowledged"]),
            "note": f"{acked}; {int(app['failures'])} failed",
        },
        *(
            {"name": f"votes: acknowledgement {p}", "seconds": app[f"ack_{p}"], "n": PHONES}
            | {"note": acked}
            for p in ("p50", "p99")
        ),
        {
            "name": "votes: full progress reaches phones after last ack, p50",
            "seconds": app["progress_p50"],
            "n": int(app["progress_reached"]),
            "note": "pushes coalesced for 0.1 s",
        },
        {
            "name": "votes: full progress reaches phones after last ack, p99",
            "seconds": app["progress_p99"],
            "n": int(app["progress_reached"]),
            "note": "pushes coalesced for 0.1 s",
        },
        {
            "name": "votes: close to result in the API answer",
            "seconds": app["close_api"],
            "n": int(app["result_cast"]),
            "note": "count from the snapshot, recorded, returned",
        },
        {
            "name": "votes: close to result on phones, p99",
            "seconds": app["result_p99"],
            "n": int(app["result_reached"]),
            "note": f"p50 {app['result_p50'] * 1000:.0f} ms",
        },
        {
            "name": "votes: phones connected and joined",
            "seconds": app["connected"],
            "n": PHONES,
            "note": "100 connecting at a time",
        },
        {
            "name": "baseline: bare echo, all acknowledged (sent within 1 s)",
            "seconds": bare["all_acknowledged"],
            "n": int(bare["acknowledged"]),
            "note": f"{int(bare['failures'])} failed",
        },
        {
            "name": "baseline: bare echo acknowledgement p50",
            "seconds": bare["ack_p50"],
            "n": PHONES,
            "note": "",
        },
        {
            "name": "baseline: bare echo acknowledgement p99",
            "seconds": bare["ack_p99"],
            "n": PHONES,
            "note": "",
        },
        {
            "name": "baseline: bare broadcast reaches phones, p50",
            "seconds": bare["progress_p50"],
            "n": int(bare["progress_reached"]),
            "note": "one 4 kB fragment to every phone",
        },
        {
            "name": "baseline: bare broadcast reaches phones, p99",
            "seconds": bare["progress_p99"],
            "n": int(bare["progress_reached"]),
            "note": "one 4 kB fragment to every phone",
        },
        {
            "name": "baseline: bare phones connected and joined",
            "seconds": bare["connected"],
            "n": PHONES,
            "note": "100 connecting at a time",
        },
    ]
