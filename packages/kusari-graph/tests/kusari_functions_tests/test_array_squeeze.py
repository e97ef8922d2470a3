"""squeeze: forward against numpy.squeeze, gradients, errors."""

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

CASES: list[tuple[tuple[int, ...], Any]] = [
    ((1, 3, 1), None),
    ((1, 3, 1), 0),
    ((1, 3, 1), -1),
    ((1, 3, 1), (0, 2)),
    ((3,), None),
    ((1, 1), None),
    ((2, 1, 3), 1),
]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("shape", "axis"), CASES)
def test_forward(dtype: Any, shape: tuple[int, ...], axis: Any) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    y = F.squeeze(x, axis)
    expected = numpy.squeeze(x, axis)
    assert y.dtype == x.dtype
    assert y.shape == expected.shape
    numpy.testing.assert_array_equal(y.array, expected)


@pytest.mark.parametrize(("shape", "axis"), CASES)
def test_gradients(shape: tuple[int, ...], axis: Any) -> None:
    check_grads(lambda v: F.squeeze(v, axis), [uniform(1, shape, numpy.float64)])


def test_gradients_float16() -> None:
    check_grads_float16(F.squeeze, [uniform(1, (1, 3), numpy.float16)])


@pytest.mark.parametrize(
    ("axis", "error", "message"),
    [
        (1, InvalidType, r"Squeeze \(Forward\)\n\nExpect: x.shape\[1\] == 1\nActual: 3 != 1"),
        (3, InvalidType, r"Expect: x.ndim > axis\nActual: 3 <= 3"),
        (-4, InvalidType, r"Expect: -x.ndim <= axis\nActual: -3 > -4"),
        ((0, -3), ValueError, r"duplicate value in axis: \(0, -3\)"),
        (0.0, TypeError, "axis must be an int, got float"),
        ((0, None), TypeError, "each element of axis must be an int, got NoneType"),
    ],
)
def test_invalid_axis(axis: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.squeeze(numpy.zeros((1, 3, 1)), axis)


@gpu
def test_gpu() -> None:
    check_on_gpu(lambda v: F.squeeze(v, 0), [uniform(0, (1, 3), numpy.float32)])
