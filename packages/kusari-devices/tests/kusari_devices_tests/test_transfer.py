from __future__ import annotations

import types
from typing import Any

import numpy
import pytest

from kusari.devices import copyto, to_cpu, to_device, to_gpu

from . import _fake_cupy


class TestToCpu:
    def test_numpy_is_not_copied(self) -> None:
        array = numpy.arange(4)
        assert to_cpu(array) is array

    def test_none(self) -> None:
        assert to_cpu(None) is None

    def test_nested(self) -> None:
        a = numpy.zeros(1)
        out: list[Any] = to_cpu([a, (a, None), {"k": a}])
        assert out[0] is a
        assert out[1][0] is a
        assert out[1][1] is None
        assert isinstance(out[1], tuple)
        assert out[2]["k"] is a

    def test_cupy(self, fake_cupy: types.ModuleType) -> None:
        out: tuple[Any, None] = to_cpu((_fake_cupy.gpu_array([1.0, 2.0], 1), None))
        assert isinstance(out, tuple)
        assert isinstance(out[0], numpy.ndarray)
        assert numpy.array_equal(out[0], [1.0, 2.0])
        assert out[1] is None

    def test_unsupported(self) -> None:
        with pytest.raises(
            TypeError, match=r"@numpy cannot receive an object of type builtins\.str"
        ):
            to_cpu(["text"])


class TestToGpu:
    @pytest.mark.usefixtures("no_cupy")
    def test_without_cupy(self) -> None:
        with pytest.raises(RuntimeError, match=r"pip install kusari-devices\[cuda13\]"):
            to_gpu(numpy.zeros(1))

    def test_current_device(self, fake_cupy: types.ModuleType) -> None:
        fake_cupy.cuda.Device(1).use()
        out = to_gpu(numpy.zeros(2))
        assert out.device.id == 1

    def test_explicit_device_and_no_copy(self, fake_cupy: types.ModuleType) -> None:
        on_one = to_gpu(numpy.arange(2.0), device=1)
        assert on_one.device.id == 1
        _fake_cupy.copies.clear()
        assert to_gpu(on_one, "@cupy:1") is on_one
        assert _fake_cupy.copies == []
        moved = to_gpu(on_one, fake_cupy.cuda.Device(0))
        assert moved.device.id == 0
        assert numpy.array_equal(moved.data, [0.0, 1.0])

    def test_nested(self, fake_cupy: types.ModuleType) -> None:
        out = to_gpu([numpy.zeros(1), None], device=0)
        assert isinstance(out[0], fake_cupy.ndarray)
        assert out[1] is None

    def test_cpu_target_rejected(self, fake_cupy: types.ModuleType) -> None:
        with pytest.raises(ValueError, match=r"to_gpu needs a CUDA device, got '@numpy' from -1"):
            to_gpu(numpy.zeros(1), device=-1)


class TestToDevice:
    def test_cpu(self) -> None:
        array = numpy.zeros(1)
        assert to_device("@numpy", array) is array
        assert to_device(-1, None) is None

    def test_gpu(self, fake_cupy: types.ModuleType) -> None:
        out: dict[str, Any] = to_device("@cupy:1", {"a": numpy.ones(1)})
        assert out["a"].device.id == 1

    def test_invalid_spec(self) -> None:
        with pytest.raises(ValueError, match="invalid device specifier"):
            to_device("cpu", numpy.zeros(1))


class TestCopyto:
    def test_numpy(self) -> None:
        dst = numpy.zeros((2, 2), dtype=numpy.float32)
        copyto(dst, numpy.arange(2.0))
        numpy.testing.assert_array_equal(dst, [[0, 1], [0, 1]])
        assert dst.dtype == numpy.float32

    def test_scalar(self) -> None:
        dst = numpy.zeros(3)
        copyto(dst, 4)
        numpy.testing.assert_array_equal(dst, [4, 4, 4])

    def test_from_gpu(self, fake_cupy: types.ModuleType) -> None:
        dst = numpy.zeros(2)
        copyto(dst, _fake_cupy.gpu_array([3.0, 4.0], 1))
        numpy.testing.assert_array_equal(dst, [3.0, 4.0])

    def test_to_gpu_across_devices(self, fake_cupy: types.ModuleType) -> None:
        dst = _fake_cupy.gpu_array([0.0, 0.0], 1)
        copyto(dst, _fake_cupy.gpu_array([3.0, 4.0], 0))
        numpy.testing.assert_array_equal(dst.data, [3.0, 4.0])
        copyto(dst, numpy.array([5.0, 6.0]))
        numpy.testing.assert_array_equal(dst.data, [5.0, 6.0])

    def test_bad_destination(self) -> None:
        with pytest.raises(
            TypeError,
            match=r"copyto destination must be a numpy\.ndarray or cupy\.ndarray, got list",
        ):
            copyto([0.0], numpy.zeros(1))  # type: ignore[arg-type]

    def test_bad_source_leaves_destination(self) -> None:
        dst = numpy.zeros(2)
        with pytest.raises(TypeError, match=r"builtins\.str"):
            copyto(dst, "x")  # type: ignore[arg-type]
        numpy.testing.assert_array_equal(dst, [0.0, 0.0])
