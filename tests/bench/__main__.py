"""`make bench`: run every benchmark module and write the figures to docs/bench-results.json.

Each module `tests/bench/bench_*.py` exposes `run() -> list[dict]`, one dict per figure:
{"name", "seconds", "n", "note"}; a figure measured as a baseline says so in its name.
Benchmarks are never timed tests: nothing here passes or fails on speed.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE.parent.parent / "docs" / "bench-results.json"


def main(selected: list[str]) -> None:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    figures = []
    for name in modules:
        print(f"== {name}", flush=True)
        for figure in importlib.import_module(f"tests.bench.{name}").run():
            figure = {"module": name, **figure}
            figures.append(figure)
            print(f"   {figure['name']:<60} {figure['seconds'] * 1000:10.1f} ms  n={figure['n']}")
    if selected and RESULTS.exists():
        # A partial run keeps the figures of the modules it did not run.
        ran = set(modules)
        kept = [f for f in json.loads(RESULTS.read_text())["figures"] if f["module"] not in ran]
        figures = kept + figures
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {_cores()} cores",
                "figures": figures,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written to {RESULTS}")


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main(sys.argv[1:])
