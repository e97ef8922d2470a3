"""diagonal: forward against numpy.diagonal, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    gpu,
    uniform,
)

CASES = [
    ((3, 4), 0, 0, 1),
    ((3, 4), 1, 0, 1),
    ((3, 4), -2, 1, 0),
    ((2, 3, 4), -1, 1, 2),
    ((2, 3, 4), 2, 2, 0),
    ((3, 3), 5, 0, 1),
]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("shape", "offset", "axis1", "axis2"), CASES)
def test_forward(dtype: Any, shape: tuple[int, ...], offset: int, axis1: int, axis2: int) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    y = F.diagonal(x, offset, axis1, axis2)
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, numpy.diagonal(x, offset, axis1, axis2))


@pytest.mark.parametrize(("shape", "offset", "axis1", "axis2"), CASES[:5])
def test_gradients(shape: tuple[int, ...], offset: int, axis1: int, axis2: int) -> None:
    check_grads(lambda v: F.diagonal(v, offset, axis1, axis2), [uniform(0, shape, numpy.float64)])


def test_gradients_float16() -> None:
    check_grads_float16(lambda v: F.diagonal(v, 1), [uniform(0, (3, 4), numpy.float16)])


@pytest.mark.parametrize(
    ("x", "args", "error", "message"),
    [
        (
            numpy.zeros(3),
            (0, 0, 1),
            InvalidType,
            r"Diagonal \(Forward\)\n\nExpect: x.ndim >= 2\nActual: 1 < 2",
        ),
        (numpy.zeros((2, 3)), (0, 0, 2), InvalidType, r"Expect: x.ndim > axis2\nActual: 2 <= 2"),
        (numpy.zeros((2, 3)), (0, 0, -2), ValueError, "axis1 and axis2 must be different axes"),
        (numpy.zeros((2, 3)), (0.5, 0, 1), TypeError, "offset must be an int, got float"),
    ],
)
def test_invalid_arguments(
    x: Any, args: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.diagonal(x, *args)


@gpu
def test_gpu() -> None:
    check_on_gpu(lambda v: F.diagonal(v, 1, 1, 2), [uniform(0, (2, 3, 4), numpy.float32)])
