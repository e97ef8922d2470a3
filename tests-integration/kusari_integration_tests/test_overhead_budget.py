"""A regression guard on kusari's per-op graph overhead that counts work instead of timing it.

Timing has no place in CI (shared, noisy machines), but the cost of a tiny op in a
define-by-run framework is almost all Python bookkeeping, and that can be *counted*
deterministically: Python function calls and builtin calls per op (``sys.setprofile``), and
memory blocks the graph keeps alive per op (``tracemalloc``).  This test runs the chain
workload of ``benchmarks/`` (workload a: ``+c``, ``*c``, ``tanh`` on a (1,) float32, type
checking on) at two lengths and takes the difference, so fixed per-call costs (starting the
backward pass, the first-call caches) cancel and what is left is the marginal cost of one op.

If a count exceeds its budget, a change made every op do more work.  Profile it with
``python -m benchmarks.profile_chain`` (calls per op, forward and backward apart), and either
remove the extra work or, if it is worth its cost, raise the budget in the same commit with
the reason in the message.  When a change lowers a count, lower the budget with it.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import numpy as np
import pytest

graph = pytest.importorskip("kusari.graph")
if not hasattr(graph, "Variable"):
    pytest.skip("kusari.graph has no Variable yet", allow_module_level=True)

import kusari.functions as F  # noqa: E402
from kusari.graph import Variable  # noqa: E402

# The budgets, per op of the chain (average over one +c, one *c, one tanh).
# Measured with this test's own counters (``_measure``: the difference between chains of
# SHORT and LONG ops, divided by LONG - SHORT) on CPython 3.11.7 and numpy 2.4.6, type_check
# on, on 2026-11-25 (the graph core after "faster apply"); the measured values are in the
# comments, the budgets are those plus about 10%.  Python 3.12+ counts fewer calls (inlined
# comprehensions), so the budgets hold there too.  They may only go DOWN: lower them when
# kusari gets cheaper; never raise them without saying why in the commit message.
BUDGET_FORWARD_PY_CALLS = 4.1  # measured 3.67
BUDGET_FORWARD_C_CALLS = 7.4  # measured 6.67
BUDGET_BACKWARD_PY_CALLS = 1.5  # measured 1.33
BUDGET_BACKWARD_C_CALLS = 8.1  # measured 7.33
BUDGET_GRAPH_BLOCKS = 9.9  # measured 8.98: tracemalloc blocks the graph keeps alive per op
BUDGET_GRAPH_BYTES = 661.0  # measured 600.6: and their bytes

SHORT, LONG = 150, 450  # multiples of 3: whole (+c, *c, tanh) cycles


def _chain(x: Variable, n_ops: int) -> Variable:
    y = x
    for _ in range(n_ops // 3):
        y = y + 0.5
        y = y * 0.9
        y = F.tanh(y)
    return y


def _x() -> Variable:
    return Variable(np.full((1,), 0.3, np.float32))


@dataclass(frozen=True)
class Counts:
    forward_py: float
    forward_c: float
    backward_py: float
    backward_c: float
    blocks: float
    bytes: float


def _count_calls(fn: Callable[[], object]) -> tuple[int, int]:
    """Python function calls and builtin (C) calls made while ``fn`` runs."""
    py = c = 0

    def profiler(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal py, c
        if event == "call":
            py += 1
        elif event == "c_call":
            c += 1

    sys.setprofile(profiler)
    try:
        fn()
    finally:
        sys.setprofile(None)
    # setprofile(None) itself is reported as a c_call.
    return py, c - 1


def _calls(n_ops: int) -> tuple[int, int, int, int]:
    x = _x()
    holder: list[Variable] = []
    gc.collect()
    fpy, fc = _count_calls(lambda: holder.append(_chain(x, n_ops)))
    y = holder.pop()
    # An explicit initial gradient: backward from a (1,) Variable without one warns.
    y.grad = np.ones((1,), np.float32)
    bpy, bc = _count_calls(y.backward)
    assert x.grad is not None
    return fpy, fc, bpy, bc


def _graph_memory(n_ops: int) -> tuple[int, int]:
    x = _x()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        y = _chain(x, n_ops)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert y.creator is not None
    diff = after.compare_to(before, "filename")
    return sum(s.count_diff for s in diff), sum(s.size_diff for s in diff)


def _raw(n_ops: int) -> tuple[int, ...]:
    return (*_calls(n_ops), *_graph_memory(n_ops))


def _measure() -> Counts:
    _raw(SHORT)  # warm-up: first-call caches, compiled type checks, lazy imports
    short, long = _raw(SHORT), _raw(LONG)
    d = [(b - a) / (LONG - SHORT) for a, b in zip(short, long, strict=True)]
    return Counts(*d)


@pytest.fixture(scope="module")
def counts() -> Counts:
    if sys.getprofile() is not None:
        pytest.skip("another profiler is active; call counts would be wrong")
    if tracemalloc.is_tracing():
        pytest.skip("tracemalloc is already tracing")
    return _measure()


def _report(c: Counts) -> str:
    return (
        f"per op: forward {c.forward_py:.2f} Python + {c.forward_c:.2f} builtin calls, "
        f"backward {c.backward_py:.2f} + {c.backward_c:.2f}, graph {c.blocks:.2f} blocks "
        f"/ {c.bytes:.0f} bytes; profile with `python -m benchmarks.profile_chain`"
    )


def test_counts_are_deterministic(counts: Counts) -> None:
    again = _measure()
    assert again.forward_py == counts.forward_py, _report(again)
    assert again.backward_py == counts.backward_py, _report(again)
    assert again.forward_c == counts.forward_c, _report(again)
    assert again.backward_c == counts.backward_c, _report(again)


def test_forward_calls_per_op_within_budget(counts: Counts) -> None:
    assert counts.forward_py <= BUDGET_FORWARD_PY_CALLS, _report(counts)
    assert counts.forward_c <= BUDGET_FORWARD_C_CALLS, _report(counts)


def test_backward_calls_per_op_within_budget(counts: Counts) -> None:
    assert counts.backward_py <= BUDGET_BACKWARD_PY_CALLS, _report(counts)
    assert counts.backward_c <= BUDGET_BACKWARD_C_CALLS, _report(counts)


def test_graph_memory_per_op_within_budget(counts: Counts) -> None:
    assert counts.blocks <= BUDGET_GRAPH_BLOCKS, _report(counts)
    assert counts.bytes <= BUDGET_GRAPH_BYTES, _report(counts)


def test_the_counters_see_work() -> None:
    # The guard is only as good as its counters: a chain of ops must register calls and
    # retained memory, and twice the ops must cost more.
    assert _raw(SHORT)[0] > SHORT
    small, big = _raw(3), _raw(30)
    assert all(b > a for a, b in zip(small[:3], big[:3], strict=True)), (small, big)
    assert big[4] > small[4]
