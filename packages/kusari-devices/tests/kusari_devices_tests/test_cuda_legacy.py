"""Chainer's remaining ``cuda`` helpers: copy, memoize/clear_memo, fuse, cuDNN questions."""

from __future__ import annotations

import types
from typing import Any

import numpy
import pytest

from kusari.devices import cuda

from . import _fake_cupy

# -- copy ------------------------------------------------------------------------------------


class _FakePointer:
    """Stands in for ``cupy.cuda.MemoryPointer``: copies record their stream."""

    def __init__(self, host: Any) -> None:
        self.host = host
        self.streams: list[object] = []

    def copy_from_device(self, src: _FakePointer, nbytes: int) -> None:
        assert nbytes == src.host.nbytes
        numpy.copyto(self.host, src.host)

    def copy_from_device_async(self, src: _FakePointer, nbytes: int, stream: object) -> None:
        self.streams.append(stream)
        self.copy_from_device(src, nbytes)


class _GpuArray:
    """A fake CuPy array whose ``data`` is a memory pointer, as CuPy's is."""

    def __init__(self, values: Any, device_id: int) -> None:
        self.host = numpy.array(values, dtype=numpy.float64)
        self.device = _fake_cupy.FakeCudaDevice(device_id)
        self.data = _FakePointer(self.host)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.host.shape

    @property
    def nbytes(self) -> int:
        return int(self.host.nbytes)


