"""`make bench-load`: a hall of phones against each way of serving the app, in one run.

    LOAD_PHONES=2000 LOAD_SETUPS=sqlite,workers,bare python -m tests.bench.load

N phones (python-socketio clients on loopback, each signed in as its own member;
`tests.bench.load_phones`) connect and join one meeting's member screen; the chair opens a
poll through the API; every phone votes within one second; the chair closes the poll.
Setups, each on a fresh floor (`tests.bench.floor`: the AWL conference, one member one
vote, N members checked in):

- `sqlite`: one gevent process (`python wsgi.py`) on a SQLite file;
- `workers`: two gunicorn processes of one gevent worker each (deploy/gunicorn.conf.py) on
  a private PostgreSQL cluster and Redis on loopback (`deploy.trial`), the phones split
  half and half between the two workers' ports;
- `bare`: the bare python-socketio server of `tests.bench.live_server`, the same clients:
  a broadcast instead of the opening, an echo with acknowledgement instead of the vote.

Measured per setup: joining, the opening's push to the phones, the acknowledgements, the
votes acknowledged but not in the database afterwards (and those never acknowledged), the
server processes' peak RSS and CPU seconds (from /proc), and PostgreSQL's and Redis's.
Writes docs/load-results.json and docs/load.png; prints a table of the figures.

Bounded: at most 5,000 phones, every stage with a timeout; every process started here and
every temporary folder is removed at the end, on a failure and on Ctrl-C.
"""

from __future__ import annotations

import json
import os
import platform
import queue
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from deploy import trial
from tests.bench import floor

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "load-results.json"
PLOT = ROOT / "docs" / "load.png"
SETUPS = ("sqlite", "workers", "bare")
DEFAULT_PHONES = 2000
MAX_PHONES = 5000
START_SECONDS = 120  # a server answering once started
SAMPLE_SECONDS = 0.25  # how often RSS is read
RESCAN_SECONDS = 1.0  # how often the processes' tree is read again (new backends)
BARE_PAYLOAD = 4000  # the bare broadcast's size when no app push was measured in the run
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
DESCRIPTIONS = {
    "sqlite": "one gevent process (python wsgi.py), SQLite file",
    "workers": "two gunicorn gevent workers, PostgreSQL and Redis on loopback",
    "bare": "bare python-socketio server (no app, no database)",
}


def phones_wanted() -> int:
    phones = int(os.environ.get("LOAD_PHONES", str(DEFAULT_PHONES)))
    if not 1 <= phones <= MAX_PHONES:
        raise SystemExit(f"LOAD_PHONES must be between 1 and {MAX_PHONES}")
    return phones


def setups_wanted() -> list[str]:
    names = [n.strip() for n in os.environ.get("LOAD_SETUPS", ",".join(SETUPS)).split(",")]
    unknown = [n for n in names if n not in SETUPS]
    if unknown or not names:
        raise SystemExit(f"LOAD_SETUPS: {', '.join(unknown)} unknown (of {', '.join(SETUPS)})")
    return names


def phones_seconds(phones: int) -> dict[str, float]:
    """Each stage's bound: joining (generous for the slowest setup on a busy machine), and
    the whole phones' process (every stage's bound, with room)."""
    join = 60 + 0.1 * phones
    return {"join": join, "all": join + 60 + 131 + 120 + 60 + 30 + 60}


# --- Processes, read from /proc --------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent, CPU seconds used in user and system mode) of a process, if it exists."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after the command's name
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes, (0, 0) once gone. PSS shares each shared page among the
    processes mapping it: PostgreSQL's backends all map its shared buffers, and their RSS
    summed counts those once per backend."""
    found = {}
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("Rss", "Pss"):
                found[key] = int(value.split()[0]) * 1024
    return found.get("Rss", 0), found.get("Pss", 0)


def _pids() -> Iterator[int]:
    return (int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit())


def tree(roots: list[int]) -> list[int]:
    """The roots and all their descendants (a gunicorn master's worker, PostgreSQL's
    backends)."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        found = _stat(pid)
        if found is not None:
            children.setdefault(found[0], []).append(pid)
    every: set[int] = set()
    waiting = list(roots)
    while waiting:
        pid = waiting.pop()
        if pid not in every:
            every.add(pid)
            waiting.extend(children.get(pid, []))
    return sorted(every)


def listening(port: int, *names: str) -> list[int]:
    """Processes started by `deploy.trial` on `port` (its private PostgreSQL, its Redis),
    found by their command lines: the context managers keep their process to themselves."""
    found = []
    for pid in _pids():
        with suppress(OSError):
            line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if any(name in line for name in names) and (
                f"-p {port} " in line or f":{port}" in line
            ):
                found.append(pid)
    return found


