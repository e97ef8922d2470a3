"""On a real CUDA device: each CUDA kernel against its NumPy twin, and the transfer rules.

Marked ``gpu``; skipped without CuPy or a CUDA device.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari.devices import (
    CpuDevice,
    CudaDevice,
    cuda,
    from_dlpack,
    get_array_module,
    get_device,
    get_device_from_array,
    kernels,
    to_cpu,
    to_device,
    to_gpu,
    using_device,
)

pytestmark = pytest.mark.gpu

DTYPES = [numpy.float16, numpy.float32, numpy.float64]
TOLERANCE: dict[type, tuple[float, float]] = {
    numpy.float16: (2e-2, 2e-2),
    numpy.float32: (1e-5, 1e-5),
    numpy.float64: (1e-10, 1e-10),
}


@pytest.fixture(scope="module")
def cupy() -> Any:
    module = pytest.importorskip("cupy")
    if not cuda.available:
        pytest.skip("CuPy is installed but no CUDA device is usable")
    return module


def random(
    shape: tuple[int, ...], dtype: type, seed: int, low: float = -2, high: float = 2
) -> Any:
    return numpy.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def compare(cupy: Any, gpu_result: Any, cpu_result: Any, dtype: type) -> None:
    if isinstance(cpu_result, tuple):
        for gpu_item, cpu_item in zip(gpu_result, cpu_result, strict=True):
            compare(cupy, gpu_item, cpu_item, dtype)
        return
    assert isinstance(gpu_result, cupy.ndarray)
    assert gpu_result.dtype == cpu_result.dtype
    assert gpu_result.shape == cpu_result.shape
    tolerance = TOLERANCE[dtype if cpu_result.dtype == dtype else numpy.float32]
    numpy.testing.assert_allclose(
        cupy.asnumpy(gpu_result).astype(numpy.float64),
        cpu_result.astype(numpy.float64),
        rtol=tolerance[0],
        atol=tolerance[1],
    )


def run_both(
    cupy: Any, kernel: Callable[..., Any], dtype: type, *arrays: Any, **kwargs: Any
) -> None:
    gpu_arrays = [None if a is None else cupy.asarray(a) for a in arrays]
    cpu_result = kernel(*(None if a is None else a.copy() for a in arrays), **kwargs)
    gpu_result = kernel(*gpu_arrays, **kwargs)
    compare(cupy, gpu_result, cpu_result, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
class TestKernels:
    def test_activations(self, cupy: Any, dtype: type) -> None:
        x = random((37, 11), dtype, 0)
        run_both(cupy, kernels.relu_forward, dtype, x)
        run_both(cupy, kernels.relu_forward, dtype, x[:, ::2])
        y, gy = random((1000,), dtype, 1), random((1000,), dtype, 2)
        run_both(cupy, kernels.relu_backward, dtype, y, gy)
        sig = random((1000,), dtype, 3, 0, 1)
        run_both(cupy, kernels.sigmoid_grad, dtype, sig, gy)
        tanh = random((1000,), dtype, 4, -1, 1)
        run_both(cupy, kernels.tanh_grad, dtype, tanh, gy)

    @pytest.mark.parametrize("classes", [1, 5, 300, 1000])
    def test_softmax_cross_entropy(self, cupy: Any, dtype: type, classes: int) -> None:
        x = random((19, classes), dtype, 5, -4, 4)
        t = numpy.random.default_rng(6).integers(0, classes, size=19)
        t[::4] = -1
        run_both(cupy, kernels.softmax_cross_entropy_forward, dtype, x, t)
        _, log_z = kernels.softmax_cross_entropy_forward(x, t)
        gloss = random((19,), dtype, 7)
        run_both(cupy, kernels.softmax_cross_entropy_backward, dtype, x, t, log_z, gloss)

    def test_softmax_cross_entropy_bad_label_gives_nan(self, cupy: Any, dtype: type) -> None:
        x = cupy.zeros((2, 3), dtype=dtype)
        loss, _ = kernels.softmax_cross_entropy_forward(x, cupy.asarray([0, 7]))
        assert not bool(cupy.isnan(loss[0]))
        assert bool(cupy.isnan(loss[1]))

    def test_lstm(self, cupy: Any, dtype: type) -> None:
        c_prev, x = random((7, 33), dtype, 8), random((7, 132), dtype, 9, -3, 3)
        run_both(cupy, kernels.lstm_forward, dtype, c_prev, x)
        c, _ = kernels.lstm_forward(c_prev, x)
        gc, gh = random((7, 33), dtype, 10), random((7, 33), dtype, 11)
        run_both(cupy, kernels.lstm_backward, dtype, c_prev, x, c, gc, gh)
        run_both(cupy, kernels.lstm_backward, dtype, c_prev, x, c, None, gh)

    def test_optimizers(self, cupy: Any, dtype: type) -> None:
        def in_place(kernel: Callable[..., None], count: int, **kwargs: Any) -> None:
            arrays = [random((513,), dtype, 20 + k, 0.1, 1.0) for k in range(count)]
            gpu_arrays = [cupy.asarray(a) for a in arrays]
            kernel(*arrays, **kwargs)
            kernel(*gpu_arrays, **kwargs)
            for cpu_array, gpu_array in zip(arrays, gpu_arrays, strict=True):
                compare(cupy, gpu_array, cpu_array, dtype)

        in_place(kernels.momentum_sgd_update, 3, lr=0.1, momentum=0.9)
        adam = {"alpha_t": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-3}
        in_place(kernels.adam_update, 4, **adam)
        in_place(kernels.adam_update, 5, amsgrad=True, weight_decay_rate=0.01, eta=0.5, **adam)
        in_place(kernels.rmsprop_update, 3, lr=0.01, alpha=0.99, eps=1e-3)
        in_place(kernels.rmsprop_update, 3, lr=0.01, alpha=0.99, eps=1e-3, eps_inside_sqrt=True)
        in_place(kernels.adagrad_update, 3, lr=0.1, eps=1e-3)


class TestTransfers:
    def test_round_trip(self, cupy: Any) -> None:
        host = numpy.arange(6.0).reshape(2, 3)
        device_array = to_gpu(host)
        assert isinstance(device_array, cupy.ndarray)
        assert get_array_module(device_array) is cupy
        assert get_device_from_array(host, device_array) == CudaDevice(device_array.device.id)
        back = to_cpu(device_array)
        numpy.testing.assert_array_equal(back, host)
        assert to_cpu(host) is host

    def test_same_device_is_not_copied(self, cupy: Any) -> None:
        array = cupy.arange(3)
        assert to_gpu(array, array.device.id) is array
        assert to_device(f"@cupy:{array.device.id}", array) is array
        assert CudaDevice(array.device.id).send_array(array) is array

    def test_other_device_is_copied(self, cupy: Any) -> None:
        if cupy.cuda.runtime.getDeviceCount() < 2:
            pytest.skip("needs two GPUs")
        array = to_gpu(numpy.arange(3.0), 0)
        moved = to_gpu(array, 1)
        assert moved.device.id == 1
        numpy.testing.assert_array_equal(cupy.asnumpy(moved), [0.0, 1.0, 2.0])

    def test_using_device(self, cupy: Any) -> None:
        with using_device("@cupy:0"):
            assert cupy.cuda.Device().id == 0
            assert cupy.zeros(1).device.id == 0

    def test_get_device_forms(self, cupy: Any) -> None:
        assert get_device(0) == get_device("@cupy:0") == get_device(cupy.cuda.Device(0))
        assert get_device(0) != CpuDevice()
        assert get_device(0).xp is cupy

    def test_dlpack_on_gpu(self, cupy: Any) -> None:
        array = cupy.arange(4.0)
        shared = from_dlpack(array)
        shared[0] = 9.0
        assert float(array[0]) == 9.0
