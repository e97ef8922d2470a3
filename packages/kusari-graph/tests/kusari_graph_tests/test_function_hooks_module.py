from __future__ import annotations

import io

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.function_hooks import PrintHook, TimerHook


def test_timer_hook_records_every_forward_and_backward() -> None:
    x = Variable(numpy.ones(3, numpy.float32))
    with TimerHook() as timer:
        y = F.sum(F.exp(x) * 2)
        y.backward()
    labels = [label for label, _ in timer.call_history]
    assert labels == ["Exp", "MulConstant", "Sum", "Sum", "MulConstant", "Exp"]
    assert all(seconds >= 0 for _, seconds in timer.call_history)
    assert timer.total_time() == pytest.approx(sum(s for _, s in timer.call_history))
    summary = timer.summary()
    assert summary["Exp"]["occurrence"] == 2
    assert summary["Sum"]["time"] > 0
    out = io.StringIO()
    timer.print_report(file=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["FunctionName", "ElapsedTime", "Occurrence"]
    assert [line.split()[0] for line in lines[1:]] == ["Exp", "MulConstant", "Sum"]
    assert all(line.split()[-1] == "2" for line in lines[1:])
    out = io.StringIO()
    timer.print_report(unit="us", file=out)
    assert "us" in out.getvalue()
    with pytest.raises(ValueError, match="unit must be 'sec', 'ms', 'us' or 'auto', got 'h'"):
        timer.print_report(unit="h")


def test_print_hook_prints_inputs_and_gradients() -> None:
    out = io.StringIO()
    x = Variable(numpy.array([1.0, 3.0]))
    with PrintHook(file=out):
        y = F.sum(x * 2)
    text = out.getvalue()
    assert "function\tMulConstant" in text
    assert "shape=(2,) dtype=float64 mean=2 std=1" in text
    out.truncate(0)
    out.seek(0)
    with PrintHook(sep=" | ", file=out, flush=False):
        y.backward()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("function\tSum | input data | (None) | output gradient | ")
    assert "shape=() dtype=float64 mean=1 std=0" in lines[0]
    assert lines[1].startswith("function\tMulConstant")
    empty = io.StringIO()
    with PrintHook(file=empty):
        F.identity(numpy.zeros((0, 2)))
    assert "shape=(0, 2) dtype=float64 (empty)" in empty.getvalue()