class Meter:
    """The RSS (peak of the sum) and CPU seconds of some processes and their descendants,
    sampled in a thread of this process while the phones run."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        self.pids = tree(roots)
        self.base = {pid: cpu for pid in self.pids if (cpu := self._cpu(pid)) is not None}
        self.seen = dict(self.base)  # each process's CPU when last read, gone or not
        self.start = self._memory()
        self.peak = self.start
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _memory(self) -> tuple[int, int]:
        """The sums of RSS and of PSS over the processes."""
        each = [_memory(pid) for pid in self.pids]
        return sum(rss for rss, _ in each), sum(pss for _, pss in each)

    @staticmethod
    def _cpu(pid: int) -> float | None:
        found = _stat(pid)
        return found[1] if found else None

    def _sample(self) -> None:
        rescanned = time.monotonic()
        while not self.done.wait(SAMPLE_SECONDS):
            if time.monotonic() - rescanned > RESCAN_SECONDS:
                self.pids, rescanned = tree(self.roots), time.monotonic()
            rss, pss = self._memory()
            with self.lock:
                self.peak = (max(self.peak[0], rss), max(self.peak[1], pss))

    def cpu(self) -> float:
        """CPU seconds used since the meter started, by the processes alive or gone."""
        with self.lock:
            for pid in tree(self.roots):
                cpu = self._cpu(pid)
                if cpu is not None:
                    self.seen[pid] = cpu
            return sum(cpu - self.base.get(pid, 0.0) for pid, cpu in self.seen.items())

    def stop(self) -> dict[str, Any]:
        used = self.cpu()
        self.done.set()
        self.thread.join(timeout=5)
        return {
            "processes": len(self.seen),
            "rss_start_mib": self.start[0] / 2**20,
            "rss_peak_mib": self.peak[0] / 2**20,
            "pss_start_mib": self.start[1] / 2**20,
            "pss_peak_mib": self.peak[1] / 2**20,
            "cpu_seconds": used,
        }


# --- The setups ------------------------------------------------------------------------


@dataclass
class Served:
    """A setup ready for the phones: its addresses, the floor, its processes and a way to
    read the votes stored (person, choice) and the number of vote rows."""

    urls: list[str]
    ready: dict[str, Any]
    app: list[int]
    services: list[int] = field(default_factory=list)
    stored: Callable[[int], tuple[list[tuple[int, str | None]], int]] | None = None
    logs: list[Path] = field(default_factory=list)


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A server in a process group of its own: Ctrl-C reaches this process, which stops it."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL if it is still there after a while."""
    try:
        trial.kill(process, signal.SIGTERM)
    except subprocess.TimeoutExpired:
        trial.kill(process, signal.SIGKILL)


