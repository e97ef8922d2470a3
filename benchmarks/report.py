"""Medians, ratios, targets and the markdown table of one benchmark run.

The pooled samples of every (workload, implementation) are summarised as the median with
its min-max; ratios are ratios of medians from the same run (compare nothing else: the
absolute numbers hold for one machine only).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

from . import workloads

#: Column order of the tables (implementations not in a run are left out).
IMPL_ORDER = (
    "kusari",
    "kusari-notc",
    "kusari-free",
    "chainer",
    "chainer-notc",
    "torch",
    "numpy",
)

#: Ratio columns: numerator / denominator, medians of the same run.
RATIOS = (
    ("kusari", "chainer"),
    ("kusari", "torch"),
    ("kusari-notc", "chainer-notc"),
    ("kusari-free", "torch"),
    ("torch", "chainer"),
)


@dataclass(frozen=True)
class Target:
    """A goal of design §4: ``impl``'s median of ``metric`` against a bound.

    With ``ref`` set, the bound is on the ratio ``impl / ref`` of medians; otherwise it is an
    absolute bound in the metric's unit (set on the baseline machine; indicative elsewhere).
    """

    workload: str
    metric: str
    impl: str
    bound: float
    ref: str | None = None
    #: Relative slack reported as "parity" instead of "missed" (RSS peaks move by a few
    #: pages between interpreters and numpy builds).
    parity: float = 0.0

    @property
    def label(self) -> str:
        what = f"{self.workload} {self.metric} {self.impl}"
        if self.ref is None:
            return f"{what} ≤ {self.bound:g}"
        return f"{what} ≤ {self.bound:g}x {self.ref}"


TARGETS = (
    Target("chain", "fwd_us_per_op", "kusari", 2.0),
    Target("chain", "fwd_us_per_op", "kusari", 1.0, "torch"),
    Target("chain", "fwdbwd_us_per_op", "kusari", 4.0),
    Target("chain", "fwdbwd_us_per_op", "kusari", 1.0, "torch"),
    Target("wide", "fwdbwd_ms", "kusari", 0.9, "torch"),
    Target("mlp", "step_ms", "kusari", 0.9, "chainer"),
    Target("cnn", "step_ms", "kusari", 0.6, "chainer"),
    Target("lstm", "iter_ms", "kusari", 0.6, "chainer"),
    Target("mem", "rss_peak_delta_MiB", "kusari-free", 1.0, "torch", parity=0.005),
    # kusari and Chainer both allocate through numpy, which reports every buffer to
    # tracemalloc, so the exact byte count decides; torch's allocator is invisible to
    # tracemalloc, so against torch only RSS can compare.  The RSS row against Chainer stays
    # for information: it moves by +-0.1 MiB between processes of the same program.
    Target("mem", "tracemalloc_peak_delta_MiB", "kusari", 1.0, "chainer"),
    Target("mem", "rss_peak_delta_MiB", "kusari", 1.0, "chainer", parity=0.005),
)


_CLOCKS = {
    "wall": "wall time (`time.perf_counter`)",
    "cpu": "process CPU time (`time.process_time`; the machine was shared)",
}


def summarize(samples: list[float]) -> dict[str, float]:
    """Median, min, max and count of ``samples``."""
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "n": float(len(samples)),
    }


def fmt(v: float) -> str:
    """Three or four significant digits, no exponent for the ranges that occur here."""
    if math.isnan(v):
        return "nan"
    a = abs(v)
    if a >= 1000:
        return f"{v:.0f}"
    if a >= 100:
        return f"{v:.1f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a >= 0.01:
        return f"{v:.3f}"
    return f"{v:.2g}"


def median_of(results: dict[str, Any], workload: str, impl: str, metric: str) -> float | None:
    """The median of a metric in a results object, or None if it was not measured."""
    entry = results.get(workload, {}).get(impl)
    if not entry or entry.get("status") != "ok":
        return None
    stats = entry.get("stats", {}).get(metric)
    return None if stats is None else float(stats["median"])


def ratio(results: dict[str, Any], workload: str, metric: str, num: str, den: str) -> float | None:
    """``num``'s median over ``den``'s, or None."""
    a = median_of(results, workload, num, metric)
    b = median_of(results, workload, den, metric)
    if a is None or b is None or b == 0:
        return None
    return a / b


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value (absolute or ratio) and ``met``/``missed``/``n/a``."""
    out: list[dict[str, Any]] = []
    for t in TARGETS:
        if t.ref is None:
            value = median_of(results, t.workload, t.impl, t.metric)
        else:
            value = ratio(results, t.workload, t.metric, t.impl, t.ref)
        if value is None:
            status = "n/a"
        elif value <= t.bound:
            status = "met"
        elif value <= t.bound * (1 + t.parity):
            status = f"parity (within {t.parity:.1%})"
        else:
            status = "missed"
        out.append(
            {
                "target": t.label,
                "workload": t.workload,
                "value": value,
                "bound": t.bound,
                "status": status,
            }
        )
    return out


