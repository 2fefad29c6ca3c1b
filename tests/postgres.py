"""Run a command against a throwaway PostgreSQL server: `python -m tests.postgres CMD...`.

Starts a private cluster in a temporary directory on a free loopback port, exports
TEST_DATABASE_URL for the command, and removes the cluster afterwards. Without
PostgreSQL's server binaries it says so and exits 0, unless REQUIRE_POSTGRES=1 (as in
CI), where that is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def server_binaries() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(command: list[str]) -> int:
    bindir = server_binaries()
    if bindir is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            print("REQUIRE_POSTGRES=1 but PostgreSQL's server is not installed", file=sys.stderr)
            return 1
        print("PostgreSQL server not installed: the PostgreSQL run is skipped")
        return 0
    # initdb refuses to run as root; then the cluster belongs to the postgres user.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    workdir = tempfile.mkdtemp(prefix="voting-pg-")
    data = os.path.join(workdir, "data")
    if as_owner:
        shutil.chown(workdir, "postgres")
    port = free_port()
    run = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(
        [*as_owner, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "voting"], **run
    )
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *as_owner,
            f"{bindir}/pg_ctl",
            "-D",
            data,
            "-o",
            options,
            "-w",
            "-l",
            os.path.join(workdir, "log"),
            "start",
        ],
        **run,
    )
    try:
        env = {
            **os.environ,
            "TEST_DATABASE_URL": f"postgresql+psycopg://voting@127.0.0.1:{port}/postgres",
        }
        print(f"== PostgreSQL on 127.0.0.1:{port}: {' '.join(command)}", flush=True)
        return subprocess.run(command, env=env).returncode
    finally:
        subprocess.run(
            [*as_owner, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