def _answering(url: str, ready: dict[str, Any], process: subprocess.Popen[bytes]) -> None:
    """Until the app's API answers for the floor's poll."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} stopped")
        with suppress(requests.RequestException):
            answer = requests.get(
                f"{url}/api/v1/polls/{ready['poll']}", headers=_chair(ready), timeout=5
            )
            if answer.status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server for {url} did not answer")


def _chair(ready: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {ready['token']}"}


def _prepared_poll(url: str, ready: dict[str, Any]) -> dict[str, Any]:
    """The floor opens its poll; this run's chair opens it with the phones watching. So
    the chair annuls it before anyone joins, put again as a prepared poll (the same
    motion), whose opening the phones then see."""
    answer = requests.post(
        f"{url}/api/v1/polls/{ready['poll']}/annul",
        json={"reason": "Opened before the hall was seated", "rerun": True},
        headers=_chair(ready),
        timeout=30,
    )
    answer.raise_for_status()
    assert answer.json()["status"] == "draft", answer.text
    return {**ready, "poll": answer.json()["id"]}


def _stored(connect: Callable[[], Any], mark: str) -> Callable[[int], tuple[list, int]]:
    """Who is recorded as having voted in a poll, with the choice stored for them, and
    how many vote rows the poll has (one per participation, or a vote counted twice)."""

    def read(poll: int) -> tuple[list[tuple[int, str | None]], int]:
        connection = connect()
        try:
            rows = connection.execute(
                "SELECT p.cast_by_id, v.choice FROM participation p LEFT JOIN vote v"
                f" ON v.poll_id = p.poll_id AND v.voter_key = p.voter_key WHERE p.poll_id = {mark}",
                (poll,),
            ).fetchall()
            (votes,) = connection.execute(
                f"SELECT count(*) FROM vote WHERE poll_id = {mark}", (poll,)
            ).fetchone()
            return [(person, choice) for person, choice in rows], votes
        finally:
            connection.close()

    return read


@contextmanager
def sqlite_setup(folder: Path, phones: int) -> Iterator[Served]:
    port = trial.free_port()
    url = f"http://127.0.0.1:{port}"
    database = folder / "floor.sqlite3"
    ready = floor.prepare(database, port, phones)
    log = folder / "server.log"
    server = _spawn([sys.executable, "wsgi.py"], floor.environment(database, port), log)
    try:
        _answering(url, ready, server)
        yield Served(
            urls=[url],
            ready=_prepared_poll(url, ready),
            app=[server.pid],
            stored=_stored(lambda: sqlite3.connect(database), "?"),
            logs=[log],
        )
    finally:
        _stop(server)


@contextmanager
def workers_setup(folder: Path, phones: int) -> Iterator[Served]:
    import psycopg

    with trial.postgres() as database, trial.redis(folder / "redis") as redis_url:
        ports = [trial.free_port(), trial.free_port()]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        ready = floor.prepare(database, ports[0], phones)
        environment = {
            **floor.environment(database, ports[0]),
            "REDIS_URL": redis_url,
            # Each worker is its own address here, as the phones' Origin says.
            "SOCKETIO_ALLOWED_ORIGINS": urls[1],
        }
        logs = [folder / f"worker-{n + 1}.log" for n in range(len(ports))]
        workers: list[subprocess.Popen[bytes]] = []
        try:
            for port, log in zip(ports, logs, strict=True):
                workers.append(trial.worker(port, environment, log))
            for process, port, url in zip(workers, ports, urls, strict=True):
                trial.wait_listening(process, port, START_SECONDS)
                _answering(url, ready, process)
            plain = database.replace("postgresql+psycopg://", "postgresql://")
            database_port = int(database.rsplit(":", 1)[1].split("/")[0])
            redis_port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
            yield Served(
                urls=urls,
                ready=_prepared_poll(urls[0], ready),
                app=[w.pid for w in workers],
                services=listening(database_port, "postgres") + listening(redis_port, "redis"),
                stored=_stored(lambda: psycopg.connect(plain), "%s"),
                logs=logs,
            )
        finally:
            for process in workers:
                _stop(process)


@contextmanager
def bare_setup(folder: Path, phones: int) -> Iterator[Served]:
    port = trial.free_port()
    command = [sys.executable, "-m", "tests.bench.live_server", "bare", str(port), str(folder)]
    log = folder / "server.log"
    server = _spawn([*command, str(phones)], {}, log)
    try:
        trial.wait_listening(server, port, START_SECONDS)
        yield Served(urls=[f"http://127.0.0.1:{port}"], ready={}, app=[server.pid], logs=[log])
    finally:
        _stop(server)


SETUP_OF = {"sqlite": sqlite_setup, "workers": workers_setup, "bare": bare_setup}


# --- One setup's run -------------------------------------------------------------------


def _phones(task: dict[str, Any], folder: Path, on_stage: Callable[[str], None]) -> dict:
    """Run the phones' process; call `on_stage` as each stage ends; return its figures."""
    (folder / "task.json").write_text(json.dumps(task))
    command = [sys.executable, "-m", "tests.bench.load_phones", str(folder / "task.json")]
    with (folder / "phones.log").open("ab") as errors:
        phones = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            start_new_session=True,
        )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert phones.stdout is not None
        for line in phones.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + phones_seconds(task["phones"])["all"]
    figures = None
    try:
        while (line := lines.get(timeout=max(0.1, deadline - time.monotonic()))) is not None:
            message = json.loads(line)
            if "stage" in message:
                on_stage(message["stage"])
            else:
                figures = message["figures"]
        phones.wait(timeout=30)
    except queue.Empty:
        raise RuntimeError("the phones did not finish in time") from None
    finally:
        if phones.poll() is None:
            trial.kill(phones)
    if figures is None:
        tail = (folder / "phones.log").read_text()[-2000:]
        raise RuntimeError(f"the phones stopped (exit {phones.returncode}):\n{tail}")
    return figures


def _check(served: Served, figures: dict[str, Any]) -> dict[str, Any]:
    """The database after the close, against what the phones were told."""
    choices = {int(person): choice for person, choice in figures.pop("choices").items()}
    if served.stored is None:
        return {"lost": None, "stored_not_acknowledged": None, "counted_twice": None}
    rows, votes = served.stored(served.ready["poll"])
    stored = Counter(person for person, _choice in rows)
    kept = dict(rows)
    return {
        "lost": sum(1 for p, c in choices.items() if p not in stored or kept[p] != c),
        "stored_not_acknowledged": sum(1 for p in stored if p not in choices),
        "counted_twice": sum(n - 1 for n in stored.values()) + max(0, votes - len(rows)),
        "stored": len(rows),
        "result_matches_database": figures.get("result_cast") == len(rows),
    }


