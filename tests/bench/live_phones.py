"""The phones of the live benchmark: N python-socketio clients on loopback, in one gevent
process. Prints one JSON line of timings.

    python -m tests.bench.live_phones app|bare PORT DIR MEMBERS
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
import socketio  # noqa: E402
from gevent.event import Event  # noqa: E402
from gevent.pool import Pool  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(kind: str, port: int, folder: Path, members: int) -> dict[str, float]:
    url = f"http://127.0.0.1:{port}"
    ready = json.loads((folder / "ready.json").read_text())
    received: dict[int, float] = {}
    all_there = Event()
    clients: list[socketio.Client] = []
    marker = "answer-form" if kind == "app" else "consensus-test"

    def connect(index: int) -> None:
        client = socketio.Client(reconnection=False)

        @client.on("fragments")
        def fragments(event):  # type: ignore[no-untyped-def]
            if index not in received and marker in event.get("html", ""):
                received[index] = time.perf_counter()
                if len(received) == members:
                    all_there.set()

        headers = {}
        if kind == "app":
            headers = {"Cookie": f"{ready['cookie_name']}={ready['cookies'][index]}"}
        client.connect(url, headers=headers, transports=["websocket"], wait_timeout=30)
        join = {"meeting": ready.get("meeting", 0), "view": "member", "version": -1}
        reply = client.call("join", join, timeout=60)
        assert reply.get("ok"), reply
        clients.append(client)

    started = time.perf_counter()
    Pool(100).map(connect, range(members))
    connected = time.perf_counter() - started
    gevent.sleep(1)
    received.clear()
    all_there.clear()

    # The chair opens the test for agreement (or the bare server broadcasts as much HTML).
    t0 = time.perf_counter()
    if kind == "app":
        answer = requests.post(
            f"{url}/api/v1/motions/{ready['motion']}/tests",
            headers={"Authorization": f"Bearer {ready['token']}"},
            json={"minutes": 15},
            timeout=60,
        )
        assert answer.status_code == 201, answer.text
        test_id = answer.json()["id"]
    else:
        clients[0].call("broadcast", {"html": "<form class='consensus-test'>" + "x" * 6000})
        test_id = 0
    all_there.wait(timeout=120)
    delays = [received[i] - t0 for i in received]

    # Every phone answers at once; each acknowledgement comes after the commit.
    acks: list[float] = []

    def answer_one(client: socketio.Client) -> None:
        reply = client.call("answer", {"test": test_id, "response": "agree"}, timeout=120)
        assert reply.get("ok"), reply
        acks.append(time.perf_counter())

    t1 = time.perf_counter()
    Pool(members).map(answer_one, clients)
    answered = [a - t1 for a in acks]
    for client in clients:
        client.disconnect()
    return {
        "connected": connected,
        "reached": len(delays),
        "p50": percentile(delays, 0.5),
        "p99": percentile(delays, 0.99),
        "all": max(delays),
        "answers": len(answered),
        "answers_all": max(answered),
        "answers_p50": percentile(answered, 0.5),
    }


if __name__ == "__main__":
    kind, port, folder, members = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(main(kind, port, folder, members)), flush=True)
