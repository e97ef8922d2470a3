"""expand_dims and flatten: forward against numpy, gradients, errors."""

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

CASES = [((2, 3), 0), ((2, 3), 1), ((2, 3), 2), ((2, 3), -1), ((2, 3), -3), ((), 0)]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("shape", "axis"), CASES)
def test_forward(dtype: Any, shape: tuple[int, ...], axis: int) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    y = F.expand_dims(x, axis)
    expected = numpy.expand_dims(x, axis)
    assert y.dtype == x.dtype
    assert y.shape == expected.shape
    numpy.testing.assert_array_equal(y.array, expected)


@pytest.mark.parametrize(("shape", "axis"), CASES)
def test_gradients(shape: tuple[int, ...], axis: int) -> None:
    check_grads(lambda v: F.expand_dims(v, axis), [uniform(1, shape, numpy.float64)])


def test_gradients_float16() -> None:
    check_grads_float16(lambda v: F.expand_dims(v, 1), [uniform(1, (2, 3), numpy.float16)])


@pytest.mark.parametrize(
    ("axis", "message"),
    [
        (3, r"ExpandDims \(Forward\)\n\nExpect: x.ndim >= axis\nActual: 2 < 3"),
        (-4, r"Expect: -x.ndim - 1 <= axis\nActual: -3 > -4"),
    ],
)
def test_axis_out_of_range(axis: int, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.expand_dims(numpy.zeros((2, 3)), axis)


def test_axis_must_be_int() -> None:
    with pytest.raises(TypeError, match="axis must be an int, got tuple"):
        F.expand_dims(numpy.zeros((2, 3)), (0,))  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4), (5,), ()])
def test_flatten_forward(dtype: Any, shape: tuple[int, ...]) -> None:
    x = uniform(0, shape, dtype)
    y = F.flatten(x)
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, x.ravel())


def test_flatten_gradients() -> None:
    check_grads(F.flatten, [uniform(0, (2, 3, 2), numpy.float64)])


def test_flatten_of_a_vector_is_the_vector() -> None:
    x = Variable(numpy.zeros(3))
    assert F.flatten(x) is x


@gpu
def test_gpu() -> None:
    check_on_gpu(lambda v: F.expand_dims(v, 1), [uniform(0, (2, 3), numpy.float32)])
    check_on_gpu(F.flatten, [uniform(0, (2, 3), numpy.float32)])
