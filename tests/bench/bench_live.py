"""Live meeting: 2,000 phones in one meeting on one gevent process.

The chair opens a test for agreement; measured: the time until every phone has it
(p50, p99, all) and the time for 2,000 answers to be acknowledged (each after its
commit). Beside it, the same clients on a bare python-socketio server broadcasting a
fragment of the same size: the baseline.
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

ROOT = Path(__file__).resolve().parents[2]
PHONES = int(os.environ.get("BENCH_PHONES", "2000"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _measure(kind: str) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    port = _free_port()
    args = [str(port), str(folder), str(PHONES)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.live_server", kind, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while not (folder / "ready.json").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the {kind} server did not start")
            time.sleep(0.2)
        time.sleep(1)
        phones = subprocess.run(
            [sys.executable, "-m", "tests.bench.live_phones", kind, *args],
            cwd=ROOT,
            env=env,
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
    figures = []
    for kind, label in (("app", "meeting"), ("bare", "baseline: bare python-socketio")):
        m = _measure(kind)
        note = f"{int(m['reached'])} of {PHONES} phones reached"
        figures += [
            {
                "name": f"{label}: test reaches phones, p50",
                "seconds": m["p50"],
                "n": PHONES,
                "note": note,
            },
            {
                "name": f"{label}: test reaches phones, p99",
                "seconds": m["p99"],
                "n": PHONES,
                "note": note,
            },
            {
                "name": f"{label}: test reaches all phones",
                "seconds": m["all"],
                "n": PHONES,
                "note": note,
            },
            {
                "name": f"{label}: all answers acknowledged",
                "seconds": m["answers_all"],
                "n": int(m["answers"]),
                "note": f"median ack {m['answers_p50'] * 1000:.0f} ms",
            },
            {
                "name": f"{label}: phones connected and joined",
                "seconds": m["connected"],
                "n": PHONES,
                "note": "100 connecting at a time",
            },
        ]
    return figures