def _cell(entry: dict[str, Any] | None, metric: str) -> str:
    if entry is None:
        return "n/a"
    status = entry.get("status")
    if status == "unavailable":
        return "unavailable"
    if status != "ok":
        return "error"
    s = entry.get("stats", {}).get(metric)
    if s is None:
        return "n/a"
    return f"{fmt(s['median'])} [{fmt(s['min'])}-{fmt(s['max'])}]"


def markdown(data: dict[str, Any]) -> str:
    """The results file: header, results table with ratios, targets, problems."""
    meta, results = data["meta"], data["results"]
    impls = [i for i in IMPL_ORDER if i in meta["impls"]]
    ratios = [(a, b) for a, b in RATIOS if a in impls and b in impls]
    lines = [
        f"# Benchmark results ({meta['mode']}, {meta['device']})",
        "",
        f"- Date: {meta['date']}; git {meta['git']}; took {meta['duration_s']:.0f} s.",
        f"- Machine: {meta['machine']}; load average {meta.get('load', '?')} (start / end).",
        f"- Threads: OMP/OPENBLAS/MKL_NUM_THREADS={meta['threads']} for every implementation.",
        f"- Rounds: {meta['rounds']}, implementations rotated every round; one subprocess per"
        " (round, workload, implementation); `gc.collect()` off the clock before each sample.",
        "- Cells: median [min-max] of the pooled samples; ratios are ratios of medians.",
        f"- Clock: {_CLOCKS.get(meta.get('clock', 'wall'), meta.get('clock'))}.",
    ]
    for label, env in meta.get("interpreters", {}).items():
        lines.append(f"- {label}: {env}")
    header = ["workload", "metric", *impls, *[f"{a}/{b}" for a, b in ratios]]
    lines += ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for w in workloads.WORKLOADS:
        if w.name not in meta["workloads"]:
            continue
        per_impl = results.get(w.name, {})
        for m in w.metrics:
            row = [f"{w.id} {w.title}", m.label]
            row += [_cell(per_impl.get(i), m.name) for i in impls]
            for a, b in ratios:
                r = None if m.blind & {a, b} else ratio(results, w.name, m.name, a, b)
                row.append("n/a" if r is None else f"{r:.3f}")
            lines.append("| " + " | ".join(row) + " |")

    targets = data.get("targets", [])
    if targets:
        lines += ["", "## Targets in this run", "", "| target | measured | status |"]
        lines.append("|---|---|---|")
        for t in targets:
            v = "n/a" if t["value"] is None else f"{t['value']:.4g}"
            lines.append(f"| {t['target']} | {v} | {t['status']} |")
        lines += [
            "",
            "Absolute µs targets were set on the baseline machine of"
            " `reference/perf-baseline.md`; on other machines the ratio targets are the ones"
            " that count.",
        ]

    problems = []
    for w in workloads.WORKLOADS:
        for impl, entry in results.get(w.name, {}).items():
            if entry.get("status") != "ok":
                status, reason = entry.get("status"), entry.get("reason")
                problems.append(f"- {w.name} / {impl}: {status}: {reason}")
            elif entry.get("errors"):
                problems.append(
                    f"- {w.name} / {impl}: {entry['errors']} failed round(s),"
                    f" last: {entry.get('last_error')}"
                )
            for bad in entry.get("check_mismatch", []):
                problems.append(f"- {w.name} / {impl}: check mismatch: {bad}")
    if problems:
        lines += ["", "## Unavailable, failed or suspicious", "", *problems]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.report FILE.json``: re-render a results file as markdown.

    The targets are evaluated again, so a results file can be re-read after the targets or
    the table layout change.
    """
    import argparse
    import json
    import sys

    p = argparse.ArgumentParser(prog="python -m benchmarks.report", description=main.__doc__)
    p.add_argument("json", help="a results file written by benchmarks.run")
    args = p.parse_args(argv)
    with open(args.json, encoding="utf-8") as f:
        data = json.load(f)
    names = set(data["meta"]["workloads"])
    data["targets"] = [t for t in evaluate_targets(data["results"]) if t["workload"] in names]
    sys.stdout.write(markdown(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
