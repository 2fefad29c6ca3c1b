"""The load harness's figures as a plot (docs/load.png) and a Markdown table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

LATENCIES = (
    ("join_seconds", "all joined"),
    ("broadcast_p99", "poll open reaches\nphones, p99"),
    ("ack_p99", "vote acknowledged,\np99"),
    ("last_ack", "last acknowledgement\nfrom the first send"),
)
COLOURS = {"sqlite": "#3b6ea8", "workers": "#d08a2c", "bare": "#7a7a7a"}
# The phones' stages, as they end (`rest`: hanging up, after the last).
STAGES = (
    ("joined", "joining"),
    ("opened", "opening"),
    ("voted", "voting"),
    ("closed", "closing"),
    ("rest", "hanging up"),
)


def _time(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _measured(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in results["setups"].items() if "error" not in s}


def draw(results: dict[str, Any], path: Path) -> None:
    """Grouped bars of the latencies per setup; the servers' peak RSS and CPU beside."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    setups = _measured(results)
    names = list(setups)
    figure, (times, memory, cpu) = plt.subplots(
        1, 3, figsize=(15, 5.6), gridspec_kw={"width_ratios": [2.4, 1, 1.2]}
    )
    width = 0.8 / max(1, len(names))
    for n, name in enumerate(names):
        values = [setups[name].get(key) or 0.0 for key, _label in LATENCIES]
        xs = [i + (n - (len(names) - 1) / 2) * width for i in range(len(LATENCIES))]
        bars = times.bar(xs, values, width, label=name, color=COLOURS.get(name))
        times.bar_label(bars, [_time(v) for v in values], fontsize=7, padding=2, rotation=90)
    times.set_xticks(range(len(LATENCIES)), [label for _key, label in LATENCIES], fontsize=8)
    times.set_ylabel("seconds")
    times.set_title("Phones: joining, the opening's push, acknowledgements")
    times.margins(y=0.25)
    times.legend(title="setup", fontsize=8)

    def stacked(
        axis: Any, parts: list[tuple[str, list[float], dict[str, Any]]], digits: int
    ) -> None:
        bottom = [0.0] * len(names)
        for label, values, style in parts:
            axis.bar(names, values, bottom=bottom, label=label, **style)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        for x, total in enumerate(bottom):
            axis.text(x, total, f"{total:.{digits}f}", ha="center", va="bottom", fontsize=8)
        axis.set_ylim(0, 1.45 * max(bottom, default=1.0) or 1.0)
        axis.legend(fontsize=7, loc="upper left")

    services = [setups[n]["services"] or {} for n in names]
    app_style = {"color": [COLOURS.get(n) for n in names]}
    stacked(
        memory,
        [
            (
                "app's processes (RSS)",
                [setups[n]["server"]["rss_peak_mib"] for n in names],
                app_style,
            ),
            (
                "PostgreSQL and Redis (PSS)",
                [s.get("pss_peak_mib", 0.0) for s in services],
                {"color": "white", "edgecolor": "black", "hatch": "//"},
            ),
        ],
        0,
    )
    memory.set_ylabel("MiB, peak of the sum over processes")
    memory.set_title("Server memory (RSS)")

    shades = ("#c6dbef", "#6baed6", "#2171b5", "#08306b", "#000000")
    parts = [
        (
            f"app: {label}",
            [setups[n]["server"]["cpu_seconds_by_stage"].get(stage, 0.0) for n in names],
            {"color": shade},
        )
        for (stage, label), shade in zip(STAGES, shades, strict=True)
    ]
    parts.append(
        (
            "PostgreSQL and Redis",
            [s.get("cpu_seconds", 0.0) for s in services],
            {"color": "white", "edgecolor": "black", "hatch": "//"},
        )
    )
    stacked(cpu, parts, 1)
    cpu.set_ylabel("CPU seconds (user + system)")
    cpu.set_title("Server CPU during the run")

    load = ", ".join(f"{x:.2f}" for x in results["loadavg_at_start"])
    figure.suptitle(
        f"{results['phones']:,} phones voting within 1 s on loopback — {results['machine']},"
        f" load average at the start {load} — {results['measured_at'][:10]}",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table, one column per setup."""
    setups = _measured(results)

    def row(label: str, cell: Any) -> str:
        return f"| {label} | " + " | ".join(cell(s) for s in setups.values()) + " |"

    def stage_cpu(s: dict[str, Any]) -> str:
        by = s["server"]["cpu_seconds_by_stage"]
        return " / ".join(f"{by.get(stage, 0.0):.1f}" for stage, _label in STAGES)

    def services(s: dict[str, Any], key: str) -> str:
        return "—" if not s["services"] else f"{s['services'][key]:.1f}"

    lines = [
        "| figure | " + " | ".join(setups) + " |",
        "|---" * (len(setups) + 1) + "|",
        row("phones joined", lambda s: f"{_count(s['joined'])} of {_count(s['phones'])}"),
        row("all joined, from the first connection", lambda s: _time(s["join_seconds"])),
        row(
            "poll open reaches phones, p50 / p99",
            lambda s: f"{_time(s['broadcast_p50'])} / {_time(s['broadcast_p99'])}",
        ),
        row("push of the opening, bytes", lambda s: _count(s["push_bytes"])),
        row(
            "votes acknowledged (of sent)",
            lambda s: f"{_count(s['acknowledged'])} of {_count(s['sent'])}",
        ),
        row(
            "acknowledgement latency, p50 / p99",
            lambda s: f"{_time(s['ack_p50'])} / {_time(s['ack_p99'])}",
        ),
        row("last acknowledgement, from the first send", lambda s: _time(s["last_ack"])),
        row(
            "lost: acknowledged, not in the database",
            lambda s: _count(s["lost"]),
        ),
        row("never acknowledged", lambda s: _count(s["not_acknowledged"])),
        row("counted twice", lambda s: _count(s["counted_twice"])),
        row(
            "close: API answer / result on phones p99",
            lambda s: f"{_time(s.get('close_call_seconds'))} / {_time(s.get('result_p99'))}",
        ),
        row(
            "server RSS, idle → peak (MiB)",
            lambda s: f"{s['server']['rss_start_mib']:.0f} → {s['server']['rss_peak_mib']:.0f}",
        ),
        row(
            "server CPU s: join / open / vote / close / hang up",
            stage_cpu,
        ),
        row("server CPU s, whole run", lambda s: f"{s['server']['cpu_seconds']:.1f}"),
        row("server PSS, peak (MiB)", lambda s: f"{s['server']['pss_peak_mib']:.0f}"),
        row(
            "PostgreSQL + Redis: RSS / PSS peak (MiB)",
            lambda s: (
                "—"
                if not s["services"]
                else f"{s['services']['rss_peak_mib']:.0f} / {s['services']['pss_peak_mib']:.0f}"
            ),
        ),
        row("PostgreSQL + Redis CPU s", lambda s: services(s, "cpu_seconds")),
    ]
    return "\n".join(lines)
