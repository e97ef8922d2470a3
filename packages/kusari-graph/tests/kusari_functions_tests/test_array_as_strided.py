"""as_strided: against an index loop, Chainer's values, gradients, errors."""

from __future__ import annotations

import itertools
from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_on_gpu,
    data,
    gpu,
    grad_array,
    uniform,
)


def _reference(x: Any, shape: Any, strides: Any, offset: int) -> npt.NDArray[Any]:
    flat = x.ravel()
    y = numpy.zeros(shape, numpy.float64)
    for index in itertools.product(*(range(s) for s in shape)):
        y[index] = flat[offset + sum(i * s for i, s in zip(index, strides, strict=True))]
    return y


CASES = [
    ((3, 4), (3, 3), (2, 1), None),
    ((12,), (3, 3), (2, 1), 3),
    ((12,), (3, 3), (-1, 1), 5),
    ((2, 3), (2, 2, 2), (0, 1, 3), None),
    ((2, 3), (6,), (1,), 0),
    ((2, 3), (0, 4), (1, 1), None),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("x_shape", "shape", "strides", "offset"), CASES)
def test_forward(dtype: Any, x_shape: Any, shape: Any, strides: Any, offset: Any) -> None:
    x = uniform(0, x_shape, dtype)
    y = F.as_strided(x, shape, strides, offset)
    assert_forward(y, _reference(x, shape, strides, offset or 0), dtype)


def test_integer_input() -> None:
    y = F.as_strided(numpy.arange(12, dtype=numpy.int32), (3,), (1,))
    assert y.dtype == numpy.int32
    assert data(y).tolist() == [0, 1, 2]


def test_chainer_values() -> None:
    # Chainer 7.8.1: the windows, and the gradient of overlapping reads.
    x = Variable(numpy.arange(12, dtype=numpy.float32).reshape(3, 4))
    y = F.as_strided(x, (3, 3), (2, 1))
    assert data(y).tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    y.grad = numpy.arange(9, dtype=numpy.float32).reshape(3, 3)
    y.backward()
    assert grad_array(x).tolist() == [[0, 1, 5, 4], [11, 7, 8, 0], [0, 0, 0, 0]]
    assert data(F.as_strided(numpy.arange(12.0), (3, 3), (-1, 1), 5)).tolist() == [
        [5, 6, 7],
        [4, 5, 6],
        [3, 4, 5],
    ]


def test_non_contiguous_input_uses_c_order() -> None:
    x = numpy.arange(12.0).reshape(3, 4).T
    assert data(F.as_strided(x, (2, 2), (1, 1))).tolist() == [[0.0, 4.0], [4.0, 8.0]]


@pytest.mark.parametrize(("x_shape", "shape", "strides", "offset"), CASES[:4])
def test_gradients(x_shape: Any, shape: Any, strides: Any, offset: Any) -> None:
    check_grads(lambda x: F.as_strided(x, shape, strides, offset), [uniform(0, x_shape, "d")])


@pytest.mark.parametrize(
    ("shape", "strides", "offset", "error", "message"),
    [
        ((3, 3), (5, 1), None, ValueError, r"reads elements 0 to 12, outside x of 12 elements"),
        ((2,), (1,), -1, ValueError, r"reads elements -1 to 0, outside x"),
        ((3,), (1, 1), None, ValueError, r"strides must have one entry per axis of shape \(3,\)"),
        ((-1,), (1,), None, ValueError, r"shape must not be negative"),
        ((3,), (1.0,), None, TypeError, r"each element of strides must be an int"),
        ((3,), (1,), 1.5, TypeError, r"storage_offset must be an int, got float"),
    ],
)
def test_invalid(
    shape: Any, strides: Any, offset: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.as_strided(numpy.zeros(12), shape, strides, offset)


@gpu
def test_gpu() -> None:
    check_on_gpu(lambda x: F.as_strided(x, (3, 3), (2, 1)), [uniform(0, (3, 4), "d")], atol=1e-12)
