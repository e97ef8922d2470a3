from __future__ import annotations

import subprocess
import sys
import types

import numpy
import pytest

from kusari.devices import (
    CpuDevice,
    CudaDevice,
    get_array_module,
    get_array_types,
    get_device,
    get_device_from_array,
    is_array,
    using_device,
)

from . import _fake_cupy


class TestGetDevice:
    @pytest.mark.parametrize(
        "spec", ["@numpy", -1, "-1", -5, numpy.int32(-1), numpy.int64(-2), " -1 "]
    )
    def test_cpu_forms(self, spec: object) -> None:
        assert get_device(spec) == CpuDevice()  # type: ignore[arg-type]

    def test_device_returned_as_is(self) -> None:
        cpu = CpuDevice()
        assert get_device(cpu) is cpu

    @pytest.mark.usefixtures("no_cupy")
    @pytest.mark.parametrize("spec", [0, "0", "@cupy:0", numpy.int64(1)])
    def test_cuda_forms_without_cupy(self, spec: object) -> None:
        with pytest.raises(RuntimeError, match=r"kusari-devices\[cuda12\]"):
            get_device(spec)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("spec", "device_id"), [(0, 0), ("1", 1), ("@cupy:1", 1), (numpy.uint8(1), 1)]
    )
    def test_cuda_forms(self, fake_cupy: types.ModuleType, spec: object, device_id: int) -> None:
        assert get_device(spec) == CudaDevice(device_id)  # type: ignore[arg-type]

    def test_cupy_device(self, fake_cupy: types.ModuleType) -> None:
        assert get_device(fake_cupy.cuda.Device(1)) == CudaDevice(1)

    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            ("native:0", r"ChainerX device specifiers .* are not supported"),
            ("cuda:0", r"ChainerX device specifiers .* are not supported"),
            ("gpu", r"ChainerX device specifiers .* are not supported"),
            ("", r"ChainerX device specifiers .* are not supported"),
            ("@cupy", r"'@cupy' needs a device ordinal"),
            ("@cupy:", r"'@cupy' needs a device ordinal"),
            ("@cupy:-1", r"'@cupy' needs a device ordinal"),
            ("@cupy:x", r"'@cupy' needs a device ordinal"),
            ("@intel64", r"no iDeep \(intel64\) backend"),
            ("@torch", r"invalid device specifier '@torch'"),
            ("@numpy:0", r"invalid device specifier '@numpy:0'"),
            (True, r"\(a bool\)"),
            (1.0, r"of type float"),
            (None, r"of type NoneType"),
            ([0], r"of type list"),
        ],
    )
    def test_invalid(self, spec: object, message: str) -> None:
        with pytest.raises(ValueError, match=message) as info:
            get_device(spec)  # type: ignore[arg-type]
        assert "'@numpy', '@cupy:<id>'" in str(info.value)


class TestGetDeviceFromArray:
    def test_numpy(self) -> None:
        assert get_device_from_array(numpy.zeros(1), numpy.ones(2)) == CpuDevice()
        assert get_device_from_array() == CpuDevice()
        assert get_device_from_array(None, 1.0, [1]) == CpuDevice()

    def test_numpy_subclass(self) -> None:
        assert get_device_from_array(numpy.ma.zeros(1)) == CpuDevice()

    def test_first_gpu_array_wins(self, fake_cupy: types.ModuleType) -> None:
        a0 = _fake_cupy.gpu_array([1.0], 0)
        a1 = _fake_cupy.gpu_array([1.0], 1)
        assert get_device_from_array(numpy.zeros(1), a1, a0) == CudaDevice(1)
        assert get_device_from_array(None, a0) == CudaDevice(0)
        assert get_device_from_array(numpy.zeros(1), 2.0) == CpuDevice()


class TestGetArrayModule:
    def test_numpy(self) -> None:
        assert get_array_module(numpy.zeros(1)) is numpy
        assert get_array_module() is numpy
        assert get_array_module(None, 1.0, numpy.float32(2)) is numpy

    def test_cupy(self, fake_cupy: types.ModuleType) -> None:
        assert get_array_module(numpy.zeros(1), _fake_cupy.gpu_array([1.0], 0)) is fake_cupy
        assert get_array_module(numpy.zeros(1), None) is numpy


class TestArrayTypes:
    @pytest.mark.usefixtures("no_cupy")
    def test_without_cupy(self) -> None:
        assert get_array_types() == (numpy.ndarray,)
        assert get_array_types() is get_array_types()

    def test_with_cupy(self, fake_cupy: types.ModuleType) -> None:
        assert get_array_types() == (numpy.ndarray, fake_cupy.ndarray)

    def test_is_array(self) -> None:
        assert is_array(numpy.zeros(()))
        assert is_array(numpy.ma.zeros(1))
        assert not is_array(numpy.float64(1.0))
        assert not is_array([1.0])
        assert not is_array(None)

    def test_is_array_cupy(self, fake_cupy: types.ModuleType) -> None:
        assert is_array(_fake_cupy.gpu_array([1.0], 0))


class TestUsingDevice:
    def test_cpu_context_is_shared_and_reusable(self) -> None:
        first = using_device("@numpy")
        second = using_device(-1)
        assert first is second
        with first, first:
            pass

    def test_cuda_context_switches_device(self, fake_cupy: types.ModuleType) -> None:
        with using_device("@cupy:1"):
            assert _fake_cupy.FakeCudaDevice.current == 1
            with using_device(0):
                assert _fake_cupy.FakeCudaDevice.current == 0
            assert _fake_cupy.FakeCudaDevice.current == 1
        assert _fake_cupy.FakeCudaDevice.current == 0

    def test_invalid(self) -> None:
        with pytest.raises(ValueError, match="invalid device specifier 'native:0'"):
            using_device("native:0")


def test_import_does_not_import_cupy() -> None:
    code = (
        "import sys, numpy, kusari.devices as d\n"
        "from kusari.devices import cuda\n"
        "d.get_device_from_array(numpy.zeros(1), None, 1.0)\n"
        "d.get_array_module(numpy.zeros(1), None)\n"
        "d.is_array([1])\n"
        "d.to_cpu([numpy.zeros(1)])\n"
        "assert 'cupy' not in sys.modules, 'cupy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
