from __future__ import annotations

import types
from typing import Any

import numpy
import pytest

from kusari.devices import (
    CpuDevice,
    CudaDevice,
    SupportsDLPack,
    dlpack_device,
    from_dlpack,
    to_dlpack,
)

from . import _fake_cupy


class Producer:
    """A foreign DLPack producer (like a torch tensor) that wraps a NumPy buffer."""

    def __init__(self, array: numpy.ndarray[Any, Any], device: tuple[int, int] = (1, 0)) -> None:
        self._array = array
        self._device = device

    def __dlpack__(self, **kwargs: Any) -> object:
        return self._array.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._device


class TestFromDlpack:
    def test_shares_memory(self) -> None:
        buffer = numpy.arange(4.0)
        imported = from_dlpack(Producer(buffer))
        assert isinstance(imported, numpy.ndarray)
        imported[1] = 10.0
        assert buffer[1] == 10.0
        buffer[2] = -1.0
        assert imported[2] == -1.0

    def test_copy_true(self) -> None:
        buffer = numpy.arange(4.0)
        imported = from_dlpack(Producer(buffer), copy=True)
        imported[0] = 99.0
        assert buffer[0] == 0.0

    def test_pinned_host_memory_is_cpu(self) -> None:
        assert dlpack_device(Producer(numpy.zeros(1), (3, 0))) == CpuDevice()

    def test_device_method(self) -> None:
        buffer = numpy.zeros(2)
        CpuDevice().from_dlpack(Producer(buffer))[0] = 3.0
        assert buffer[0] == 3.0

    def test_not_dlpack(self) -> None:
        with pytest.raises(
            TypeError, match=r"implementing the DLPack protocol .* got builtins\.list"
        ):
            from_dlpack([1.0])  # type: ignore[arg-type]

    def test_unsupported_device_type(self) -> None:
        with pytest.raises(ValueError, match=r"device type 10 \(device 0\)"):
            from_dlpack(Producer(numpy.zeros(1), (10, 0)))

    @pytest.mark.usefixtures("no_cupy")
    def test_cuda_source_without_cupy(self) -> None:
        with pytest.raises(RuntimeError, match="CuPy is not installed"):
            from_dlpack(Producer(numpy.zeros(1), (2, 0)))

    def test_copy_false_across_devices(self, fake_cupy: types.ModuleType) -> None:
        with pytest.raises(
            ValueError,
            match=r"copy=False\) cannot share memory: the array is on @numpy, "
            r"the requested device is @cupy:1",
        ):
            CudaDevice(1).from_dlpack(Producer(numpy.zeros(1)), copy=False)

    def test_across_devices_copies(self, fake_cupy: types.ModuleType) -> None:
        out: Any = CudaDevice(1).from_dlpack(Producer(numpy.arange(2.0)))
        assert isinstance(out, fake_cupy.ndarray)
        assert out.device.id == 1
        numpy.testing.assert_array_equal(out.data, [0.0, 1.0])

    def test_protocol(self) -> None:
        assert isinstance(numpy.zeros(1), SupportsDLPack)
        assert not isinstance([1], SupportsDLPack)


class TestToDlpack:
    def test_roundtrip_shares_memory(self) -> None:
        array = numpy.arange(3.0)

        class Capsule:
            def __init__(self, capsule: object) -> None:
                self.capsule = capsule

            def __dlpack__(self, **kwargs: Any) -> object:
                return self.capsule

            def __dlpack_device__(self) -> tuple[int, int]:
                return (1, 0)

        back = from_dlpack(Capsule(to_dlpack(array)))
        # NumPy imports an unversioned (legacy) capsule read-only; the memory is shared.
        array[0] = 42.0
        assert back[0] == 42.0
        assert numpy.shares_memory(array, back)

    def test_rejects_non_array(self) -> None:
        with pytest.raises(
            TypeError,
            match=r"to_dlpack expects a numpy\.ndarray or cupy\.ndarray, got builtins\.list",
        ):
            to_dlpack([1.0])  # type: ignore[arg-type]

    def test_read_only(self) -> None:
        array = numpy.zeros(2)
        array.flags.writeable = False
        with pytest.raises(BufferError, match="cannot export the array through DLPack"):
            to_dlpack(array)

    def test_device_method_checks_device(self, fake_cupy: types.ModuleType) -> None:
        with pytest.raises(ValueError, match=r"@numpy\.to_dlpack got an array that is not on it"):
            CpuDevice().to_dlpack(_fake_cupy.gpu_array([1.0], 0))
        assert type(CpuDevice().to_dlpack(numpy.zeros(1))).__name__ == "PyCapsule"


class TestTorch:
    """Zero-copy exchange with PyTorch CPU tensors (skipped without torch)."""

    @pytest.fixture
    def torch(self) -> Any:
        return pytest.importorskip("torch")

    def test_torch_to_kusari(self, torch: Any) -> None:
        tensor = torch.arange(6, dtype=torch.float32).reshape(2, 3)
        array = from_dlpack(tensor)
        assert isinstance(array, numpy.ndarray)
        assert array.dtype == numpy.float32
        assert array.shape == (2, 3)
        array[1, 2] = -7.0
        assert float(tensor[1, 2]) == -7.0
        tensor[0, 0] = 11.0
        assert array[0, 0] == 11.0
        assert dlpack_device(tensor) == CpuDevice()

    def test_kusari_to_torch(self, torch: Any) -> None:
        array = numpy.arange(4.0)
        tensor = torch.from_dlpack(array)
        tensor[0] = 5.0
        assert array[0] == 5.0
        legacy = torch.utils.dlpack.from_dlpack(to_dlpack(array))
        legacy[1] = 6.0
        assert array[1] == 6.0

    def test_torch_tensor_is_not_sent(self, torch: Any) -> None:
        with pytest.raises(TypeError, match=r"torch\.Tensor.*use kusari\.devices\.from_dlpack"):
            CpuDevice().send([torch.zeros(2)])
