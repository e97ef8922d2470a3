"""where: forward against numpy.where (with broadcasting and scalars), gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    gpu,
    uniform,
)

SHAPES = [
    ((2, 3), (2, 3), (2, 3)),
    ((3,), (2, 3), (2, 3)),
    ((2, 3), (3,), (2, 1)),
    ((2, 1), (1, 3), ()),
]


def _condition(shape: tuple[int, ...], seed: int = 5) -> Any:
    return numpy.random.default_rng(seed).random(shape) > 0.5


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("c_shape", "x_shape", "y_shape"), SHAPES)
def test_forward(
    dtype: Any, c_shape: tuple[int, ...], x_shape: tuple[int, ...], y_shape: tuple[int, ...]
) -> None:
    c = _condition(c_shape)
    x = uniform(0, x_shape, numpy.float64, -5, 5).astype(dtype)
    y = uniform(1, y_shape, numpy.float64, -5, 5).astype(dtype)
    z = F.where(c, x, y)
    expected = numpy.where(c, x, y)
    assert z.dtype == numpy.dtype(dtype)
    numpy.testing.assert_array_equal(z.array, expected)


def test_condition_may_be_a_variable() -> None:
    c = Variable(numpy.array([True, False]))
    z = F.where(c, numpy.ones(2), numpy.zeros(2))
    numpy.testing.assert_array_equal(z.array, [1.0, 0.0])


@pytest.mark.parametrize("dtype", FLOATS)
def test_scalar_operand_takes_the_other_dtype(dtype: Any) -> None:
    c = numpy.array([True, False, True])
    x = uniform(0, (3,), dtype)
    z = F.where(c, x, 2.5)
    assert z.dtype == numpy.dtype(dtype)
    numpy.testing.assert_array_equal(z.array, numpy.where(c, x, dtype(2.5)))
    z = F.where(c, -1, x)
    numpy.testing.assert_array_equal(z.array, numpy.where(c, dtype(-1), x))


@pytest.mark.parametrize(("c_shape", "x_shape", "y_shape"), SHAPES[:3])
def test_gradients(
    c_shape: tuple[int, ...], x_shape: tuple[int, ...], y_shape: tuple[int, ...]
) -> None:
    c = _condition(c_shape)
    x = uniform(0, x_shape, numpy.float64)
    y = uniform(1, y_shape, numpy.float64)
    check_grads(lambda a, b: F.where(c, a, b), [x, y])


def test_gradients_float16() -> None:
    c = _condition((2, 3))
    xs = [uniform(0, (2, 3), numpy.float16), uniform(1, (2, 3), numpy.float16)]
    check_grads_float16(lambda a, b: F.where(c, a, b), xs)


def test_gradient_routing() -> None:
    x = Variable(numpy.ones(3))
    y = Variable(numpy.ones((2, 3)))
    F.sum(F.where(numpy.array([True, False, True]), x, y)).backward()
    numpy.testing.assert_array_equal(x.grad, [2.0, 0.0, 2.0])
    numpy.testing.assert_array_equal(y.grad, [[0.0, 1.0, 0.0]] * 2)


@pytest.mark.parametrize(
    ("c", "x", "y", "message"),
    [
        (
            numpy.ones(3, numpy.int32),
            numpy.zeros(3),
            numpy.zeros(3),
            r"Where \(Forward\)\n\nExpect: condition.dtype == bool\nActual: int32 != bool",
        ),
        (
            numpy.ones(3, bool),
            numpy.zeros(3),
            numpy.zeros(3, numpy.float32),
            r"Expect: x.dtype == y.dtype\nActual: float64 != float32",
        ),
        (
            numpy.ones(2, bool),
            numpy.zeros(3),
            numpy.zeros(3),
            r"cannot broadcast inputs of the following shapes:",
        ),
    ],
)
def test_invalid_inputs(c: Any, x: Any, y: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.where(c, x, y)


def test_invalid_operands() -> None:
    c = numpy.ones(2, bool)
    with pytest.raises(TypeError, match="x and y cannot both be scalars"):
        F.where(c, 1.0, 2.0)
    with pytest.raises(TypeError, match="x and y must be Variables, arrays or scalars, got str"):
        F.where(c, "1", numpy.zeros(2))  # type: ignore[arg-type]


@gpu
def test_gpu() -> None:
    c = _condition((2, 3))
    xs = [c, uniform(0, (2, 3), numpy.float32), uniform(1, (3,), numpy.float32)]
    check_on_gpu(F.where, xs)
