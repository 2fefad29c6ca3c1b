"""The phones of the voting benchmark: N python-socketio clients on loopback, in one gevent
process apart from the server. Prints one JSON line of timings.

    python -m tests.bench.vote_phones app|bare PORT DIR MEMBERS

`app`: every phone joins the meeting's member screen, then all vote within one second
(each at a random moment); measured: acknowledgements and their latency, how long after
the last acknowledgement the phones see the full progress, and, once the chair closes the
poll, how long the result takes to be in the API's answer and on the phones.
`bare`: the same clients on a bare python-socketio server: an echo with acknowledgement
from every phone within one second, and one broadcast of a fragment of the same size.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
import socketio  # noqa: E402
from gevent.pool import Pool  # noqa: E402

PROGRESS = re.compile(r'data-progress="(\d+)/(\d+)"')
OUTCOME = re.compile(r'data-outcome="(\w+)"')
SPREAD_SECONDS = 1.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def wait_for(check, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + seconds
    while not check() and time.perf_counter() < deadline:
        gevent.sleep(0.01)


def main(kind: str, port: int, folder: Path, members: int) -> dict[str, float]:
    url = f"http://127.0.0.1:{port}"
    ready = json.loads((folder / "ready.json").read_text())
    counted: dict[int, list[tuple[float, int]]] = {}  # (when, votes counted) seen by each phone
    decided: dict[int, float] = {}  # when each phone first saw the result
    broadcast: dict[int, float] = {}
    clients: list[socketio.Client] = []

    def connect(index: int) -> None:
        client = socketio.Client(reconnection=False)

        @client.on("fragments")
        def fragments(event):  # type: ignore[no-untyped-def]
            html = event.get("html", "")
            now = time.perf_counter()
            if kind == "bare":
                broadcast.setdefault(index, now)
                return
            progress = PROGRESS.search(html)
            if progress:
                counted.setdefault(index, []).append((now, int(progress.group(1))))
            outcome = OUTCOME.search(html)
            if outcome and index not in decided:
                decided[index] = now

        headers = {}
        if kind == "app":
            headers = {"Cookie": f"{ready['cookie_name']}={ready['cookies'][index]}"}
        client.connect(url, headers=headers, transports=["websocket"], wait_timeout=30)
        join = {"meeting": ready.get("meeting", 0), "view": "member", "version": -1}
        reply = client.call("join", join, timeout=120)
        assert reply.get("ok"), reply
        clients.append(client)

    started = time.perf_counter()
    Pool(100).map(connect, range(members))
    connected = time.perf_counter() - started
    _mark("joined")
    gevent.sleep(1)
    counted.clear()

    # Every phone votes (or echoes) at a random moment within one second.
    rng = random.Random(5)
    latencies: list[float] = []
    acks: list[float] = []
    failures: list[str] = []
    t0 = time.perf_counter()

    def cast(index: int, client: socketio.Client) -> None:
        gevent.sleep(max(0.0, t0 + rng.uniform(0, SPREAD_SECONDS) - time.perf_counter()))
        sent = time.perf_counter()
        try:
            if kind == "app":
                choice = ("yes", "no", "abstain")[index % 3]
                reply = client.call("vote", {"poll": ready["poll"], "choice": choice}, timeout=120)
            else:
                reply = client.call("answer", {"choice": "yes"}, timeout=120)
        except Exception as error:  # counted as not acknowledged
            failures.append(type(error).__name__)
            return
        if not reply.get("ok"):
            failures.append(str(reply))
            return
        now = time.perf_counter()
        latencies.append(now - sent)
        acks.append(now)

    Pool(members).map(lambda pair: cast(*pair), list(enumerate(clients)))
    last_ack = max(acks) if acks else t0
    _mark("voted")
    result: dict[str, float] = {
        "connected": connected,
        "acknowledged": len(latencies),
        "failures": len(failures),
        "ack_p50": percentile(latencies, 0.5),
        "ack_p99": percentile(latencies, 0.99),
        "all_acknowledged": last_ack - t0,
    }

    if kind == "app":
        total = len(acks)

        def saw_all(index: int) -> float | None:
            return next((at for at, n in counted.get(index, []) if n >= total), None)

        wait_for(lambda: all(saw_all(i) is not None for i in range(len(clients))), 60)
        seen = [at - last_ack for i in range(len(clients)) if (at := saw_all(i)) is not None]
        result.update(
            # How many progress pushes each phone decoded during the burst (mean).
            progress_pushes=sum(len(c) for c in counted.values()) / max(1, len(clients)),
            progress_reached=len(seen),
            progress_p50=percentile(seen, 0.5),
            progress_p99=percentile(seen, 0.99),
        )
        closing = time.perf_counter()
        answer = requests.post(
            f"{url}/api/v1/polls/{ready['poll']}/close",
            headers={"Authorization": f"Bearer {ready['token']}"},
            timeout=120,
        )
        assert answer.status_code == 200 and answer.json()["result"], answer.text
        result["close_api"] = time.perf_counter() - closing
        result["result_cast"] = answer.json()["result"]["cast"]
        wait_for(lambda: len(decided) == len(clients), 60)
        shown = [at - closing for at in decided.values()]
        result.update(
            result_reached=len(shown),
            result_p50=percentile(shown, 0.5),
            result_p99=percentile(shown, 0.99),
        )
    else:
        t1 = time.perf_counter()
        clients[0].call("broadcast", {"html": "<section class='poll'>" + "x" * 4000})
        wait_for(lambda: len(broadcast) == len(clients), 60)
        reached = [at - t1 for at in broadcast.values()]
        result.update(
            progress_reached=len(reached),
            progress_p50=percentile(reached, 0.5),
            progress_p99=percentile(reached, 0.99),
        )
    for client in clients:
        client.disconnect()
    return result


def _mark(stage: str) -> None:
    """Say which stage the phones reached in the file BENCH_MARK names, if any (for a
    profiler watching the server during one stage)."""
    if os.environ.get("BENCH_MARK"):
        Path(os.environ["BENCH_MARK"]).write_text(stage)


if __name__ == "__main__":
    kind, port, folder, members = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(main(kind, port, folder, members)), flush=True)
