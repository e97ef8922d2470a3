from __future__ import annotations

import collections
import types
from typing import Any

import numpy
import pytest

from kusari.devices import CpuDevice, CudaDevice, Device, get_device

from . import _fake_cupy


class TestCpuDevice:
    def test_identity(self) -> None:
        cpu = CpuDevice()
        assert cpu.name == "@numpy"
        assert str(cpu) == "@numpy"
        assert repr(cpu) == "<CpuDevice '@numpy'>"
        assert cpu.xp is numpy
        assert cpu.supported_array_types == (numpy.ndarray,)

    def test_equality_does_not_depend_on_identity(self) -> None:
        a, b = CpuDevice(), CpuDevice()
        assert a is not b
        assert a == b
        assert hash(a) == hash(b) == hash("@numpy")
        assert len({a, b}) == 1
        assert a != "@numpy"
        assert a != object()

    def test_send_array_keeps_numpy_arrays(self) -> None:
        array = numpy.arange(6.0).reshape(2, 3)[:, ::2]
        assert CpuDevice().send_array(array) is array

    @pytest.mark.parametrize(
        ("scalar", "dtype"),
        [
            (2.5, numpy.float64),
            (3, numpy.int64),
            (True, numpy.bool_),
            (numpy.float16(1), numpy.float16),
        ],
    )
    def test_send_array_scalar(self, scalar: object, dtype: type) -> None:
        out = CpuDevice().send_array(scalar)  # type: ignore[arg-type]
        assert isinstance(out, numpy.ndarray)
        assert out.shape == ()
        assert out.dtype == dtype
        assert out == scalar

    def test_send_array_rejects_list(self) -> None:
        with pytest.raises(
            TypeError,
            match=r"@numpy cannot receive an object of type builtins\.list.*use Device\.send\(\)",
        ):
            CpuDevice().send_array([1.0, 2.0])  # type: ignore[arg-type]

    def test_send_array_rejects_dlpack_object_with_hint(self) -> None:
        class Tensorish:
            def __dlpack__(self) -> object:
                return None

        with pytest.raises(TypeError, match=r"Tensorish.*kusari\.devices\.from_dlpack"):
            CpuDevice().send_array(Tensorish())  # type: ignore[arg-type]

    def test_send_nested(self) -> None:
        a = numpy.zeros(2)
        b = numpy.ones(3)
        Pair = collections.namedtuple("Pair", ["x", "y"])
        sent = CpuDevice().send({"a": [a, (b, None)], "p": Pair(a, 1.5)})
        assert sent["a"][0] is a
        assert isinstance(sent["a"][1], tuple)
        assert sent["a"][1][0] is b
        assert sent["a"][1][1] is None
        assert isinstance(sent["p"], Pair)
        assert sent["p"].x is a
        assert numpy.array_equal(sent["p"].y, numpy.asarray(1.5))

    def test_send_none(self) -> None:
        assert CpuDevice().send(None) is None

    def test_send_failure_leaves_input_untouched(self) -> None:
        a = numpy.zeros(2)
        data = [a, object()]
        with pytest.raises(TypeError, match=r"builtins\.object"):
            CpuDevice().send(data)
        assert data[0] is a
        assert len(data) == 2

    def test_is_array_supported(self) -> None:
        cpu = CpuDevice()
        assert cpu.is_array_supported(numpy.zeros(1))
        assert not cpu.is_array_supported([0.0])
        assert not cpu.is_array_supported(1.0)

    def test_use_and_context(self) -> None:
        cpu = CpuDevice()
        cpu.use()
        with cpu.create_context() as value:
            assert value is None

    def test_with_device_is_forbidden(self) -> None:
        with (
            pytest.raises(
                RuntimeError,
                match=r"cannot be used as a context manager.*using_device\('@numpy'\)",
            ),
            CpuDevice(),
        ):
            pass

    def test_is_abstract(self) -> None:
        with pytest.raises(TypeError, match="abstract"):
            Device()  # type: ignore[abstract]


