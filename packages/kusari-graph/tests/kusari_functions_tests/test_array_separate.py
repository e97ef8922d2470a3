"""separate: forward against slicing, gradients (also with unused slices), errors."""

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

CASES = [((3, 2), 0), ((2, 3, 4), 1), ((2, 3, 4), -1), ((1, 3), 0), ((4,), 0)]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("shape", "axis"), CASES)
def test_forward(dtype: Any, shape: tuple[int, ...], axis: int) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    ys = F.separate(x, axis)
    expected = [numpy.take(x, i, axis=axis) for i in range(x.shape[axis])]
    assert isinstance(ys, tuple)
    assert len(ys) == len(expected)
    for y, e in zip(ys, expected, strict=True):
        assert y.dtype == x.dtype
        numpy.testing.assert_array_equal(y.array, e)


def test_default_axis_is_zero() -> None:
    assert [y.shape for y in F.separate(numpy.zeros((2, 3)))] == [(3,), (3,)]


@pytest.mark.parametrize(("shape", "axis"), CASES)
def test_gradients(shape: tuple[int, ...], axis: int) -> None:
    check_grads(lambda v: F.separate(v, axis), [uniform(1, shape, numpy.float64)])


def test_gradients_float16() -> None:
    check_grads_float16(lambda v: F.separate(v, 1), [uniform(1, (2, 3), numpy.float16)])


def test_gradient_of_a_vector_into_scalars() -> None:
    x = Variable(numpy.array([1.0, 2.0, 3.0]))
    a, _, c = F.separate(x)
    assert a.shape == ()
    (a * 2.0 + c * c).backward()
    numpy.testing.assert_array_equal(x.grad, [2.0, 0.0, 6.0])


def test_unused_slices_get_zero_gradient() -> None:
    x = Variable(numpy.ones((3, 2)))
    _, b, _ = F.separate(x)
    F.sum(b * 3.0).backward()
    numpy.testing.assert_array_equal(x.grad, [[0.0, 0.0], [3.0, 3.0], [0.0, 0.0]])
    check_grads(lambda v: F.separate(v)[1] ** 2, [uniform(2, (3, 2), numpy.float64)])


@pytest.mark.parametrize(
    ("axis", "message"),
    [
        (2, r"Separate \(Forward\)\n\nExpect: x.ndim > axis\nActual: 2 <= 2"),
        (-3, r"Expect: -x.ndim <= axis\nActual: -2 > -3"),
    ],
)
def test_axis_out_of_range(axis: int, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.separate(numpy.zeros((2, 3)), axis)


def test_axis_must_be_int() -> None:
    with pytest.raises(TypeError, match="axis must be an int, got float"):
        F.separate(numpy.zeros((2, 3)), 1.0)  # type: ignore[arg-type]


@gpu
def test_gpu() -> None:
    check_on_gpu(lambda v: F.separate(v, 1), [uniform(0, (2, 3), numpy.float32)])
