"""swapaxes, rollaxis, moveaxis: forward against NumPy, gradients, errors."""

from __future__ import annotations

from typing import Any, cast

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

SHAPE = (2, 3, 4)


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("axis1", "axis2"), [(0, 1), (0, 2), (-1, 0), (1, 1)])
def test_swapaxes_forward(dtype: Any, axis1: int, axis2: int) -> None:
    x = uniform(0, SHAPE, numpy.float64, -5, 5).astype(dtype)
    y = F.swapaxes(x, axis1, axis2)
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, numpy.swapaxes(x, axis1, axis2))


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize("axis", range(-3, 3))
@pytest.mark.parametrize("start", range(-3, 4))
def test_rollaxis_forward(dtype: Any, axis: int, start: int) -> None:
    x = uniform(0, SHAPE, numpy.float64, -5, 5).astype(dtype)
    numpy.testing.assert_array_equal(
        F.rollaxis(x, axis, start).array, numpy.rollaxis(x, axis, start)
    )


def test_rollaxis_default_start() -> None:
    assert F.rollaxis(numpy.zeros(SHAPE), 2).shape == (4, 2, 3)


MOVES: list[tuple[Any, Any]] = [(0, -1), (-1, 0), ((0, 1), (2, 0)), ((0, 2), (2, 0)), ((), ())]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("source", "destination"), MOVES)
def test_moveaxis_forward(dtype: Any, source: Any, destination: Any) -> None:
    x = uniform(0, SHAPE, numpy.float64, -5, 5).astype(dtype)
    y = F.moveaxis(x, source, destination)
    numpy.testing.assert_array_equal(y.array, numpy.moveaxis(x, source, destination))


@pytest.mark.parametrize(
    "fn",
    [
        lambda v: F.swapaxes(v, 0, 2),
        lambda v: F.rollaxis(v, 2, 1),
        lambda v: F.rollaxis(v, 0, 3),
        lambda v: F.moveaxis(v, (0, 1), (2, 0)),
    ],
)
def test_gradients(fn: Any) -> None:
    check_grads(fn, [uniform(1, SHAPE, numpy.float64)])
    check_grads_float16(fn, [uniform(1, SHAPE, numpy.float16)])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda x: F.swapaxes(x, 0, 3),
            InvalidType,
            r"Swapaxes \(Forward\)\n\nExpect: x.ndim > axis2\nActual: 3 <= 3",
        ),
        (lambda x: F.swapaxes(x, cast(Any, 0.0), 1), TypeError, "axis1 must be an int, got float"),
        (
            lambda x: F.rollaxis(x, 3),
            InvalidType,
            r"Rollaxis \(Forward\)\n\nExpect: x.ndim > axis",
        ),
        (lambda x: F.rollaxis(x, 0, 4), InvalidType, r"Expect: x.ndim >= start\nActual: 3 < 4"),
        (lambda x: F.rollaxis(x, 0, -4), InvalidType, r"Expect: -x.ndim <= start"),
        (
            lambda x: F.rollaxis(x, 0, cast(Any, None)),
            TypeError,
            "start must be an int, got NoneType",
        ),
        (
            lambda x: F.moveaxis(x, 3, 0),
            InvalidType,
            r"Moveaxis \(Forward\)\n\nExpect: x.ndim > source",
        ),
        (lambda x: F.moveaxis(x, 0, -4), InvalidType, r"Expect: -x.ndim <= destination"),
        (
            lambda x: F.moveaxis(x, (0, 0), (1, 2)),
            ValueError,
            r"repeated axis in source: \(0, 0\)",
        ),
        (lambda x: F.moveaxis(x, (0, 1), (1, -2)), ValueError, "repeated axis in destination"),
        (lambda x: F.moveaxis(x, (0, 1), (1,)), ValueError, "the same number of axes"),
        (lambda x: F.moveaxis(x, cast(Any, "a"), 0), TypeError, "source must be an int, got str"),
    ],
)
def test_invalid_arguments(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call(numpy.zeros(SHAPE))


@gpu
def test_gpu() -> None:
    x = uniform(0, SHAPE, numpy.float32)
    check_on_gpu(lambda v: F.swapaxes(v, 0, 2), [x])
    check_on_gpu(lambda v: F.rollaxis(v, 2, 1), [x])
    check_on_gpu(lambda v: F.moveaxis(v, 0, -1), [x])
