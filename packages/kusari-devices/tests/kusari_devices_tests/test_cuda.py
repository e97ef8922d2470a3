from __future__ import annotations

import types
from collections.abc import Iterator

import numpy
import pytest

from kusari.devices import cuda

from . import _fake_cupy


@pytest.mark.usefixtures("no_cupy")
class TestWithoutCupy:
    def test_available(self) -> None:
        assert cuda.available is False
        assert cuda.is_available() is False

    def test_check(self) -> None:
        with pytest.raises(
            RuntimeError, match=r"pip install kusari-devices\[cuda12\].*\[cuda13\]"
        ):
            cuda.check_cuda_available()

    def test_cupy_attribute(self) -> None:
        with pytest.raises(RuntimeError, match="CuPy is not installed"):
            cuda.cupy  # noqa: B018

    def test_ndarray_placeholder(self) -> None:
        assert not isinstance(numpy.zeros(1), cuda.ndarray)
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            cuda.ndarray()

    def test_get_device_from_id(self) -> None:
        assert cuda.get_device_from_id(None) is cuda.DummyDevice
        assert cuda.get_device_from_id(-1) is cuda.DummyDevice
        with pytest.raises(RuntimeError, match="kusari-devices"):
            cuda.get_device_from_id(0)

    def test_kernel_builders(self) -> None:
        with pytest.raises(RuntimeError, match="CuPy is not installed"):
            cuda.elementwise("T x", "T y", "y = x", "copy_kernel_for_test")


def test_dummy_device() -> None:
    dummy = cuda.DummyDevice
    assert dummy.id == -1
    assert int(dummy) == -1
    assert repr(dummy) == "DummyDevice"
    with dummy as entered:
        assert entered is dummy
    dummy.use()
    dummy.synchronize()
    assert dummy == cuda.get_device_from_array(numpy.zeros(1))


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        cuda.nope  # noqa: B018


def test_reexports() -> None:
    array = numpy.zeros(1)
    assert cuda.to_cpu(array) is array
    assert cuda.get_array_module(array) is numpy


class TestWithFakeCupy:
    def test_available(self, fake_cupy: types.ModuleType) -> None:
        assert cuda.available is True
        assert cuda.cupy is fake_cupy
        assert cuda.ndarray is fake_cupy.ndarray
        cuda.check_cuda_available()

    def test_no_device_means_unavailable(self, fake_cupy: types.ModuleType) -> None:
        fake_cupy.cuda.runtime.getDeviceCount = lambda: 0
        assert cuda.available is False

    def test_driver_error_means_unavailable(self, fake_cupy: types.ModuleType) -> None:
        def fail() -> int:
            raise OSError("no CUDA driver")

        fake_cupy.cuda.runtime.getDeviceCount = fail
        assert cuda.available is False
        with pytest.raises(
            RuntimeError, match=r"CUDA is not available \(OSError: no CUDA driver\)"
        ):
            cuda.check_cuda_available()

    def test_get_device_from_id(self, fake_cupy: types.ModuleType) -> None:
        device = cuda.get_device_from_id(1)
        assert device.id == 1
        with device:
            assert _fake_cupy.FakeCudaDevice.current == 1
        assert _fake_cupy.FakeCudaDevice.current == 0

    def test_get_device_from_array(self, fake_cupy: types.ModuleType) -> None:
        array = _fake_cupy.gpu_array([1.0], 1)
        assert cuda.get_device_from_array(numpy.zeros(1), array).id == 1
        assert cuda.get_device_from_array(numpy.zeros(1)) is cuda.DummyDevice


@pytest.fixture
def clean_builder_caches() -> Iterator[None]:
    builders = (cuda.elementwise, cuda.reduce, cuda.raw)
    for builder in builders:
        builder.cache_clear()
    yield
    for builder in builders:  # drop the fake kernels
        builder.cache_clear()


@pytest.mark.usefixtures("clean_builder_caches")
def test_kernel_builders_are_memoized(fake_cupy: types.ModuleType) -> None:
    first = cuda.elementwise("T x", "T y", "y = x * 2", "double_for_test", no_return=False)
    again = cuda.elementwise("T x", "T y", "y = x * 2", "double_for_test", no_return=False)
    assert first is again
    assert first.args == ("T x", "T y", "y = x * 2", "double_for_test")
    assert first.kwargs == {"no_return": False}
    total = cuda.reduce("T x", "T y", "x", "a + b", "y = a", "0", "sum_for_test")
    assert total.kind == "reduce"
    assert total.args == ("T x", "T y", "x", "a + b", "y = a", "0", "sum_for_test")
    raw = cuda.raw('extern "C" __global__ void k() {}', "k")
    assert raw.kind == "raw"
    assert cuda.raw('extern "C" __global__ void k() {}', "k") is raw
    assert [kind for kind, _, _ in _fake_cupy.FakeKernelBuilder.built] == [
        "elementwise",
        "reduce",
        "raw",
    ]