@pytest.fixture
def pointer_cupy(fake_cupy: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The fake CuPy, with arrays whose ``.data`` is a memory pointer."""

    def empty_like(array: _GpuArray) -> _GpuArray:
        return _GpuArray(numpy.zeros_like(array.host), _fake_cupy.FakeCudaDevice.current)

    monkeypatch.setattr(fake_cupy, "ndarray", _GpuArray)
    monkeypatch.setattr(fake_cupy, "empty_like", empty_like)
    return fake_cupy


def _gpu(values: list[float], device_id: int) -> Any:
    return _GpuArray(values, device_id)


def test_copy_allocates_on_the_requested_device(pointer_cupy: Any) -> None:
    source = _gpu([1.0, 2.0], device_id=0)
    out: Any = cuda.copy(source, out_device=1)
    assert out.device.id == 1
    assert out.host.tolist() == [1.0, 2.0]
    assert out is not source


def test_copy_into_out_on_a_stream(pointer_cupy: Any) -> None:
    source: Any = _gpu([3.0], 0)
    out: Any = _gpu([0.0], 1)
    stream = object()
    copied: Any = cuda.copy(source, out=out, stream=stream)
    assert copied is out
    assert out.host.tolist() == [3.0]
    assert out.data.streams == [stream]


def test_copy_errors(pointer_cupy: Any) -> None:
    source = _gpu([1.0, 2.0], 0)
    with pytest.raises(TypeError, match="copy: array must be a CuPy array, got ndarray"):
        cuda.copy(numpy.zeros(2))
    with pytest.raises(TypeError, match="copy: out must be a CuPy array, got ndarray"):
        cuda.copy(source, out=numpy.zeros(2))
    with pytest.raises(ValueError, match="copy: give out or out_device, not both"):
        cuda.copy(source, out=_gpu([0.0, 0.0], 0), out_device=1)
    with pytest.raises(ValueError, match=r"copy: out has shape \(3,\), expected \(2,\)"):
        cuda.copy(source, out=_gpu([0.0, 0.0, 0.0], 0))


@pytest.mark.usefixtures("no_cupy")
def test_copy_without_cupy_says_how_to_install() -> None:
    with pytest.raises(RuntimeError, match="CuPy is not installed"):
        cuda.copy(numpy.zeros(2))


# -- memoize / clear_memo --------------------------------------------------------------------


@pytest.mark.usefixtures("no_cupy")
def test_memoize_on_the_cpu_caches_by_arguments() -> None:
    calls: list[tuple[int, int]] = []

    @cuda.memoize()
    def power(base: int, exponent: int = 2) -> int:
        calls.append((base, exponent))
        return int(base**exponent)

    assert [power(3), power(3), power(3, exponent=3), power(3, exponent=3)] == [9, 9, 27, 27]
    assert calls == [(3, 2), (3, 3)]
    assert power.__name__ == "power"
    cuda.clear_memo()
    assert power(3) == 9
    assert calls == [(3, 2), (3, 3), (3, 2)]


@pytest.mark.usefixtures("no_cupy")
def test_memoize_rejects_unhashable_arguments_by_name() -> None:
    @cuda.memoize(for_each_device=True)
    def total(values: list[int]) -> int:
        return sum(values)

    with pytest.raises(TypeError, match="total is memoized, so its arguments must be hashable"):
        total([1, 2])


def test_memoize_and_clear_memo_delegate_to_cupy(fake_cupy: types.ModuleType) -> None:
    requested: list[bool] = []
    cleared: list[bool] = []

    def cupy_memoize(for_each_device: bool = False) -> Any:
        requested.append(for_each_device)
        return lambda function: function

    fake_cupy.memoize = cupy_memoize  # type: ignore[attr-defined]
    fake_cupy.clear_memo = lambda: cleared.append(True)  # type: ignore[attr-defined]
    try:

        @cuda.memoize(for_each_device=True)
        def one() -> int:
            return 1

        assert one() == 1
        cuda.clear_memo()
    finally:
        del fake_cupy.memoize, fake_cupy.clear_memo
    assert requested == [True]
    assert cleared == [True]


# -- fuse ------------------------------------------------------------------------------------


def _diff(x: Any, y: Any) -> Any:
    return x - y


@pytest.mark.usefixtures("no_cupy")
def test_fuse_without_cupy_returns_the_function() -> None:
    assert cuda.fuse(_diff) is _diff
    assert cuda.fuse()(_diff) is _diff
    assert cuda.fuse(kernel_name="diff")(_diff) is _diff
    with pytest.raises(TypeError, match="fuse: use it as @fuse or @fuse"):
        cuda.fuse(1, 2)  # type: ignore[call-overload]


def test_fuse_delegates_to_cupy(fake_cupy: types.ModuleType) -> None:
    seen: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def cupy_fuse(*args: Any, **kwargs: Any) -> str:
        seen.append((args, kwargs))
        return "fused"

    fake_cupy.fuse = cupy_fuse  # type: ignore[attr-defined]
    try:
        assert cuda.fuse(kernel_name="diff") == "fused"  # type: ignore[comparison-overlap]
    finally:
        del fake_cupy.fuse
    assert seen == [((), {"kernel_name": "diff"})]


# -- cuDNN -----------------------------------------------------------------------------------


def test_workspace_size_round_trip_and_errors() -> None:
    assert cuda.get_max_workspace_size() == 8 * 1024 * 1024
    try:
        cuda.set_max_workspace_size(1024)
        assert cuda.get_max_workspace_size() == 1024
        with pytest.raises(ValueError, match="size must be >= 0, got -1"):
            cuda.set_max_workspace_size(-1)
        with pytest.raises(TypeError, match="size must be an int, got float"):
            cuda.set_max_workspace_size(1.5)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="size must be an int, got bool"):
            cuda.set_max_workspace_size(True)
        assert cuda.get_max_workspace_size() == 1024  # the bad calls changed nothing
    finally:
        cuda.set_max_workspace_size(8 * 1024 * 1024)


@pytest.mark.parametrize("level", ["==always", ">=auto"])
def test_should_use_cudnn_is_false(level: str) -> None:
    assert cuda.should_use_cudnn(level) is False
    assert cuda.should_use_cudnn(level, lowest_version=7000) is False


def test_should_use_cudnn_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="level must be '==always' or '>=auto', got 'auto'"):
        cuda.should_use_cudnn("auto")


def test_should_use_cudnn_tensor_core_is_false() -> None:
    assert cuda.should_use_cudnn_tensor_core(numpy.float16) is False


# -- is_arrays_compatible --------------------------------------------------------------------


def test_arrays_of_one_kind_are_compatible(fake_cupy: types.ModuleType) -> None:
    from kusari.devices import is_arrays_compatible

    on_gpu = [_fake_cupy.gpu_array([1.0], 0), None, _fake_cupy.gpu_array([2.0], 1)]
    assert is_arrays_compatible([numpy.zeros(1), None, numpy.ones(2)])
    assert is_arrays_compatible(on_gpu)  # devices are not compared
    assert is_arrays_compatible([None, None])
    assert is_arrays_compatible(iter([]))
    assert not is_arrays_compatible([numpy.zeros(1), _fake_cupy.gpu_array([1.0], 0)])


def test_is_arrays_compatible_rejects_non_arrays() -> None:
    from kusari.devices import is_arrays_compatible

    with pytest.raises(TypeError, match="entry 1 is a list, expected an array or None"):
        is_arrays_compatible([numpy.zeros(1), [0.0]])  # type: ignore[list-item]
