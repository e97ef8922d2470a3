"""Scaling benchmark of kusari.distributed: ``python -m benchmarks.distributed.run``.

Runs :mod:`benchmarks.distributed.worker` under ``mpiexec`` with 1 and 2 processes (an MLP
784-1024-1024-10 in float32, MomentumSGD, data-parallel), then the raw allreduce for a few
message sizes, and writes ``benchmarks/distributed/results.md``.  BLAS runs one thread per
process (``OPENBLAS_NUM_THREADS=1``) unless a row says otherwise, so that N processes use N
cores.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import shutil
import subprocess
import sys
from typing import Any

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
SIZES = [4 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20]


def _mpiexec() -> str:
    beside = pathlib.Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    if found is None:
        sys.exit("no mpiexec: pip install 'packages/kusari-distributed[mpich]'")
    return found


def _job(n: int, threads: int, extra: list[str]) -> dict[str, Any]:
    env = dict(os.environ)
    # Measure the current numpy's own kernels (see the machine notes), one BLAS per core.
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    command = [_mpiexec(), "-n", str(n), sys.executable, "-m", "benchmarks.distributed.worker"]
    done = subprocess.run(
        [*command, *extra], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=pathlib.Path, default=HERE / "results.md")
    args = parser.parse_args()
    steps = ["--steps", str(args.steps)]
    runs = [
        ("1 process, 1 BLAS thread", 1, 1, ["--batch", "128"]),
        ("1 process, 2 BLAS threads", 1, 2, ["--batch", "128"]),
        ("1 process, 1 BLAS thread", 1, 1, ["--batch", "64"]),
        ("2 processes, 1 BLAS thread each", 2, 1, ["--batch", "64", "--sizes", *map(str, SIZES)]),
    ]
    # Rounds interleave the configurations; each keeps its fastest round (the machine may
    # be shared: the least disturbed round is the closest to what the code costs).
    load_before = os.getloadavg()[0]
    best: dict[int, dict[str, Any]] = {}
    bandwidth_rounds: list[list[dict[str, Any]]] = []
    for round_index in range(args.rounds):
        for index, (label, n, threads, extra) in enumerate(runs):
            result = _job(n, threads, [*extra, *steps])
            train = result["train"]
            if index not in best or train["step_ms"] < best[index]["step_ms"]:
                best[index] = train
            if "bandwidth" in result:
                bandwidth_rounds.append(result["bandwidth"])
            print(round_index, label, json.dumps(train), flush=True)
    rows = [(label, best[i]) for i, (label, *_) in enumerate(runs)]
    bandwidth = [
        min((r[i] for r in bandwidth_rounds), key=lambda b: float(b["us"]))
        for i in range(len(SIZES))
    ]

    load_after = os.getloadavg()[0]
    base = rows[0][1]["examples_per_s"]
    lines = [
        "# kusari.distributed: scaling on this machine",
        "",
        f"Measured {datetime.date.today().isoformat()} by `python -m benchmarks.distributed.run`"
        f" on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()};"
        " MPI: the `mpiexec` beside this Python (MPICH from PyPI in the dev venv).",
        "Model: MLP 784-1024-1024-10, float32, MomentumSGD, mean squared error;"
        f" {rows[0][1]['parameters']:,} parameters ({rows[0][1]['parameters'] * 4 / 2**20:.1f}"
        " MiB of gradients per step). Median over"
        f" {args.steps} steps after 5 warm-up steps, best of {args.rounds} interleaved rounds;"
        " a step is the slowest process's `optimizer.update` (forward, backward, gradient"
        " mean, update). `allreduce_grad` includes waiting for the slower process.",
        f"1-minute load average {load_before:.1f} before and {load_after:.1f} after the run"
        " (anything above 0 means other work shared the cores: compare rows, not machines).",
        "",
        "## Training step",
        "",
        "| run | batch / process | global batch | step (ms) | fastest step (ms)"
        " | of which `allreduce_grad` (ms) | examples / s | vs. first row |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, r in rows:
        lines.append(
            f"| {label} | {r['batch_per_process']} | {r['global_batch']} | {r['step_ms']:.2f}"
            f" | {r['step_ms_min']:.2f} | {r['allreduce_grad_ms']:.2f}"
            f" | {r['examples_per_s']:,.0f}"
            f" | {r['examples_per_s'] / base:.2f}x |"
        )
    two = rows[-1][1]
    lines += [
        "",
        f"`allreduce_grad` with the processes in step (a barrier before each call, 20 calls):"
        f" {two['allreduce_grad_alone_ms']:.2f} ms, of which the bare allreduce of the"
        f" {two['parameters'] * 4 / 2**20:.1f} MiB buffer takes {two['raw_allreduce_ms']:.2f} ms"
        " (the rest: copying the gradients in and out, scaling, the layout check).",
        "",
        "With one process `allreduce_grad` returns at once (the mean over one process is what"
        " it has); with two it packs 7.1 MiB, checks the layout, reduces, scales and unpacks,"
        " and waits for the slower process.",
        "",
        "## Allreduce (2 processes, one node, in place, float32 sum)",
        "",
        "| message | time (µs) | algorithm bandwidth (GB/s) | bus bandwidth (GB/s) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for b in bandwidth:
        size = b["bytes"]
        shown = f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"
        bus = "" if b["busbw_GBps"] is None else f"{b['busbw_GBps']:.2f}"
        lines.append(f"| {shown} | {b['us']:.1f} | {b['algbw_GBps']:.2f} | {bus} |")
    lines += [
        "",
        "Algorithm bandwidth = bytes / time; bus bandwidth = algorithm bandwidth x 2(p-1)/p"
        " (NCCL's convention: what each link carries in a ring allreduce; equal for p = 2).",
        "",
    ]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
