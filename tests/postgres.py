"""Run a command against a throwaway PostgreSQL server: `python -m tests.postgres CMD...`.

Starts a private cluster in a temporary directory on a free loopback port (the trial's,
`deploy.trial.postgres`), exports TEST_DATABASE_URL for the command, and removes the
cluster afterwards. Without PostgreSQL's server binaries it says so and exits 0, unless
REQUIRE_POSTGRES=1 (as in CI), where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys

from deploy.trial import free_port, postgres
from deploy.trial import postgres_binaries as server_binaries

__all__ = ["free_port", "main", "server_binaries"]


def main(command: list[str]) -> int:
    if server_binaries() is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            print("REQUIRE_POSTGRES=1 but PostgreSQL's server is not installed", file=sys.stderr)
            return 1
        print("PostgreSQL server not installed: the PostgreSQL run is skipped")
        return 0
    with postgres(durable=False) as url:
        env = {**os.environ, "TEST_DATABASE_URL": url}
        print(f"== PostgreSQL on {url.rsplit('@', 1)[-1]}: {' '.join(command)}", flush=True)
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
