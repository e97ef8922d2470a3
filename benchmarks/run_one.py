"""One measurement: one workload, one implementation, in this process.

``python -m benchmarks.run_one --impl kusari --workload chain --samples 5 --out r.json``

The driver (:mod:`benchmarks.run`) starts this once per (round, workload, implementation),
with the thread variables already set.  The result is a JSON object written to ``--out``
(stdout when omitted): ``status`` is ``ok``, ``unavailable`` (with ``reason``: a missing API,
device or interpreter) or ``error`` (with ``reason`` and ``traceback``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import traceback
from typing import Any

import numpy as np

from . import adapters, workloads
from .protocol import Unavailable


def _blas() -> str:
    try:
        cfg: Any = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:
        return "?"


def environment(impl: str) -> dict[str, Any]:
    """The interpreter, numpy, BLAS and framework versions of this process."""
    threads = {
        k: os.environ[k]
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        if k in os.environ
    }
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "numpy": np.__version__,
        "blas": _blas(),
        "threads": threads,
        **adapters.versions(impl),
    }


def measure(
    impl: str, workload: str, samples: int, device: str, clock: str = "wall"
) -> dict[str, Any]:
    """Run the workload and return the result object (never raises for a framework error)."""
    w = workloads.get(workload)
    workloads.set_clock(clock)
    result: dict[str, Any] = {"impl": impl, "workload": w.name, "device": device, "clock": clock}
    try:
        if device != "cpu" and w.cpu_only:
            raise Unavailable(f"workload {w.name} runs on the CPU only")
        adapter = adapters.make(impl, device)
        lacking = adapter.missing(w.uses)
        if lacking:
            raise Unavailable("missing: " + ", ".join(lacking))
        got = w.run(adapter, samples)
    except Unavailable as e:
        result.update(status="unavailable", reason=str(e))
    except Exception as e:
        result.update(
            status="error",
            reason=f"{type(e).__name__}: {e}",
            traceback=traceback.format_exc(limit=-8),
        )
    else:
        result.update(status="ok", metrics=got.metrics, check=got.check, notes=got.notes)
    try:
        result["env"] = environment(impl)
    except Exception as e:  # pragma: no cover - decoration only
        result["env"] = {"error": str(e)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_one", description=__doc__)
    parser.add_argument("--impl", required=True, choices=list(adapters.BY_NAME))
    parser.add_argument("--workload", required=True, help="id (a-f) or name (chain, ...)")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--clock", choices=tuple(workloads.CLOCKS), default="wall")
    parser.add_argument("--out", help="write the JSON result here (default: stdout)")
    args = parser.parse_args(argv)
    result = measure(args.impl, args.workload, args.samples, args.device, args.clock)
    text = json.dumps(result, allow_nan=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
