"""One of two workers is killed (SIGKILL, its whole gunicorn) in the middle of a burst of
votes from phones on both. Its phones reconnect to the other worker, as the proxy sends
them there, and send again the vote that was not acknowledged, as the page holds an action
until it is answered. In the end every acknowledged vote is in the database, every voter
has voted exactly once, nothing is counted twice, and the phones are shown the full count.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

import pytest

from tests.scale.conftest import Cluster, Phone, wait_for

pytestmark = pytest.mark.slow

VOTERS = 80
SPREAD_SECONDS = 2.0  # the votes are sent over this long...
KILL_AFTER_SECONDS = 0.8  # ...and the first worker is killed this far into the burst
CHOICES = ("yes", "no", "abstain")


def test_killing_a_worker_mid_burst_loses_no_acknowledged_vote_and_counts_none_twice(
    cluster: Cluster,
) -> None:
    ready = cluster.prepare(VOTERS)
    cluster.start()
    phones: list[Phone] = [Phone(cluster, index) for index in range(VOTERS)]
    connecting = [
        threading.Thread(target=phone.connect, args=(index % 2,))
        for index, phone in enumerate(phones)
    ]
    for thread in connecting:
        thread.start()
    for thread in connecting:
        thread.join(30)
    cluster.phones.extend(phones)
    assert all(phone.client is not None for phone in phones), cluster.logs()

    acknowledged: dict[int, str] = {}  # voter index -> what the answer said
    failed: Counter[str] = Counter()
    lock = threading.Lock()
    rng = random.Random(7)
    plan = [(phone, rng.uniform(0, SPREAD_SECONDS)) for phone in phones]

    def cast(phone: Phone, at: float = 0.0) -> None:
        time.sleep(max(0.0, begun + at - time.monotonic()))
        try:
            reply = phone.vote(CHOICES[phone.index % 3], timeout=5)
        except Exception as error:  # its worker died under this call: not acknowledged
            with lock:
                failed[type(error).__name__] += 1
            return
        with lock:
            if reply.get("ok"):
                acknowledged[phone.index] = "already" if reply.get("already") else "stored"
            else:
                failed[f"refused: {reply}"] += 1

    begun = time.monotonic()
    voting = [threading.Thread(target=cast, args=item) for item in plan]
    for thread in voting:
        thread.start()
    time.sleep(KILL_AFTER_SECONDS)
    cluster.kill(0)
    killed_at = time.monotonic()
    for thread in voting:
        thread.join(15)
    on_first = [p for p in phones if p.worker == 0]
    cut_off = [p for p in on_first if p.index not in acknowledged]
    assert cut_off, "the kill did not land inside the burst"
    assert len(acknowledged) > VOTERS // 4, "the kill came before the burst"
    assert not [f for f in failed if f.startswith("refused")], failed

    # The killed worker's phones reconnect to the other and send what was not answered.
    waited = time.monotonic() - killed_at

    def come_back(phone: Phone) -> None:
        phone.hang_up()
        phone.connect(1)
        if phone in cut_off:
            cast(phone)

    back = [threading.Thread(target=come_back, args=(phone,)) for phone in on_first]
    for thread in back:
        thread.start()
    for thread in back:
        thread.join(30)
    answered = time.monotonic() - killed_at
    assert len(acknowledged) == VOTERS, (failed, cluster.logs())

    rows = cluster.sql(
        "SELECT voter_key, cast_by_id FROM participation WHERE poll_id = %s", ready["poll"]
    )
    votes = cluster.sql("SELECT voter_key FROM vote WHERE poll_id = %s", ready["poll"])
    voters = Counter(by for _key, by in rows)
    assert set(voters) == set(ready["people"])  # every acknowledged vote is there
    assert set(voters.values()) == {1}  # one per voter
    assert sorted(key for (key,) in votes) == sorted(key for key, _by in rows)  # none twice
    assert cluster.api(1)["progress"]["voters"] == VOTERS
    wait_for(lambda: all(p.progress == VOTERS for p in phones), 10, "the full count everywhere")
    shown = time.monotonic() - killed_at
    print(
        f"\n{len(cut_off)} of {len(on_first)} phones cut off by the kill; after it: "
        f"{waited:.1f} s until their calls gave up, {answered:.1f} s until all were "
        f"reconnected and answered, {shown:.1f} s until every phone showed the full count"
    )
