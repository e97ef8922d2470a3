"""CUDAProfileHook and CupyMemoryProfileHook, driven by a stand-in for CuPy's hook API.

No GPU is needed: the fake module provides what the hooks touch (``cuda.runtime``,
``cuda.nvtx`` and ``cuda.memory_hook.MemoryHook``), and the tests play the memory pool by
calling the recorder's callbacks from inside a function's forward.
"""

from __future__ import annotations

import io
import sys
import types
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy
import pytest

import kusari.functions as F
from kusari.devices import Array, _array, _cupy
from kusari.graph import FunctionNode, Variable
from kusari.graph.function_hooks import CUDAProfileHook, CupyMemoryProfileHook


class _FakeMemoryHook:
    """CuPy's MemoryHook base: a context manager that registers the hook."""

    active: ClassVar[list[Any]] = []

    def __enter__(self) -> Any:
        _FakeMemoryHook.active.append(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _FakeMemoryHook.active.remove(self)


class _FakeNvtx:
    available = True

    def __init__(self) -> None:
        self.events: list[str] = []

    def RangePush(self, message: str) -> None:
        self.events.append(f"push {message}")

    def RangePop(self) -> None:
        self.events.append("pop")


@pytest.fixture
def fake_cupy(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    module = types.ModuleType("cupy")
    module.ndarray = type("ndarray", (), {})  # type: ignore[attr-defined]
    module.cuda = types.SimpleNamespace(  # type: ignore[attr-defined]
        runtime=types.SimpleNamespace(getDeviceCount=lambda: 1),
        nvtx=_FakeNvtx(),
        memory_hook=types.SimpleNamespace(MemoryHook=_FakeMemoryHook),
    )
    monkeypatch.setitem(sys.modules, "cupy", module)
    monkeypatch.setattr(_cupy, "_cupy", module)
    monkeypatch.setattr(_cupy, "_available", None)
    monkeypatch.setattr(_array, "_array_types", None)
    _FakeMemoryHook.active.clear()
    yield module
    _FakeMemoryHook.active.clear()


@pytest.fixture
def no_cupy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    monkeypatch.setattr(_cupy, "_cupy", None)
    monkeypatch.setattr(_cupy, "_available", None)


class _Allocating(FunctionNode):
    """Doubles its input; its forward "allocates" through the active pool recorders."""

    def __init__(self, used: int, acquired: int, inner: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.used, self.acquired, self.inner = used, acquired, inner

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        for recorder in _FakeMemoryHook.active:
            recorder.malloc_postprocess(device_id=0, size=self.used, mem_size=self.used)
            if self.acquired:
                recorder.alloc_postprocess(device_id=0, mem_size=self.acquired)
        if self.inner is not None:  # a nested call, as a function calling another would
            _Allocating(*self.inner).apply((inputs[0],))
        return (inputs[0] * 2,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * 2,)


@pytest.mark.usefixtures("no_cupy")
def test_both_hooks_need_cuda() -> None:
    with pytest.raises(RuntimeError, match="CUDA is not available; install CuPy"):
        CUDAProfileHook()
    with pytest.raises(RuntimeError, match="CUDA is not available; install CuPy"):
        CupyMemoryProfileHook()


def test_cuda_profile_hook_brackets_forward_and_backward(fake_cupy: types.ModuleType) -> None:
    nvtx = fake_cupy.cuda.nvtx
    x = Variable(numpy.ones(2, numpy.float32))
    with CUDAProfileHook():
        F.sum(F.tanh(x)).backward()
    assert nvtx.events == [
        "push Tanh.forward",
        "pop",
        "push Sum.forward",
        "pop",
        "push Sum.backward",
        "pop",
        "push Tanh.backward",
        "pop",
    ]


def test_cuda_profile_hook_needs_nvtx(fake_cupy: types.ModuleType) -> None:
    fake_cupy.cuda.nvtx.available = False
    with pytest.raises(RuntimeError, match="needs NVTX"):
        CUDAProfileHook()


def test_memory_hook_records_per_call_and_outermost_totals(
    fake_cupy: types.ModuleType,
) -> None:
    x = numpy.ones(2, numpy.float32)
    hook = CupyMemoryProfileHook()
    with hook:
        assert len(_FakeMemoryHook.active) == 1  # listening only while registered
        _Allocating(512, 1024).apply((x,))
        _Allocating(100, 0, inner=(40, 2048)).apply((x,))
    assert _FakeMemoryHook.active == []
    assert hook.call_history == [
        ("_Allocating", 512, 1024, 0),
        ("_Allocating", 40, 2048, 1),  # the nested call, recorded first (it ends first)
        ("_Allocating", 140, 2048, 0),  # the outer call includes the nested one
    ]
    assert hook.total_used_bytes() == 512 + 140
    assert hook.total_acquired_bytes() == 1024 + 2048
    assert hook.summary() == {
        "_Allocating": {"used_bytes": 692, "acquired_bytes": 5120, "occurrence": 3}
    }


def test_memory_hook_report_units(fake_cupy: types.ModuleType) -> None:
    hook = CupyMemoryProfileHook()
    with hook:
        _Allocating(3 * 1024 * 1024, 2048).apply((numpy.ones(1),))
    out = io.StringIO()
    hook.print_report(file=out)
    header, row = out.getvalue().splitlines()
    assert header.split() == ["FunctionName", "UsedBytes", "AcquiredBytes", "Occurrence"]
    assert row.split() == ["_Allocating", "3.00MB", "2.00KB", "1"]
    out = io.StringIO()
    hook.print_report(unit="KB", file=out)
    assert out.getvalue().splitlines()[1].split() == ["_Allocating", "3072.00KB", "2.00KB", "1"]
    with pytest.raises(ValueError, match="unit must be one of B, KB"):
        hook.print_report(unit="kb")
