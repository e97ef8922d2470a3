"""One benchmark job, run under ``mpiexec -n N``: data-parallel MLP steps and allreduce bandwidth.

Rank 0 prints one JSON object.  Run by :mod:`benchmarks.distributed.run`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import numpy

import kusari.functions as F
from kusari.distributed import create_communicator, create_multi_node_optimizer
from kusari.graph import Variable
from kusari.links import Chain, Link, Parameter
from kusari.optimizers import MomentumSGD


class Dense(Link):
    def __init__(self, n_in: int, n_out: int, rng: numpy.random.Generator) -> None:
        super().__init__()
        with self.init_scope():
            w = rng.normal(0.0, n_in**-0.5, (n_in, n_out)).astype(numpy.float32)
            self.W = Parameter(w)
            self.b = Parameter(numpy.zeros(n_out, numpy.float32))

    def forward(self, x: Variable) -> Variable:
        return F.matmul(x, self.W) + self.b


class MLP(Chain):
    def __init__(self, n_in: int, hidden: int, n_out: int) -> None:
        super().__init__()
        rng = numpy.random.default_rng(0)
        with self.init_scope():
            self.l1 = Dense(n_in, hidden, rng)
            self.l2 = Dense(hidden, hidden, rng)
            self.l3 = Dense(hidden, n_out, rng)

    def forward(self, x: Variable) -> Variable:
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        y: Variable = self.l3(h)
        return y


def _loss(model: MLP, x: numpy.ndarray, t: numpy.ndarray) -> Variable:
    d = model(Variable(x)) - t
    return F.mean(d * d)


def train_steps(args: argparse.Namespace) -> dict[str, Any]:
    comm = create_communicator("mpi")
    model = MLP(784, args.hidden, 10)
    n_params = sum(p.size for p in model.params())
    optimizer = create_multi_node_optimizer(MomentumSGD(lr=0.01), comm).setup(model)
    rng = numpy.random.default_rng(1 + comm.rank)
    x = rng.normal(size=(args.batch, 784)).astype(numpy.float32)
    t = rng.normal(size=(args.batch, 10)).astype(numpy.float32)

    comm_seconds: list[float] = []
    original = comm.allreduce_grad

    def timed_allreduce_grad(target: Link, zero_fill: bool = False) -> None:
        start = time.perf_counter()
        original(target, zero_fill)
        comm_seconds.append(time.perf_counter() - start)

    comm.allreduce_grad = timed_allreduce_grad  # type: ignore[method-assign,assignment]
    steps: list[float] = []
    for i in range(args.warmup + args.steps):
        comm.mpi_comm.Barrier()
        start = time.perf_counter()
        optimizer.update(_loss, model, x, t)
        elapsed = time.perf_counter() - start
        # the slowest process sets the pace
        elapsed = comm.mpi_comm.allreduce(elapsed, op=_max())
        if i >= args.warmup:
            steps.append(elapsed)
    comm_per_step = comm_seconds[args.warmup :]
    # allreduce_grad alone (processes in step): packing + layout check + reduction + unpacking
    alone: list[float] = []
    for _ in range(20):
        comm.mpi_comm.Barrier()
        start = time.perf_counter()
        original(model, False)
        alone.append(comm.mpi_comm.allreduce(time.perf_counter() - start, op=_max()))
    raw_buffer = numpy.ones(int(n_params), numpy.float32)
    raw: list[float] = []
    for _ in range(20):
        comm.mpi_comm.Barrier()
        start = time.perf_counter()
        comm._allreduce_buffer(raw_buffer)
        raw.append(comm.mpi_comm.allreduce(time.perf_counter() - start, op=_max()))
    step = statistics.median(steps)
    return {
        "processes": comm.size,
        "batch_per_process": args.batch,
        "global_batch": args.batch * comm.size,
        "parameters": int(n_params),
        "step_ms": 1e3 * step,
        "step_ms_min": 1e3 * min(steps),
        "allreduce_grad_ms": 1e3 * statistics.median(comm_per_step),
        "allreduce_grad_alone_ms": 1e3 * statistics.median(alone),
        "raw_allreduce_ms": 1e3 * statistics.median(raw),
        "examples_per_s": args.batch * comm.size / step,
    }


def _max() -> Any:
    from mpi4py import MPI

    return MPI.MAX


def bandwidth(args: argparse.Namespace) -> list[dict[str, Any]]:
    comm = create_communicator("mpi")
    rows = []
    for size in args.sizes:
        n = max(1, size // 4)
        buffer = numpy.ones(n, numpy.float32)
        repeats = max(5, min(200, (64 << 20) // max(size, 1) // 4))
        times = []
        for _ in range(3):  # warm-up; the raw in-place collective, without packing
            comm._allreduce_buffer(buffer)
        for _ in range(repeats):
            comm.mpi_comm.Barrier()
            start = time.perf_counter()
            comm._allreduce_buffer(buffer)
            times.append(comm.mpi_comm.allreduce(time.perf_counter() - start, op=_max()))
        seconds = statistics.median(times)
        nbytes = n * 4
        p = comm.size
        rows.append(
            {
                "bytes": nbytes,
                "us": 1e6 * seconds,
                "algbw_GBps": nbytes / seconds / 1e9,
                "busbw_GBps": (2 * (p - 1) / p) * nbytes / seconds / 1e9 if p > 1 else None,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[])
    args = parser.parse_args()
    comm = create_communicator("mpi")
    result: dict[str, Any] = {"train": train_steps(args)}
    if args.sizes:
        result["bandwidth"] = bandwidth(args)
    if comm.rank == 0:
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
