"""mean_squared_error: forward against NumPy, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    grad_array,
    scalar,
    uniform,
)

SHAPES = [(4, 3), (5,), (2, 3, 4), ()]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_forward(dtype: Any, shape: tuple[int, ...]) -> None:
    x0 = uniform(0, shape, dtype, -2, 2)
    x1 = uniform(1, shape, dtype, -2, 2)
    y = F.mean_squared_error(x0, x1)
    diff = x0.astype(numpy.float64) - x1.astype(numpy.float64)
    assert_forward(y, numpy.mean(diff**2), dtype)


def test_float16_accumulates_without_overflow() -> None:
    x0 = numpy.full(4096, 100.0, numpy.float16)
    y = F.mean_squared_error(x0, numpy.zeros_like(x0))
    assert scalar(y) == 10000.0


def test_empty_input_gives_nan() -> None:
    y = F.mean_squared_error(numpy.zeros((0, 3)), numpy.zeros((0, 3)))
    assert numpy.isnan(data(y))


@pytest.mark.parametrize("shape", SHAPES[:3])
def test_gradients(shape: tuple[int, ...]) -> None:
    check_grads(
        F.mean_squared_error, [uniform(0, shape, numpy.float64), uniform(1, shape, numpy.float64)]
    )


def test_gradients_float16() -> None:
    xs = [uniform(0, (3, 4), numpy.float16), uniform(1, (3, 4), numpy.float16)]
    check_grads_float16(F.mean_squared_error, xs)


def test_gradient_values() -> None:
    x0 = Variable(numpy.array([1.0, 2.0], numpy.float32))
    x1 = Variable(numpy.array([0.0, 4.0], numpy.float32))
    F.mean_squared_error(x0, x1).backward()
    numpy.testing.assert_array_equal(x0.grad, [1.0, -2.0])
    numpy.testing.assert_array_equal(x1.grad, [-1.0, 2.0])
    assert grad_array(x0).dtype == numpy.float32


@pytest.mark.parametrize(
    ("x0", "x1", "message"),
    [
        (
            numpy.zeros((2, 3)),
            numpy.zeros((3, 2)),
            r"MeanSquaredError \(Forward\)\n\nExpect: x0.shape == x1.shape\n"
            r"Actual: \(2, 3\) != \(3, 2\)",
        ),
        (numpy.zeros(2), numpy.zeros(2, numpy.float32), r"Expect: x0.dtype == x1.dtype"),
        (numpy.zeros(2, int), numpy.zeros(2, int), r"Expect: x0.dtype.kind == 'f'"),
    ],
)
def test_invalid_inputs(x0: Any, x1: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.mean_squared_error(x0, x1)


@gpu
def test_gpu() -> None:
    check_on_gpu(
        F.mean_squared_error,
        [uniform(0, (3, 4), numpy.float32), uniform(1, (3, 4), numpy.float32)],
    )