class TestCudaDeviceWithoutCupy:
    @pytest.mark.usefixtures("no_cupy")
    def test_construct_raises_with_install_hint(self) -> None:
        with pytest.raises(
            RuntimeError,
            match=r"CuPy is not installed.*kusari-devices\[cuda12\].*kusari-devices\[cuda13\]",
        ):
            CudaDevice(0)

    def test_validation_comes_first(self) -> None:
        with pytest.raises(ValueError, match="must be >= 0, got -1"):
            CudaDevice(-1)
        with pytest.raises(TypeError, match="got a bool"):
            CudaDevice(True)
        with pytest.raises(TypeError, match="got str"):
            CudaDevice("0")  # type: ignore[arg-type]


class TestCudaDeviceWithFakeCupy:
    def test_identity(self, fake_cupy: types.ModuleType) -> None:
        device = CudaDevice(1)
        assert device.name == "@cupy:1"
        assert device.device_id == 1
        assert repr(device) == "<CudaDevice '@cupy:1'>"
        assert device.xp is fake_cupy
        assert device.supported_array_types == (fake_cupy.ndarray,)
        assert device.device == _fake_cupy.FakeCudaDevice(1)

    def test_from_cupy_device_and_array(self, fake_cupy: types.ModuleType) -> None:
        assert CudaDevice(fake_cupy.cuda.Device(1)) == CudaDevice(1)
        assert CudaDevice.from_device_id(1) == CudaDevice(1)
        assert CudaDevice.from_array(_fake_cupy.gpu_array([1.0], 1)) == CudaDevice(1)
        with pytest.raises(TypeError, match=r"expected a cupy\.ndarray, got ndarray"):
            CudaDevice.from_array(numpy.zeros(1))

    def test_equality(self, fake_cupy: types.ModuleType) -> None:
        assert CudaDevice(0) == CudaDevice(0)
        assert CudaDevice(0) != CudaDevice(1)
        assert CudaDevice(0) != CpuDevice()
        assert hash(CudaDevice(1)) == hash("@cupy:1")
        assert get_device("@cupy:1") == CudaDevice(1)

    def test_send_numpy_copies_to_device(self, fake_cupy: types.ModuleType) -> None:
        out = CudaDevice(1).send_array(numpy.arange(3.0))
        assert isinstance(out, fake_cupy.ndarray)
        assert out.device.id == 1
        assert numpy.array_equal(out.data, [0.0, 1.0, 2.0])
        assert _fake_cupy.copies == [("asarray", 1)]
        assert _fake_cupy.FakeCudaDevice.current == 0  # the context was left

    def test_send_same_device_does_not_copy(self, fake_cupy: types.ModuleType) -> None:
        array = _fake_cupy.gpu_array([1.0], 1)
        assert CudaDevice(1).send_array(array) is array
        assert _fake_cupy.copies == []

    def test_send_other_device_copies(self, fake_cupy: types.ModuleType) -> None:
        array = _fake_cupy.gpu_array([1.0], 0)
        out: Any = CudaDevice(1).send_array(array)
        assert out is not array
        assert out.device.id == 1
        assert _fake_cupy.copies == [("array", 1)]

    def test_send_rejects_foreign(self, fake_cupy: types.ModuleType) -> None:
        with pytest.raises(
            TypeError, match=r"@cupy:0 cannot receive an object of type builtins\.list"
        ):
            CudaDevice(0).send_array([1.0])  # type: ignore[arg-type]

    def test_cpu_receives_cupy(self, fake_cupy: types.ModuleType) -> None:
        array = _fake_cupy.gpu_array([1.0, 2.0], 1)
        out = CpuDevice().send_array(array)
        assert isinstance(out, numpy.ndarray)
        assert numpy.array_equal(out, [1.0, 2.0])
        assert _fake_cupy.copies == [("get", 1)]

    def test_is_array_supported(self, fake_cupy: types.ModuleType) -> None:
        device = CudaDevice(1)
        assert device.is_array_supported(_fake_cupy.gpu_array([1.0], 1))
        assert not device.is_array_supported(_fake_cupy.gpu_array([1.0], 0))
        assert not device.is_array_supported(numpy.zeros(1))
        assert not CpuDevice().is_array_supported(_fake_cupy.gpu_array([1.0], 0))

    def test_use_and_context(self, fake_cupy: types.ModuleType) -> None:
        device = CudaDevice(1)
        with device.create_context():
            assert _fake_cupy.FakeCudaDevice.current == 1
        assert _fake_cupy.FakeCudaDevice.current == 0
        device.use()
        assert _fake_cupy.FakeCudaDevice.current == 1
