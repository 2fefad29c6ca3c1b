"""Several workers on one machine, for a trial: `make serve-prod` (`python -m deploy.trial`).

Starts a private PostgreSQL cluster and redis-server in temporary folders, both on
loopback ports of their own; applies the migrations and loads the demo; then two gunicorn
processes, each one gevent worker with websocket support, on two ports, sharing the
database, Redis and the secret key. Ctrl-C stops them all and throws the folder away.

Without a proxy in front each worker is its own address: open a phone on each, and a vote
on one shows on the other. docs/deployment.md puts them behind nginx instead.

The tests of several workers (tests/scale) start their servers with the same functions.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_SETTINGS = ROOT / "deploy" / "gunicorn.conf.py"


def postgres_binaries() -> str | None:
    """The folder of PostgreSQL's server programs (the newest of Debian's), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def redis_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )


def missing() -> list[str]:
    """What of PostgreSQL and Redis is not installed (Debian's package names)."""
    return [
        name
        for name, found in (("postgresql", postgres_binaries()), ("redis-server", redis_binary()))
        if found is None
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres(*, durable: bool = True) -> Iterator[str]:
    """A private PostgreSQL cluster in a temporary folder, on a free loopback port,
    trusting local connections (a trial's or a test's, never an installation's); yields
    its URL and throws the cluster away afterwards. `durable=False` turns off fsync."""
    bindir = postgres_binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL's server is not installed")
    # initdb refuses to run as root; then the cluster belongs to the postgres user.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="voting-pg-"))
    if as_owner:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    port = free_port()
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    try:
        subprocess.run(
            [*as_owner, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "voting"], **quiet
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        if not durable:
            options += " -c fsync=off"
        pg_ctl = [*as_owner, f"{bindir}/pg_ctl", "-D", data]
        subprocess.run([*pg_ctl, "-o", options, "-w", "-l", folder / "log", "start"], **quiet)
        try:
            yield f"postgresql+psycopg://voting@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [*pg_ctl, "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, check=False
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis(folder: Path) -> Iterator[str]:
    """redis-server on a free loopback port, keeping nothing on disk; yields its URL."""
    binary = redis_binary()
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "redis.log").open("ab") as log:
        server = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: see {folder / 'redis.log'}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def worker(port: int, environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """One gunicorn process with one gevent worker (deploy/gunicorn.conf.py) on
    127.0.0.1:`port`, in a process group of its own (`kill` ends the master and its worker
    together)."""
    env = {**os.environ, "GRACEFUL_TIMEOUT": "5", **environment, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(GUNICORN_SETTINGS),
                "-b",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(process: subprocess.Popen[bytes], how: signal.Signals = signal.SIGKILL) -> None:
    """End a worker's whole process group (its master and worker) and wait for it."""
    with suppress(ProcessLookupError):  # the master may be gone and its worker not yet
        os.killpg(process.pid, how)
    process.wait(timeout=15)


def wait_listening(process: subprocess.Popen[bytes], port: int, seconds: float = 60) -> None:
    """Until the worker answers on its port (its app is loaded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker on port {port} stopped")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the worker on port {port} did not start")


def main() -> int:
    lacking = missing()
    if lacking:
        print(f"Not installed: {', '.join(lacking)} (Debian: apt-get install {' '.join(lacking)})")
        return 1
    first = int(os.environ.get("PORT", "5001"))
    ports = [first, first + 1]
    folder = Path(tempfile.mkdtemp(prefix="voting-trial-"))
    try:
        with postgres() as database, redis(folder / "redis") as queue:
            addresses = [f"http://127.0.0.1:{port}" for port in ports]
            environment = {
                "DATABASE_URL": database,
                "REDIS_URL": queue,
                "SECRET_KEY": secrets.token_urlsafe(48),  # the same for every worker
                "PUBLIC_URL": addresses[0],
                # Each worker is its own address here: pages of either may connect.
                "SOCKETIO_ALLOWED_ORIGINS": ",".join(addresses[1:]),
                "FLASK_APP": "wsgi.py",
            }
            env = {**os.environ, **environment, "PYTHONPATH": str(ROOT)}
            flask = [sys.executable, "-m", "flask"]
            subprocess.run([*flask, "voting", "init-db"], cwd=ROOT, env=env, check=True)
            subprocess.run([*flask, "voting", "demo"], cwd=ROOT, env=env, check=True)
            workers = [worker(port, environment, folder / f"worker-{port}.log") for port in ports]
            try:
                for process, port in zip(workers, ports, strict=True):
                    wait_listening(process, port)
                print(f"PostgreSQL: {database}\nRedis: {queue}")
                for n, address in enumerate(addresses, start=1):
                    print(f"Worker {n}: {address}/  (log: {folder}/worker-{ports[n - 1]}.log)")
                print("Ctrl-C stops the workers, Redis and PostgreSQL.", flush=True)
                while all(process.poll() is None for process in workers):
                    time.sleep(0.5)
                print("A worker stopped: see its log.", file=sys.stderr)
                return 1
            except KeyboardInterrupt:
                return 0
            finally:
                for process in workers:
                    kill(process, signal.SIGTERM)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
