"""Several workers on real servers: a private PostgreSQL and redis-server on loopback
(`deploy.trial`, as `make serve-prod` starts them), two gunicorn processes of the app
sharing them, and phones (python-socketio clients, websocket transport) on either.

Without PostgreSQL's server or redis-server these tests are skipped, unless
REQUIRE_POSTGRES=1 (CI), where that is a failure.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests
import socketio

from deploy import trial
from tests.bench import floor

PROGRESS = re.compile(r'data-progress="(\d+)/(\d+)"')
OUTCOME = re.compile(r'data-outcome="(\w+)"')
_numbers = itertools.count(1)


def wait_for(check: Callable[[], Any], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.02)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """PostgreSQL's and Redis's URLs, for every test of several workers."""
    lacking = trial.missing()
    if lacking:
        message = f"several workers need {' and '.join(lacking)}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {message} is not installed")
        pytest.skip(f"{message}: not installed")
    with (
        trial.postgres(durable=False) as database,
        trial.redis(tmp_path_factory.mktemp("redis")) as queue,
    ):
        yield database, queue


def plain(url: str) -> str:
    """psycopg's own form of SQLAlchemy's URL."""
    return url.replace("postgresql+psycopg://", "postgresql://")


class Phone:
    """A member's phone: a Socket.IO connection to one worker, showing the member screen
    with the page script's rules for versions (static/js/live-meeting.js): an event older
    than the screen is dropped, one whose `base` is newer than the screen means a missed
    event and asks for a resync, a resync (`base` -1) replaces everything."""

    def __init__(self, cluster: Cluster, index: int) -> None:
        self.cluster, self.index = cluster, index
        self.version = -1
        self.progress = 0  # votes counted as the screen shows them
        self.outcome: str | None = None
        self.gaps = 0  # events found to follow one this screen missed
        self.resyncs = 0  # full screens received after joining
        self.missing = 0  # events to drop, as if lost on the way (a test's doing)
        self.worker = -1
        self.client: socketio.Client | None = None
        self.lock = threading.Lock()

    def connect(self, worker: int) -> Phone:
        ready = self.cluster.ready
        client = socketio.Client(reconnection=False)
        client.on("fragments", self._fragments)
        cookie = f"{ready['cookie_name']}={ready['cookies'][self.index]}"
        client.connect(
            self.cluster.url(worker),
            headers={"Cookie": cookie},
            transports=["websocket"],
            wait_timeout=20,
        )
        self.client, self.worker = client, worker
        join = {"meeting": ready["meeting"], "view": "member", "version": self.version}
        reply = client.call("join", join, timeout=20)
        assert reply.get("ok"), reply
        return self

    def _show(self, html: str) -> None:
        if found := PROGRESS.search(html):
            self.progress = int(found.group(1))
        if found := OUTCOME.search(html):
            self.outcome = found.group(1)

    def _fragments(self, event: dict[str, Any]) -> None:
        with self.lock:
            if event.get("meeting") != self.cluster.ready["meeting"]:
                return
            if event["base"] == -1:
                if self.version >= 0:
                    self.resyncs += 1
                self._show(event["html"])
                self.version = event["version"]
                return
            if self.missing:
                self.missing -= 1
                return
            if event["version"] < self.version:
                return
            if event["base"] > self.version:
                self.gaps += 1
                assert self.client is not None
                view = {"meeting": self.cluster.ready["meeting"], "view": "member"}
                self.client.emit("resync", view)
                return
            self._show(event["html"])
            self.version = event["version"]

    def vote(self, choice: str, timeout: float = 10) -> dict[str, Any]:
        assert self.client is not None
        poll = self.cluster.ready["poll"]
        return self.client.call("vote", {"poll": poll, "choice": choice}, timeout=timeout)

    def hang_up(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):  # its worker may be gone
                self.client.disconnect()


class Cluster:
    """One test's installation: its own database on the shared PostgreSQL, Redis emptied,
    two workers of the app, and its phones."""

    def __init__(self, database: str, queue: str, folder: Path) -> None:
        self.database, self.queue, self.folder = database, queue, folder
        self.ports = [trial.free_port(), trial.free_port()]
        self.workers: list[Any] = []
        self.phones: list[Phone] = []
        self.ready: dict[str, Any] = {}

    def url(self, worker: int) -> str:
        return f"http://127.0.0.1:{self.ports[worker]}"

    def prepare(self, members: int, **options: Any) -> dict[str, Any]:
        """The conference floor (tests.bench.floor): a poll open, `members` checked in."""
        self.ready = floor.prepare(self.database, self.ports[0], members, **options)
        return self.ready

    def sql(self, statement: str, *arguments: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(plain(self.database), autocommit=True) as connection:
            cursor = connection.execute(statement, arguments)
            return cursor.fetchall() if cursor.description else []

    def start(self) -> None:
        """Both workers, and a first request to each: it starts their deadline watchers."""
        environment = {
            **floor.environment(self.database, self.ports[0]),
            "REDIS_URL": self.queue,
            "DEADLINES_RESCAN_SECONDS": "0.5",
            # Each worker is its own address here, as the phones' Origin says.
            "SOCKETIO_ALLOWED_ORIGINS": self.url(1),
        }
        for n, port in enumerate(self.ports):
            log = self.folder / f"worker-{n + 1}.log"
            self.workers.append(trial.worker(port, environment, log))
        for process, port in zip(self.workers, self.ports, strict=True):
            trial.wait_listening(process, port)
        for worker in range(len(self.ports)):
            self.api(worker)

    def api(self, worker: int) -> dict[str, Any]:
        """The poll as the API of `worker` gives it."""
        answer = requests.get(
            f"{self.url(worker)}/api/v1/polls/{self.ready['poll']}",
            headers={"Authorization": f"Bearer {self.ready['token']}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def phone(self, index: int, worker: int) -> Phone:
        phone = Phone(self, index).connect(worker)
        self.phones.append(phone)
        return phone

    def kill(self, worker: int) -> None:
        """SIGKILL to a worker's gunicorn, master and worker alike."""
        trial.kill(self.workers[worker])

    def logs(self) -> str:
        return "\n".join(
            f"== {log.name}\n{log.read_text()[-3000:]}"
            for log in sorted(self.folder.glob("worker-*.log"))
        )

    def stop(self) -> None:
        for phone in self.phones:
            phone.hang_up()
        for process in self.workers:
            trial.kill(process)


@pytest.fixture
def cluster(servers: tuple[str, str], tmp_path: Path) -> Iterator[Cluster]:
    postgres, queue = servers
    name = f"scale_{os.getpid()}_{next(_numbers)}"
    admin = plain(postgres)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    redis.Redis.from_url(queue).flushdb()
    made = Cluster(postgres.rsplit("/", 1)[0] + f"/{name}", queue, tmp_path)
    try:
        yield made
    finally:
        made.stop()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
