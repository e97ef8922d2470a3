"""The benchmark driver: ``python -m benchmarks.run [--quick] [--impls ...] [--workloads ...]``.

Normally started by ``nox -s bench`` (which also builds the Chainer 7.8.1 venv and passes
``--chainer-python``).  Every (round, workload, implementation) runs in its own subprocess
(:mod:`benchmarks.run_one`), the implementations in a rotated order each round, with
``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` set alike for all (and
``MALLOC_MMAP_THRESHOLD_`` for the memory workload); ``OPENBLAS_CORETYPE`` and the rest of
the environment pass through untouched.  The samples of all rounds are pooled.

Results go to ``benchmarks/results/<timestamp>.{md,json}``; a full run of the default
selection also rewrites ``latest.{md,json}`` (``latest-cuda.*`` on the GPU) and, on the CPU, the
results section of ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import adapters, report, workloads

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
DEFAULT_CHAINER_PYTHON = ROOT / ".nox" / "bench-chainer-7.8.1" / "bin" / "python"
README_START = "<!-- latest-results:start -->"
README_END = "<!-- latest-results:end -->"
FULL_ROUNDS = 5
QUICK_ROUNDS = 2


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    p.add_argument("--quick", action="store_true", help="2 rounds, fewer samples (< 5 min)")
    p.add_argument("--impls", type=_csv, help=f"comma list of {', '.join(adapters.BY_NAME)}")
    p.add_argument("--workloads", type=_csv, help="comma list of ids (a-f) or names")
    p.add_argument("--rounds", type=int, help=f"default {FULL_ROUNDS} ({QUICK_ROUNDS} quick)")
    p.add_argument("--samples", type=int, help="samples per subprocess (default per workload)")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads (default 1)")
    p.add_argument(
        "--clock",
        choices=tuple(workloads.CLOCKS),
        default="wall",
        help="wall (default) or cpu: process CPU time, for a machine shared with other work",
    )
    p.add_argument("--chainer-python", help="the Chainer 7.8.1 interpreter")
    p.add_argument("--chainer-unavailable", help="why there is no Chainer interpreter")
    p.add_argument("--timeout", type=float, default=600.0, help="per subprocess, seconds")
    p.add_argument("--out-dir", type=Path, default=RESULTS)
    p.add_argument("--no-save", action="store_true", help="print the table, write nothing")
    return p.parse_args(argv)


def _cuda_present() -> str | None:
    """None if a CUDA device is visible to CuPy or torch here, else the reason."""
    reasons = []
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return None
        reasons.append("CuPy sees no device")
    except Exception as e:
        reasons.append(f"CuPy: {type(e).__name__}: {e}")
    try:
        import torch

        if torch.cuda.is_available():
            return None
        reasons.append("torch sees no device")
    except Exception as e:
        reasons.append(f"torch: {type(e).__name__}: {e}")
    return "; ".join(reasons)


def _machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, nproc={os.cpu_count()}, {platform.system()} {platform.release()}"


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def _git() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


class Runner:
    """Runs the subprocesses and pools their results."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.chainer_python: str | None = None
        self.chainer_reason = args.chainer_unavailable or ""
        if args.chainer_python:
            self.chainer_python = args.chainer_python
        elif not self.chainer_reason and DEFAULT_CHAINER_PYTHON.exists():
            self.chainer_python = str(DEFAULT_CHAINER_PYTHON)
        elif not self.chainer_reason:
            self.chainer_reason = (
                "no Chainer 7.8.1 interpreter: run `nox -s bench` (it builds one) or pass"
                " --chainer-python"
            )
        self.results: dict[str, dict[str, dict[str, Any]]] = {}
        self.interpreters: dict[str, str] = {}

    def env(self, w: workloads.Workload) -> dict[str, str]:
        env = dict(os.environ)
        n = str(self.args.threads)
        env.update(OMP_NUM_THREADS=n, OPENBLAS_NUM_THREADS=n, MKL_NUM_THREADS=n)
        env.update(dict(w.env))
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        )
        return env

    def run_one(self, impl: adapters.Impl, w: workloads.Workload, samples: int) -> dict[str, Any]:
        base = {"impl": impl.name, "workload": w.name, "device": self.args.device}
        python = sys.executable
        if impl.chainer_venv:
            if self.chainer_python is None:
                return {**base, "status": "unavailable", "reason": self.chainer_reason}
            python = self.chainer_python
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "result.json"
            cmd = [
                python,
                "-m",
                "benchmarks.run_one",
                "--impl",
                impl.name,
                "--workload",
                w.name,
                "--samples",
                str(samples),
                "--device",
                self.args.device,
                "--clock",
                self.args.clock,
                "--out",
                str(out),
            ]
            try:
                proc = subprocess.run(
                    cmd,
                    cwd=ROOT,
                    env=self.env(w),
                    capture_output=True,
                    text=True,
                    timeout=self.args.timeout,
                )
            except subprocess.TimeoutExpired:
                return {**base, "status": "error", "reason": f"timed out ({self.args.timeout} s)"}
            except OSError as e:
                return {**base, "status": "unavailable", "reason": f"cannot start {python}: {e}"}
            if proc.returncode != 0 or not out.exists():
                tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
                return {
                    **base,
                    "status": "error",
                    "reason": f"exit {proc.returncode}: {' | '.join(tail)}",
                }
            result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
            return result

    def pool(self, result: dict[str, Any]) -> None:
        entry = self.results.setdefault(result["workload"], {}).setdefault(
            result["impl"], {"status": result["status"], "samples": {}, "errors": 0}
        )
        if "env" in result and result["status"] == "ok":
            env = result["env"]
            entry["env"] = env
            key = "chainer venv" if result["impl"].startswith("chainer") else "bench venv"
            self.interpreters.setdefault(
                key,
                f"Python {env.get('python')}, numpy {env.get('numpy')} ({env.get('blas')}), "
                + ", ".join(
                    f"{k} {v}"
                    for k, v in env.items()
                    if k not in ("python", "numpy", "blas", "threads", "executable")
                ),
            )
        if result["status"] == "ok":
            entry["status"] = "ok"
            entry.pop("reason", None)
            for metric, values in result["metrics"].items():
                entry["samples"].setdefault(metric, []).extend(values)
            entry.setdefault("check", result.get("check", {}))
        elif result["status"] == "error":
            entry["errors"] += 1
            entry["last_error"] = result.get("reason")
            if entry["status"] != "ok":
                entry["status"] = "error"
                entry["reason"] = result.get("reason")
                if "traceback" in result:
                    entry["traceback"] = result["traceback"]
        elif entry["status"] != "ok":
            entry["status"] = "unavailable"
            entry["reason"] = result.get("reason")

    def finish(self) -> None:
        for wname, per_impl in self.results.items():
            reference = workloads.reference_check(wname)
            for entry in per_impl.values():
                entry["stats"] = {m: report.summarize(v) for m, v in entry["samples"].items()}
                mismatches = []
                for key, want in reference.items():
                    got = entry.get("check", {}).get(key)
                    if got is None or not math.isclose(got, want, rel_tol=2e-3, abs_tol=1e-6):
                        mismatches.append(f"{key} = {got}, expected {want:.6g}")
                if entry["status"] == "ok" and mismatches:
                    entry["check_mismatch"] = mismatches


