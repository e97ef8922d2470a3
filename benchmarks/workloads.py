"""The six workloads of ``reference/perf-baseline.md``, written once against :class:`Adapter`.

Workloads (id, name: what; metrics):

* a, chain: 2000 tiny ops (+c, *c, tanh) on a (1,) float32; fwd_us_per_op, fwdbwd_us_per_op.
* b, wide: s = sum of 1000 branches x*c_i on a (32,) float32, then sum(s); fwd_ms, fwdbwd_ms.
* c, mlp: 784-1000-1000-10 ReLU, batch 100, softmax cross entropy, Adam; step_ms.
* d, cnn: conv3x3 32, ReLU, pool 2, conv3x3 64, ReLU, pool 2, linear; batch 32 of 1x28x28;
  MomentumSGD; step_ms.
* e, lstm: EmbedID(1000, 200), LSTM(200), Linear(200, 1000); 35 steps, batch 20, SGD;
  iter_ms.
* f, mem: 20x Linear(1024) with ReLU between, batch 256, fwd+bwd after the first step;
  rss_peak_delta_MiB, tracemalloc_peak_delta_MiB, rss_retained_MiB, step_ms.

Every timed sample is preceded by ``gc.collect()`` off the clock (the collector stays
enabled) and ends with :meth:`Adapter.sync`.  Each workload runs one untimed warm-up first.
A workload returns its samples per metric and a few ``check`` values (a forward result, a
gradient) that the driver compares across implementations where they must agree.
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .protocol import Adapter, FloatArray, Layer, Unavailable

MiB = 1024.0 * 1024.0

# Workload (a): the constants keep the chain bounded (tanh every third op).
CHAIN_OPS = 2000
CHAIN_ADD = 0.5
CHAIN_MUL = 0.9
CHAIN_X0 = 0.3
# Workload (b).
WIDE_BRANCHES = 1000
WIDE_SIZE = 32


@dataclass
class Samples:
    """What one workload run in one process measured."""

    metrics: dict[str, list[float]] = field(default_factory=dict)
    check: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, metric: str, value: float) -> None:
        self.metrics.setdefault(metric, []).append(value)


RunFn = Callable[[Adapter[Any], int], Samples]


@dataclass(frozen=True)
class Metric:
    """A reported number: its name (with the unit in it) and a short label.

    ``blind`` names the implementations this metric cannot see (tracemalloc does not see
    torch's allocator): their cells are shown, but no ratio is formed with them.
    """

    name: str
    label: str
    blind: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Workload:
    """A workload: what it needs from an adapter, how many samples, and how to run it."""

    id: str
    name: str
    title: str
    metrics: tuple[Metric, ...]
    uses: tuple[str, ...]
    samples: int
    quick_samples: int
    run: RunFn
    cpu_only: bool = False
    env: tuple[tuple[str, str], ...] = ()


#: The clocks a run may use.  ``wall`` (the default, as in the baseline) is
#: ``time.perf_counter``.  ``cpu`` is this process's CPU time (``time.process_time``): on a
#: machine shared with other CPU-bound work, it leaves out the time the process spent
#: waiting for a core, so the medians stay meaningful.  With one BLAS thread every workload
#: is single-threaded, so on a quiet machine both agree.  ``cpu`` is wrong on a GPU (the
#: host waits for the device), so the driver refuses it there.
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
_clock: Callable[[], float] = time.perf_counter


def set_clock(name: str) -> None:
    """Select the clock of every later sample (``wall`` or ``cpu``)."""
    global _clock
    try:
        _clock = CLOCKS[name]
    except KeyError:
        raise ValueError(f"unknown clock {name!r}; known: {', '.join(CLOCKS)}") from None


# -- (a) chain and (b) wide ----------------------------------------------------------------


def _chain(impl: Adapter[Any], x: Any) -> Any:
    add, mul, tanh = impl.add_const, impl.mul_const, impl.tanh
    y = x
    for _ in range(CHAIN_OPS // 3):
        y = add(y, CHAIN_ADD)
        y = mul(y, CHAIN_MUL)
        y = tanh(y)
    for i in range(CHAIN_OPS % 3):
        y = add(y, CHAIN_ADD) if i == 0 else mul(y, CHAIN_MUL)
    return y


def chain_reference() -> tuple[float, float]:
    """The forward value and d(out)/dx of workload (a), in float64 (for the checks)."""
    y, dydx = CHAIN_X0, 1.0
    for i in range(CHAIN_OPS):
        k = i % 3
        if k == 0:
            y += CHAIN_ADD
        elif k == 1:
            y *= CHAIN_MUL
            dydx *= CHAIN_MUL
        else:
            y = float(np.tanh(y))
            dydx *= 1.0 - y * y
    return y, dydx


def run_chain(impl: Adapter[Any], n: int) -> Samples:
    out = Samples()
    x0 = np.full((1,), CHAIN_X0, np.float32)
    for i in range(n + 1):  # sample 0 is the warm-up
        x = impl.make_input(x0.copy(), requires_grad=True)
        gc.collect()
        t0 = _clock()
        y = _chain(impl, x)
        impl.sync()
        fwd = _clock() - t0
        del y, x

        x = impl.make_input(x0.copy(), requires_grad=True)
        gc.collect()
        t0 = _clock()
        y = _chain(impl, x)
        impl.backward(y)
        impl.sync()
        fwdbwd = _clock() - t0
        if i == 0:
            out.check["value"] = float(impl.to_numpy(y).reshape(-1)[0])
            g = impl.grad(x)
            out.check["grad"] = float("nan") if g is None else float(g.reshape(-1)[0])
        else:
            out.add("fwd_us_per_op", fwd / CHAIN_OPS * 1e6)
            out.add("fwdbwd_us_per_op", fwdbwd / CHAIN_OPS * 1e6)
        del y, x
    return out


def _wide(impl: Adapter[Any], x: Any, coefs: list[float]) -> Any:
    mul, add = impl.mul_const, impl.add
    s = mul(x, coefs[0])
    for c in coefs[1:]:
        s = add(s, mul(x, c))
    return impl.sum(s)


def _wide_coefs() -> list[float]:
    return [float(c) for c in np.linspace(-0.5, 1.5, WIDE_BRANCHES)]


def _wide_x0() -> FloatArray:
    return np.linspace(0.1, 1.0, WIDE_SIZE, dtype=np.float32)


def wide_reference() -> tuple[float, float]:
    """The forward value and the sum of d(out)/dx of workload (b), in float64."""
    c = sum(_wide_coefs())
    return float(_wide_x0().astype(np.float64).sum()) * c, WIDE_SIZE * c


def reference_check(workload: str) -> dict[str, float]:
    """The ``check`` values every implementation of ``workload`` must reproduce (or {})."""
    if workload == "chain":
        value, grad = chain_reference()
        return {"value": value, "grad": grad}
    if workload == "wide":
        value, grad = wide_reference()
        return {"value": value, "grad": grad}
    return {}


def run_wide(impl: Adapter[Any], n: int) -> Samples:
    out = Samples()
    coefs = _wide_coefs()
    x0 = _wide_x0()
    for i in range(n + 1):
        x = impl.make_input(x0.copy(), requires_grad=True)
        gc.collect()
        t0 = _clock()
        s = _wide(impl, x, coefs)
        impl.sync()
        fwd = _clock() - t0
        del s, x

        x = impl.make_input(x0.copy(), requires_grad=True)
        gc.collect()
        t0 = _clock()
        s = _wide(impl, x, coefs)
        impl.backward(s)
        impl.sync()
        fwdbwd = _clock() - t0
        if i == 0:
            out.check["value"] = float(impl.to_numpy(s).reshape(-1)[0])
            g = impl.grad(x)
            out.check["grad"] = float("nan") if g is None else float(g.sum())
        else:
            out.add("fwd_ms", fwd * 1e3)
            out.add("fwdbwd_ms", fwdbwd * 1e3)
        del s, x
    return out


# -- (c) MLP, (d) CNN, (e) LSTM ----------------------------------------------------------------


def _timed_steps(
    impl: Adapter[Any], step: Callable[[], float], n: int, warmup: int, metric: str
) -> Samples:
    out = Samples()
    for _ in range(warmup):
        out.check["first_loss"] = step()
    for _ in range(n):
        gc.collect()
        t0 = _clock()
        step()
        impl.sync()
        out.add(metric, (_clock() - t0) * 1e3)
    return out


def run_mlp(impl: Adapter[Any], n: int) -> Samples:
    rng = np.random.default_rng(0)
    x = impl.make_input(rng.standard_normal((100, 784), dtype=np.float32), requires_grad=False)
    t = impl.make_labels(rng.integers(0, 10, 100).astype(np.int32))
    l1, l2, l3 = impl.linear(784, 1000), impl.linear(1000, 1000), impl.linear(1000, 10)
    opt = impl.optimizer("adam", [l1, l2, l3], lr=1e-3)
    relu, sce = impl.relu, impl.softmax_cross_entropy

    def step() -> float:
        opt.zero_grad()
        loss = sce(l3(relu(l2(relu(l1(x))))), t)
        impl.backward(loss)
        opt.step()
        return 0.0

    out = _timed_steps(impl, step, n, warmup=2, metric="step_ms")
    out.check.clear()
    return out


def run_cnn(impl: Adapter[Any], n: int) -> Samples:
    rng = np.random.default_rng(0)
    x = impl.make_input(
        rng.standard_normal((32, 1, 28, 28), dtype=np.float32), requires_grad=False
    )
    t = impl.make_labels(rng.integers(0, 10, 32).astype(np.int32))
    c1, c2 = impl.conv2d(1, 32, 3, pad=1), impl.conv2d(32, 64, 3, pad=1)
    fc = impl.linear(64 * 7 * 7, 10)
    opt = impl.optimizer("momentum_sgd", [c1, c2, fc], lr=0.01)
    relu, pool, flat, sce = impl.relu, impl.max_pool2d, impl.flatten, impl.softmax_cross_entropy

    def step() -> float:
        opt.zero_grad()
        h = pool(relu(c1(x)), 2)
        h = pool(relu(c2(h)), 2)
        loss = sce(fc(flat(h)), t)
        impl.backward(loss)
        opt.step()
        return 0.0

    out = _timed_steps(impl, step, n, warmup=2, metric="step_ms")
    out.check.clear()
    return out


LSTM_STEPS = 35
LSTM_BATCH = 20
LSTM_VOCAB = 1000
LSTM_UNITS = 200


def run_lstm(impl: Adapter[Any], n: int) -> Samples:
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, LSTM_VOCAB, (LSTM_STEPS + 1, LSTM_BATCH)).astype(np.int32)
    xs = [impl.make_labels(tokens[i]) for i in range(LSTM_STEPS)]
    ts = [impl.make_labels(tokens[i + 1]) for i in range(LSTM_STEPS)]
    emb = impl.embed(LSTM_VOCAB, LSTM_UNITS)
    rnn = impl.lstm(LSTM_UNITS, LSTM_UNITS)
    out_layer = impl.linear(LSTM_UNITS, LSTM_VOCAB)
    opt = impl.optimizer("sgd", [emb, rnn, out_layer], lr=0.01)
    sce, add = impl.softmax_cross_entropy, impl.add

    def iteration() -> float:
        opt.zero_grad()
        rnn.reset_state()
        loss = sce(out_layer(rnn(emb(xs[0]))), ts[0])
        for xi, ti in zip(xs[1:], ts[1:], strict=True):
            loss = add(loss, sce(out_layer(rnn(emb(xi))), ti))
        impl.backward(loss)
        opt.step()
        return 0.0

    out = _timed_steps(impl, iteration, n, warmup=1, metric="iter_ms")
    out.check.clear()
    return out


# -- (f) memory ------------------------------------------------------------------------------

MEM_LAYERS = 20
MEM_UNITS = 1024
MEM_BATCH = 256


def _read_status_kib(field_name: str) -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return float(line.split()[1])
    raise Unavailable(f"/proc/self/status has no {field_name}")


def _reset_peak_rss() -> None:
    # Writing 5 resets VmHWM to the current RSS (Linux >= 4.0).
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")


def run_mem(impl: Adapter[Any], n: int) -> Samples:
    if not os.path.exists("/proc/self/clear_refs"):
        raise Unavailable("needs Linux /proc/self/clear_refs to reset the peak RSS")
    rng = np.random.default_rng(0)
    x = impl.make_input(
        rng.standard_normal((MEM_BATCH, MEM_UNITS), dtype=np.float32), requires_grad=False
    )
    layers: list[Layer[Any]] = [impl.linear(MEM_UNITS, MEM_UNITS) for _ in range(MEM_LAYERS)]
    opt = impl.optimizer("sgd", layers, lr=0.01)
    relu = impl.relu

    def fwd_bwd() -> None:
        h = x
        for layer in layers[:-1]:
            h = relu(layer(h))
        loss = impl.sum(layers[-1](h))
        impl.backward(loss)
        impl.sync()

    out = Samples()
    fwd_bwd()  # the first step: lazy initialisation, allocator warm-up, the first grads
    for _ in range(n):
        opt.zero_grad()
        gc.collect()
        rss0 = _read_status_kib("VmRSS")
        _reset_peak_rss()
        t0 = _clock()
        fwd_bwd()
        elapsed = _clock() - t0
        hwm = _read_status_kib("VmHWM")
        gc.collect()
        rss1 = _read_status_kib("VmRSS")
        out.add("rss_peak_delta_MiB", (hwm - rss0) / 1024.0)
        out.add("rss_retained_MiB", (rss1 - rss0) / 1024.0)
        out.add("step_ms", elapsed * 1e3)
    for _ in range(n):
        opt.zero_grad()
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        fwd_bwd()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out.add("tracemalloc_peak_delta_MiB", (peak - base) / MiB)
    return out


# -- the table --------------------------------------------------------------------------------

CHAIN_OPS_USES = ("add_const", "mul_const", "tanh")

WORKLOADS: tuple[Workload, ...] = (
    Workload(
        "a",
        "chain",
        f"chain {CHAIN_OPS} ops (1,)",
        (Metric("fwd_us_per_op", "fwd µs/op"), Metric("fwdbwd_us_per_op", "fwd+bwd µs/op")),
        CHAIN_OPS_USES,
        samples=5,
        quick_samples=3,
        run=run_chain,
    ),
    Workload(
        "b",
        "wide",
        f"wide {WIDE_BRANCHES} branches ({WIDE_SIZE},)",
        (Metric("fwd_ms", "fwd ms"), Metric("fwdbwd_ms", "fwd+bwd ms")),
        ("mul_const", "add", "sum"),
        samples=5,
        quick_samples=3,
        run=run_wide,
    ),
    Workload(
        "c",
        "mlp",
        "MLP 784-1000-1000-10 Adam",
        (Metric("step_ms", "ms/step"),),
        ("linear", "relu", "softmax_cross_entropy", "adam"),
        samples=10,
        quick_samples=4,
        run=run_mlp,
    ),
    Workload(
        "d",
        "cnn",
        "CNN MomentumSGD",
        (Metric("step_ms", "ms/step"),),
        ("conv2d", "linear", "relu", "max_pool2d", "flatten", "softmax_cross_entropy"),
        samples=10,
        quick_samples=4,
        run=run_cnn,
    ),
    Workload(
        "e",
        "lstm",
        f"LSTM {LSTM_STEPS} steps",
        (Metric("iter_ms", "ms/iter"),),
        ("embed", "lstm", "linear", "softmax_cross_entropy", "add", "sgd"),
        samples=5,
        quick_samples=2,
        run=run_lstm,
    ),
    Workload(
        "f",
        "mem",
        f"mem {MEM_LAYERS}x{MEM_UNITS} MLP b{MEM_BATCH}",
        (
            Metric("rss_peak_delta_MiB", "RSS peak Δ MiB"),
            Metric(
                "tracemalloc_peak_delta_MiB",
                "tracemalloc peak Δ MiB",
                blind=frozenset({"torch"}),
            ),
            Metric("rss_retained_MiB", "RSS retained MiB"),
            Metric("step_ms", "fwd+bwd ms"),
        ),
        ("linear", "relu", "sum", "sgd"),
        samples=3,
        quick_samples=2,
        run=run_mem,
        cpu_only=True,
        # Freed large blocks go back to the OS at once, so RSS follows the live arrays.
        env=(("MALLOC_MMAP_THRESHOLD_", "131072"),),
    ),
)

BY_KEY: dict[str, Workload] = {w.id: w for w in WORKLOADS} | {w.name: w for w in WORKLOADS}


def get(key: str) -> Workload:
    """The workload named by its id (``a``) or name (``chain``)."""
    try:
        return BY_KEY[key]
    except KeyError:
        known = ", ".join(f"{w.id}/{w.name}" for w in WORKLOADS)
        raise ValueError(f"unknown workload {key!r}; known: {known}") from None
