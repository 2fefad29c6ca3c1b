"""The phones of the load harness (`tests.bench.load`): N python-socketio clients in one
gevent process, each signed in as its own member, spread over the servers' addresses in
turn. Reads its task from a JSON file; prints one JSON line as each stage ends
(`{"stage": ...}`, so the harness can read the servers' CPU between stages) and the
figures last (`{"figures": ...}`).

    python -m tests.bench.load_phones TASK.json

Stages, each bounded in time: connect and join the meeting's member screen; the chair
opens the poll through the API (the bare server: one phone asks for a broadcast), and each
phone notes when the push with the open poll arrives; every phone votes at a random moment
within one second and waits for its acknowledgement; the chair closes the poll through the
API, and each phone notes when the result arrives.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
import socketio  # noqa: E402
from gevent.pool import Pool  # noqa: E402

OUTCOME = re.compile(r'data-outcome="(\w+)"')
CONNECTING_AT_ONCE = 100
VOTE_WINDOW_SECONDS = 1.0
CALL_SECONDS = 120.0  # one acknowledgement, one API call
PUSH_SECONDS = 60.0  # every phone's push of the open poll, of the result
SETTLE_SECONDS = 1.0  # after the joins: their screens' pushes are delivered first
CHOICES = ("yes", "no", "abstain")


def percentile(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else None


def wait_for(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while not check() and time.perf_counter() < deadline:
        gevent.sleep(0.01)


def stage(name: str, **figures: Any) -> None:
    print(json.dumps({"stage": name, **figures}), flush=True)


class Phone:
    """One member's phone: its connection and what it saw, by the phones' clock."""

    def __init__(self, index: int, url: str) -> None:
        self.index, self.url = index, url
        self.client = socketio.Client(reconnection=False)
        self.opened: float | None = None  # when the push with the open poll arrived
        self.decided: float | None = None  # when the result arrived
        self.push_bytes = 0


def main(task: dict[str, Any]) -> dict[str, Any]:
    bare = task["kind"] == "bare"
    ready: dict[str, Any] = task["ready"]
    count: int = task["phones"]
    poll = ready.get("poll", 0)
    api = task["urls"][0] + "/api/v1"
    chair = {"Authorization": f"Bearer {ready.get('token', '')}"}
    marker = f'id="my-ballot-{poll}"'  # only the open poll's region has the member's ballot
    watching = {"open": False, "result": False}
    phones = [Phone(i, task["urls"][i % len(task["urls"])]) for i in range(count)]
    joined: list[Phone] = []
    errors: list[str] = []

    def fragments(phone: Phone, event: dict[str, Any]) -> None:
        html = event.get("html", "") if isinstance(event, dict) else ""
        now = time.perf_counter()
        if watching["open"] and phone.opened is None and (bare or marker in html):
            phone.opened, phone.push_bytes = now, len(html)
        if watching["result"] and phone.decided is None and OUTCOME.search(html):
            phone.decided = now

    def connect(phone: Phone) -> None:
        phone.client.on("fragments", lambda event: fragments(phone, event))
        headers = {}
        if not bare:
            headers = {"Cookie": f"{ready['cookie_name']}={ready['cookies'][phone.index]}"}
        try:
            phone.client.connect(
                phone.url, headers=headers, transports=["websocket"], wait_timeout=30
            )
            join = {"meeting": ready.get("meeting", 0), "view": "member", "version": -1}
            reply = phone.client.call("join", join, timeout=CALL_SECONDS)
        except Exception as error:  # a phone that could not join is counted, not fatal
            errors.append(f"join: {type(error).__name__}: {error}")
            return
        if reply.get("ok"):
            joined.append(phone)
        else:
            errors.append(f"join: {reply}")

    figures: dict[str, Any] = {"phones": count}
    started = time.perf_counter()
    pool = Pool(CONNECTING_AT_ONCE)
    for phone in phones:
        pool.spawn(connect, phone)
    if not pool.join(timeout=task["join_seconds"]):
        pool.kill(block=False)
        errors.append("join: stage timed out")
    figures.update(joined=len(joined), join_seconds=time.perf_counter() - started)
    figures["joined_per_server"] = [sum(1 for p in joined if p.url == url) for url in task["urls"]]
    stage("joined", joined=len(joined))
    if not joined:
        raise RuntimeError(f"no phone joined: {sorted(set(errors))[:3]}")
    gevent.sleep(SETTLE_SECONDS)

    # The poll opens: the chair's API call (or the bare broadcast), timed from the call.
    watching["open"] = True
    opening = time.perf_counter()
    if bare:
        joined[0].client.call("broadcast", {"html": "x" * task["payload"]}, timeout=CALL_SECONDS)
    else:
        answer = requests.post(f"{api}/polls/{poll}/open", json={}, headers=chair, timeout=120)
        if answer.status_code != 200:
            raise RuntimeError(f"the poll did not open: {answer.status_code} {answer.text}")
    figures["open_call_seconds"] = time.perf_counter() - opening
    wait_for(lambda: all(p.opened is not None for p in joined), PUSH_SECONDS)
    reached = [p.opened - opening for p in joined if p.opened is not None]
    figures.update(
        broadcast_reached=len(reached),
        broadcast_p50=percentile(reached, 0.5),
        broadcast_p99=percentile(reached, 0.99),
        broadcast_last=max(reached, default=None),
        push_bytes=percentile([p.push_bytes for p in joined if p.opened is not None], 0.5),
    )
    stage("opened", reached=len(reached))

    # Every phone votes at a random moment within the window and waits for its answer.
    rng = random.Random(14)
    sent: dict[int, float] = {}
    acknowledged: dict[int, tuple[float, str]] = {}  # index -> (when, the choice)
    refused: list[str] = []
    window = time.perf_counter()

    def cast(phone: Phone, at: float) -> None:
        gevent.sleep(max(0.0, window + at - time.perf_counter()))
        choice = CHOICES[phone.index % len(CHOICES)]
        sent[phone.index] = time.perf_counter()
        try:
            if bare:
                reply = phone.client.call("answer", {"choice": choice}, timeout=CALL_SECONDS)
            else:
                vote = {"poll": poll, "choice": choice}
                reply = phone.client.call("vote", vote, timeout=CALL_SECONDS)
        except Exception as error:  # not acknowledged: counted
            refused.append(f"vote: {type(error).__name__}: {error}")
            return
        if reply.get("ok"):
            acknowledged[phone.index] = (time.perf_counter(), choice)
        else:
            refused.append(f"vote: {reply}")

    voting = Pool(len(joined) or 1)
    for phone in joined:
        voting.spawn(cast, phone, rng.uniform(0, VOTE_WINDOW_SECONDS))
    if not voting.join(timeout=VOTE_WINDOW_SECONDS + CALL_SECONDS + 10):
        voting.kill(block=False)
        errors.append("vote: stage timed out")
    latencies = [at - sent[i] for i, (at, _choice) in acknowledged.items()]
    first_send = min(sent.values(), default=window)
    figures.update(
        sent=len(sent),
        acknowledged=len(acknowledged),
        not_acknowledged=len(sent) - len(acknowledged),
        ack_p50=percentile(latencies, 0.5),
        ack_p99=percentile(latencies, 0.99),
        last_ack=max((at for at, _c in acknowledged.values()), default=first_send) - first_send,
        choices={str(ready["people"][i]): c for i, (_at, c) in acknowledged.items()}
        if not bare
        else {},
    )
    errors.extend(refused)
    stage("voted", acknowledged=len(acknowledged))

    if not bare:
        watching["result"] = True
        closing = time.perf_counter()
        answer = requests.post(f"{api}/polls/{poll}/close", headers=chair, timeout=120)
        figures["close_call_seconds"] = time.perf_counter() - closing
        if answer.status_code == 200 and answer.json().get("result"):
            figures["result_cast"] = answer.json()["result"]["cast"]
        else:
            errors.append(f"close: {answer.status_code} {answer.text[:200]}")
        wait_for(lambda: all(p.decided is not None for p in joined), PUSH_SECONDS)
        shown = [p.decided - closing for p in joined if p.decided is not None]
        figures.update(result_reached=len(shown), result_p99=percentile(shown, 0.99))
        stage("closed", reached=len(shown))

    hanging_up = Pool(CONNECTING_AT_ONCE)
    for phone in joined:
        hanging_up.spawn(phone.client.disconnect)
    hanging_up.join(timeout=30)
    figures["errors"] = sorted(set(errors))[:10]
    figures["error_count"] = len(errors)
    return figures


if __name__ == "__main__":
    result = main(json.loads(Path(sys.argv[1]).read_text()))
    print(json.dumps({"figures": result}), flush=True)