def _short(result: dict[str, Any]) -> str:
    if result["status"] != "ok":
        return f"{result['status']}: {result.get('reason')}"
    parts = []
    for metric, values in result["metrics"].items():
        parts.append(f"{metric}={report.fmt(sorted(values)[len(values) // 2])}")
    return " ".join(parts)


def _update_readme(table: str) -> None:
    if not README.exists():
        return
    text = README.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return
    body = table.split("\n", 1)[1].strip()  # drop the file's own title
    body = body.replace("\n## ", "\n### ")  # nest its sections under "Latest results"
    new = text[: start + len(README_START)] + "\n\n" + body + "\n\n" + text[end:]
    README.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    device = args.device
    if device == "cuda":
        reason = _cuda_present()
        if reason is not None:
            print(f"bench: --device cuda skipped, no CUDA device here ({reason})")
            return 0

    if device != "cpu" and args.clock != "wall":
        print("bench: --clock cpu cannot time a GPU (the host waits for the device)")
        return 2
    default_selection = args.impls is None and args.workloads is None
    if args.impls is None:
        impls = [i for i in adapters.IMPLS if device == "cpu" or i.gpu]
    else:
        impls = [adapters.get(name) for name in args.impls]
    if args.workloads is None:
        selected = [w for w in workloads.WORKLOADS if device == "cpu" or not w.cpu_only]
    else:
        selected = [workloads.get(key) for key in args.workloads]
    rounds = args.rounds or (QUICK_ROUNDS if args.quick else FULL_ROUNDS)

    runner = Runner(args)
    load_start = _load()
    started = time.perf_counter()
    date = dt.datetime.now(dt.UTC).astimezone()
    for r in range(rounds):
        shift = r % len(impls)
        order = impls[shift:] + impls[:shift]
        for w in selected:
            samples = args.samples or (w.quick_samples if args.quick else w.samples)
            for impl in order:
                explicit = args.impls is not None
                if not explicit and impl.workloads is not None and w.name not in impl.workloads:
                    continue
                result = runner.run_one(impl, w, samples)
                runner.pool(result)
                where = f"[round {r + 1}/{rounds}] {w.id} {w.name:<5} {impl.name:<12}"
                print(where, _short(result), flush=True)
    runner.finish()

    data: dict[str, Any] = {
        "meta": {
            "date": date.isoformat(timespec="seconds"),
            "git": _git(),
            "machine": _machine(),
            "load": f"{load_start} / {_load()}",
            "device": device,
            "mode": "quick" if args.quick else "full",
            "rounds": rounds,
            "threads": args.threads,
            "clock": args.clock,
            "impls": [i.name for i in impls],
            "workloads": [w.name for w in selected],
            "duration_s": time.perf_counter() - started,
            "interpreters": runner.interpreters,
        },
        "results": runner.results,
    }
    data["targets"] = (
        [
            t
            for t in report.evaluate_targets(runner.results)
            if t["workload"] in data["meta"]["workloads"]
        ]
        if device == "cpu"
        else []
    )
    table = report.markdown(data)
    print()
    print(table)
    if args.no_save:
        return 0
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = date.strftime("%Y%m%d-%H%M%S") + ("-quick" if args.quick else "")
    suffix = "" if device == "cpu" else f"-{device}"
    text = json.dumps(data, indent=1, allow_nan=True)
    (out_dir / f"{stamp}{suffix}.md").write_text(table, encoding="utf-8")
    (out_dir / f"{stamp}{suffix}.json").write_text(text, encoding="utf-8")
    written = [out_dir / f"{stamp}{suffix}.md"]
    if default_selection and not args.quick:
        (out_dir / f"latest{suffix}.md").write_text(table, encoding="utf-8")
        (out_dir / f"latest{suffix}.json").write_text(text, encoding="utf-8")
        written.append(out_dir / f"latest{suffix}.md")
        if device == "cpu" and out_dir == RESULTS:
            _update_readme(table)
    print("bench: wrote " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
