"""cProfile of the chain workload (a), forward and backward apart, counted per op.

``python -m benchmarks.profile_chain [--impl kusari] [--iterations 5] [--top 20]``

For each phase it prints the functions with the most self time: calls per op, self time
per op and its share of the phase.  cProfile inflates call-heavy code several times over,
so read the call counts and the shares, not the absolute times (the unprofiled per-op cost
is printed first for scale).  This is the input for whoever optimises the graph core: every
call per op that is not needed is about 0.05-0.1 µs.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import sys
import time
from typing import Any

import numpy as np

from . import adapters, workloads


def _short(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":  # a builtin: name is "<built-in method ...>"
        return name
    parts = filename.replace(os.sep, "/").split("/")
    for anchor in ("kusari", "chainer", "torch", "numpy", "benchmarks"):
        if anchor in parts:
            i = len(parts) - 1 - parts[::-1].index(anchor)
            return f"{'/'.join(parts[i:])}:{line}({name})"
    return f"{parts[-1]}:{line}({name})"


def _table(prof: cProfile.Profile, n_ops: int, top: int, title: str) -> list[str]:
    stats: Any = pstats.Stats(prof)
    rows = []
    total = 0.0
    total_calls = 0
    for key, (_cc, nc, tt, _ct, _callers) in stats.stats.items():
        total += tt
        total_calls += nc
        rows.append((tt, nc, key))
    rows.sort(reverse=True)
    out = [
        f"{title}: {total_calls / n_ops:.1f} calls/op (Python + builtin), "
        f"{total / n_ops * 1e6:.2f} µs/op profiled",
        f"{'calls/op':>9} {'self µs/op':>10} {'share':>6}  function",
    ]
    for tt, nc, key in rows[:top]:
        out.append(
            f"{nc / n_ops:9.2f} {tt / n_ops * 1e6:10.3f} {tt / total * 100:5.1f}%  {_short(key)}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile_chain", description=__doc__)
    p.add_argument("--impl", default="kusari", choices=list(adapters.BY_NAME))
    p.add_argument("--iterations", type=int, default=5)
    p.add_argument("--top", type=int, default=20)
    args = p.parse_args(argv)

    impl = adapters.make(args.impl, "cpu")
    lacking = impl.missing(workloads.CHAIN_OPS_USES)
    if lacking:
        print(f"{args.impl}: unavailable, missing: {', '.join(lacking)}")
        return 1
    x0 = np.full((1,), workloads.CHAIN_X0, np.float32)
    n_ops = workloads.CHAIN_OPS * args.iterations

    # Unprofiled, for scale.
    fwd_t = bwd_t = 0.0
    for _ in range(args.iterations + 1):
        x = impl.make_input(x0.copy(), requires_grad=True)
        gc.collect()
        t0 = time.perf_counter()
        y = workloads._chain(impl, x)
        t1 = time.perf_counter()
        impl.backward(y)
        t2 = time.perf_counter()
        fwd_t, bwd_t = fwd_t + t1 - t0, bwd_t + t2 - t1
        del x, y
    per = workloads.CHAIN_OPS * (args.iterations + 1)
    print(
        f"{args.impl}: unprofiled {fwd_t / per * 1e6:.2f} µs/op forward, "
        f"{bwd_t / per * 1e6:.2f} µs/op backward"
    )

    fwd, bwd = cProfile.Profile(), cProfile.Profile()
    for _ in range(args.iterations):
        x = impl.make_input(x0.copy(), requires_grad=True)
        gc.collect()
        fwd.enable()
        y = workloads._chain(impl, x)
        fwd.disable()
        bwd.enable()
        impl.backward(y)
        bwd.disable()
        del x, y
    print()
    print("\n".join(_table(fwd, n_ops, args.top, "forward")))
    print()
    print("\n".join(_table(bwd, n_ops, args.top, "backward")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
