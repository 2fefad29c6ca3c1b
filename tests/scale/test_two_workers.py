"""Two workers of one installation (PostgreSQL, Redis): a vote cast through a phone on one
is pushed to the phones on the other; a phone that missed a push of one worker finds out
from the next push of the other and is sent its whole screen again over its connection;
a deadline that both workers watch closes the poll once, and both workers' phones see the
result; two workers writing to one meeting at the same moment give each change a version
of its own."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from tests.bench import floor
from tests.scale.conftest import Cluster, wait_for

pytestmark = pytest.mark.slow


def test_a_vote_through_one_worker_reaches_the_phones_on_the_other(cluster: Cluster) -> None:
    cluster.prepare(4)
    cluster.start()
    first = cluster.phone(0, worker=0)
    second = cluster.phone(1, worker=1)
    assert first.progress == second.progress == 0

    assert first.vote("yes")["ok"]
    wait_for(
        lambda: second.progress == 1, 10, f"the vote on worker 1 on worker 2\n{cluster.logs()}"
    )

    assert second.vote("no")["ok"]
    wait_for(lambda: first.progress == 2, 10, f"the vote on worker 2 on worker 1\n{cluster.logs()}")
    assert cluster.api(0)["progress"]["voters"] == cluster.api(1)["progress"]["voters"] == 2
    assert first.gaps == second.gaps == 0  # no push was missed: none was taken for a gap


def test_a_push_missed_from_one_worker_is_repaired_by_the_next_from_the_other(
    cluster: Cluster,
) -> None:
    cluster.prepare(4)
    cluster.start()
    voter = cluster.phone(0, worker=0)
    watcher = cluster.phone(1, worker=1)  # sees every push
    lossy = cluster.phone(2, worker=1)  # loses the next one
    other_voter = cluster.phone(3, worker=1)
    shown = lossy.version

    lossy.missing = 1
    assert voter.vote("yes")["ok"]  # worker 1 commits it and pushes it
    wait_for(lambda: watcher.progress == 1, 10, "the first vote's push")
    assert lossy.progress == 0 and lossy.version == shown  # lost on the way

    # Worker 2 pushes the next change: its event says which version came before it (the
    # one worker 1 sent), so the screen knows it missed one and asks for its whole screen.
    assert other_voter.vote("no")["ok"]
    wait_for(lambda: lossy.progress == 2, 10, f"the resync after the gap\n{cluster.logs()}")
    assert lossy.gaps == 1 and lossy.resyncs == 1
    assert lossy.version >= watcher.version > shown


def test_a_deadline_both_workers_watch_closes_the_poll_once(cluster: Cluster) -> None:
    ready = cluster.prepare(4, minutes=30)
    cluster.start()  # both watch: each has served a request
    phones = [cluster.phone(0, worker=0), cluster.phone(1, worker=1)]
    assert phones[0].vote("yes")["ok"] and phones[1].vote("yes")["ok"]

    # Moved to a few seconds from now: both watchers find it at their next look (every
    # half second here) and sleep until then.
    closes = datetime.now(UTC) + timedelta(seconds=2)
    cluster.sql("UPDATE poll SET closes_at = %s WHERE id = %s", closes, ready["poll"])

    for phone in phones:
        wait_for(lambda p=phone: p.outcome == "carried", 15, f"the result\n{cluster.logs()}")
    assert cluster.api(1)["status"] == "closed"
    counted = cluster.sql(
        "SELECT action, count(*) FROM audit_event WHERE action IN ('poll.closed', 'poll.ballots')"
        " AND CAST(data AS jsonb) ->> 'poll' = %s GROUP BY action",
        str(ready["poll"]),
    )
    assert dict(counted) == {"poll.closed": 1, "poll.ballots": 1}


def test_two_workers_writing_to_one_meeting_at_once_give_each_change_its_own_version(
    cluster: Cluster,
) -> None:
    from voting.app import create_app
    from voting.core.database import transaction
    from voting.core.extensions import db
    from voting.meetings.models import Meeting
    from voting.meetings.services.changes import changed

    ready = cluster.prepare(2)
    settings = {**floor.config(cluster.database, cluster.ports[0]), "LIVE_COALESCE_SECONDS": 0}
    workers = [create_app(settings) for _ in range(2)]  # two engines, as two processes have
    (before,) = cluster.sql("SELECT version FROM meeting WHERE id = %s", ready["meeting"])[0]
    both_read = threading.Barrier(2, timeout=20)
    errors: list[BaseException] = []

    def write(app) -> None:  # type: ignore[no-untyped-def]
        with app.app_context():
            try:
                with transaction():
                    meeting = db.session.get(Meeting, ready["meeting"])
                    assert meeting is not None and meeting.version == before
                    both_read.wait()  # each has read the version the other will bump
                    changed(meeting, "status")
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=write, args=(app,)) for app in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    (after,) = cluster.sql("SELECT version FROM meeting WHERE id = %s", ready["meeting"])[0]
    assert after == before + 2
