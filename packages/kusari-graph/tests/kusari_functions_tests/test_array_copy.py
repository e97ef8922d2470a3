"""copy: values, device, gradients, errors."""

from __future__ import annotations

import numpy
import pytest

import kusari.functions as F
from kusari.devices import cuda, get_device
from kusari.graph import Variable

from ._array_loss_support import FLOATS, check_grads, gpu, uniform


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("dst", [-1, "@numpy", get_device("@numpy")])
def test_copy_to_cpu(dtype: type, dst: object) -> None:
    x = uniform(0, (2, 3), dtype)
    y = F.copy(x, dst)  # type: ignore[arg-type]
    assert isinstance(y.array, numpy.ndarray)
    assert y.dtype == numpy.dtype(dtype)
    numpy.testing.assert_array_equal(y.array, x)


def test_gradients() -> None:
    check_grads(lambda v: F.copy(v, -1), [uniform(0, (2, 3), numpy.float64)])


def test_gradient_values() -> None:
    x = Variable(numpy.ones(3))
    y = F.copy(x, "@numpy")
    F.sum(y * 2.0).backward()
    numpy.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])


def test_invalid_destination() -> None:
    with pytest.raises(ValueError, match="device"):
        F.copy(numpy.zeros(2), "gpu0")


@gpu
def test_copy_to_gpu_and_back() -> None:
    cupy = cuda.cupy
    x = Variable(uniform(0, (2, 3), numpy.float32))
    y = F.copy(x, 0)
    assert isinstance(y.array, cupy.ndarray)
    numpy.testing.assert_array_equal(cupy.asnumpy(y.array), x.array)
    F.sum(y * 3.0).backward()
    assert isinstance(x.grad, numpy.ndarray)
    numpy.testing.assert_array_equal(x.grad, numpy.full((2, 3), 3.0, numpy.float32))
    z = F.copy(y, -1)
    assert isinstance(z.array, numpy.ndarray)