def measure(name: str, phones: int, folder: Path, payload: int = BARE_PAYLOAD) -> dict:
    """One setup: start it, run the phones against it, check the database, stop it."""
    folder.mkdir(parents=True, exist_ok=True)
    with SETUP_OF[name](folder, phones) as served:
        try:
            app, services = Meter(served.app), Meter(served.services)
            stages: dict[str, float] = {}
            last = 0.0

            def on_stage(stage: str) -> None:
                nonlocal last
                used = app.cpu()
                stages[stage], last = used - last, used

            bounds = phones_seconds(phones)
            task = {
                "kind": "bare" if name == "bare" else "app",
                "urls": served.urls,
                "ready": served.ready,
                "phones": phones,
                "join_seconds": bounds["join"],
                "payload": payload,
            }
            figures = _phones(task, folder, on_stage)
            app_used, services_used = app.stop(), services.stop()
            checked = _check(served, figures)
        except Exception:
            for log in served.logs:
                with suppress(OSError):
                    print(f"-- {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise
    stages["rest"] = app_used["cpu_seconds"] - last  # hanging up, after the last stage
    return {
        "setup": DESCRIPTIONS[name],
        **figures,
        **checked,
        "server": {**app_used, "cpu_seconds_by_stage": stages},
        "services": services_used if served.services else None,
    }


# --- The run ---------------------------------------------------------------------------


def machine() -> str:
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return f"{platform.machine()}, {os.cpu_count()} cores, {round(memory / 2**20)} GiB"


def _interrupted(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def _more_files() -> None:
    """Thousands of sockets in the phones' process and the servers: the soft limit of open
    files raised to the hard one, inherited by every process started here."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> int:
    phones, names = phones_wanted(), setups_wanted()
    # Ctrl-C, a SIGTERM or the terminal closing: every process stopped, every folder gone
    # (SIGINT is set again: a shell's background job starts with it ignored).
    for stop in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _interrupted)
    _more_files()
    started = datetime.now(UTC)
    loadavg = [round(x, 2) for x in os.getloadavg()]
    print(f"{phones} phones; setups {', '.join(names)}; load average {loadavg}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="voting-load-"))
    setups: dict[str, Any] = {}
    try:
        for name in names:
            print(f"== {name}: {DESCRIPTIONS[name]}", flush=True)
            # The bare broadcast is as large as the app's push of the opening, if measured.
            pushes = [s["push_bytes"] for s in setups.values() if s.get("push_bytes")]
            payload = int(pushes[0]) if pushes else BARE_PAYLOAD
            began, load_then = time.monotonic(), [round(x, 2) for x in os.getloadavg()]
            try:
                setups[name] = measure(name, phones, folder / name, payload)
            except Exception as error:  # the other setups still run
                failed = f"{type(error).__name__}: {error}"
                setups[name] = {"setup": DESCRIPTIONS[name], "error": failed}
            setups[name]["loadavg_at_start"] = load_then
            setups[name]["wall_seconds"] = time.monotonic() - began
            print(summary(name, setups[name]), flush=True)
    except KeyboardInterrupt:
        print("interrupted: stopped every process, nothing written", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results = {
        "measured_at": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "python": platform.python_version(),
        "loadavg_at_start": loadavg,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        "note": "A machine shared with other work: read each setup against the bare column "
        "and the load average at the start of the run.",
        "phones": phones,
        "vote_window_seconds": 1.0,
        "setups": setups,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    from tests.bench import load_plot

    load_plot.draw(results, PLOT)
    print(load_plot.table(results))
    print(f"written to {RESULTS} and {PLOT}")
    return 1 if any("error" in s for s in setups.values()) else 0


def summary(name: str, figures: dict[str, Any]) -> str:
    if "error" in figures:
        return f"   {name}: failed: {figures['error']}"

    def s(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f} s"

    return (
        f"   joined {figures['joined']}/{figures['phones']} in {s(figures['join_seconds'])};"
        f" push p99 {s(figures['broadcast_p99'])}; acknowledged {figures['acknowledged']}"
        f"/{figures['sent']}, p99 {s(figures['ack_p99'])}, last {s(figures['last_ack'])};"
        f" lost {figures['lost']}; RSS peak {figures['server']['rss_peak_mib']:.0f} MiB;"
        f" CPU {figures['server']['cpu_seconds']:.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
