"""A tiny stand-in for CuPy, enough to exercise kusari's CUDA code paths on the CPU.

It models what kusari relies on: ``cupy.ndarray`` (not a NumPy subclass) living on a device
ordinal, ``cupy.cuda.Device`` as a context manager that sets the current device, and the
copy functions.  Every copy is recorded so tests can tell a copy from a pass-through.
"""

from __future__ import annotations

import types
from typing import Any, ClassVar

import numpy


class FakeCudaDevice:
    current = 0

    def __init__(self, device_id: int | None = None) -> None:
        self.id = FakeCudaDevice.current if device_id is None else device_id
        self._saved: list[int] = []

    def use(self) -> None:
        FakeCudaDevice.current = self.id

    def synchronize(self) -> None:
        pass

    def __enter__(self) -> FakeCudaDevice:
        self._saved.append(FakeCudaDevice.current)
        FakeCudaDevice.current = self.id
        return self

    def __exit__(self, *exc_info: object) -> None:
        FakeCudaDevice.current = self._saved.pop()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FakeCudaDevice) and other.id == self.id

    def __hash__(self) -> int:
        return self.id


class FakeCupyArray:
    def __init__(self, data: Any, device_id: int) -> None:
        self.data = numpy.array(data)
        self.device = FakeCudaDevice(device_id)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> numpy.dtype[Any]:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def flags(self) -> Any:
        return self.data.flags

    def get(self) -> numpy.ndarray[Any, Any]:
        copies.append(("get", self.device.id))
        return self.data.copy()


copies: list[tuple[str, int]] = []


def gpu_array(data: Any, device_id: int) -> Any:
    """A fake CuPy array, typed ``Any`` like a real one (CuPy has no type information)."""
    return FakeCupyArray(data, device_id)


def _asarray(value: Any) -> FakeCupyArray:
    if isinstance(value, FakeCupyArray) and value.device.id == FakeCudaDevice.current:
        return value
    copies.append(("asarray", FakeCudaDevice.current))
    data = value.data if isinstance(value, FakeCupyArray) else value
    return FakeCupyArray(data, FakeCudaDevice.current)


def _array(value: Any, copy: bool = True) -> FakeCupyArray:
    copies.append(("array", FakeCudaDevice.current))
    data = value.data if isinstance(value, FakeCupyArray) else value
    return FakeCupyArray(data, FakeCudaDevice.current)


def _copyto(dst: FakeCupyArray, src: FakeCupyArray, casting: str = "same_kind") -> None:
    assert src.device.id == dst.device.id == FakeCudaDevice.current
    numpy.copyto(dst.data, src.data, casting=casting)  # type: ignore[arg-type]


def _empty_like(array: FakeCupyArray) -> FakeCupyArray:
    return FakeCupyArray(numpy.empty_like(array.data), FakeCudaDevice.current)


def _zeros_like(array: FakeCupyArray) -> FakeCupyArray:
    return FakeCupyArray(numpy.zeros_like(array.data), FakeCudaDevice.current)


def _empty(shape: Any, dtype: Any = float) -> FakeCupyArray:
    return FakeCupyArray(numpy.empty(shape, dtype=dtype), FakeCudaDevice.current)


def _ascontiguousarray(array: FakeCupyArray, dtype: Any = None) -> FakeCupyArray:
    if array.flags.c_contiguous and (dtype is None or array.dtype == dtype):
        return array
    result = FakeCupyArray([], array.device.id)
    result.data = numpy.ascontiguousarray(array.data, dtype=dtype)
    return result


def _get_array_module(*args: Any) -> types.ModuleType:
    for arg in args:
        if isinstance(arg, FakeCupyArray):
            return module
    return numpy


class FakeKernelBuilder:
    """Records its constructor arguments, like cupy.ElementwiseKernel and friends."""

    built: ClassVar[list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = []

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.kind = kind
        self.args = args
        self.kwargs = kwargs
        FakeKernelBuilder.built.append((kind, args, kwargs))


def make(device_count: int = 2) -> types.ModuleType:
    FakeCudaDevice.current = 0
    copies.clear()
    FakeKernelBuilder.built.clear()
    runtime = types.SimpleNamespace(getDeviceCount=lambda: device_count)
    module.cuda = types.SimpleNamespace(Device=FakeCudaDevice, runtime=runtime)  # type: ignore[attr-defined]
    return module


module = types.ModuleType("cupy")
module.ndarray = FakeCupyArray  # type: ignore[attr-defined]
module.asarray = _asarray  # type: ignore[attr-defined]
module.array = _array  # type: ignore[attr-defined]
module.copyto = _copyto  # type: ignore[attr-defined]
module.get_array_module = _get_array_module  # type: ignore[attr-defined]
module.empty_like = _empty_like  # type: ignore[attr-defined]
module.zeros_like = _zeros_like  # type: ignore[attr-defined]
module.empty = _empty  # type: ignore[attr-defined]
module.ascontiguousarray = _ascontiguousarray  # type: ignore[attr-defined]
module.ElementwiseKernel = lambda *a, **k: FakeKernelBuilder("elementwise", *a, **k)  # type: ignore[attr-defined]
module.ReductionKernel = lambda *a, **k: FakeKernelBuilder("reduce", *a, **k)  # type: ignore[attr-defined]
module.RawKernel = lambda *a, **k: FakeKernelBuilder("raw", *a, **k)  # type: ignore[attr-defined]
