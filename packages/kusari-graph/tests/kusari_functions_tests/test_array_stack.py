"""stack: forward against numpy.stack, gradients, errors."""

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
    ((2, 3), 0, 3),
    ((2, 3), 1, 2),
    ((2, 3), 2, 2),
    ((2, 3), -1, 2),
    ((2, 3), -3, 1),
    ((), 0, 2),
]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("shape", "axis", "n"), CASES)
def test_forward(dtype: Any, shape: tuple[int, ...], axis: int, n: int) -> None:
    xs = [uniform(i, shape, numpy.float64, -5, 5).astype(dtype) for i in range(n)]
    y = F.stack(xs, axis=axis)
    expected = numpy.stack(xs, axis=axis)
    assert y.dtype == expected.dtype
    numpy.testing.assert_array_equal(y.array, expected)


def test_default_axis_is_zero() -> None:
    assert F.stack([numpy.zeros((2, 3))] * 4).shape == (4, 2, 3)


@pytest.mark.parametrize(("shape", "axis", "n"), CASES)
def test_gradients(shape: tuple[int, ...], axis: int, n: int) -> None:
    xs = [uniform(i, shape, numpy.float64) for i in range(n)]
    check_grads(lambda *vs: F.stack(vs, axis=axis), xs)


def test_gradients_float16() -> None:
    xs = [uniform(i, (2, 3), numpy.float16) for i in range(2)]
    check_grads_float16(lambda *vs: F.stack(vs, axis=1), xs)


@pytest.mark.parametrize(
    ("xs", "axis", "message"),
    [
        ([], 0, r"Stack \(Forward\)\n\nExpect: in_types.size\(\) > 0"),
        (
            [numpy.zeros((2, 3)), numpy.zeros((3, 2))],
            0,
            r"Expect: in_types\[1\].shape == in_types\[0\].shape\nActual: \(3, 2\) != \(2, 3\)",
        ),
        (
            [numpy.zeros(2), numpy.zeros(2, numpy.float32)],
            0,
            r"Expect: in_types\[1\].dtype == in_types\[0\].dtype\nActual: float32 != float64",
        ),
        ([numpy.zeros((2, 3))] * 2, 3, r"Expect: in_types\[0\].ndim >= axis\nActual: 2 < 3"),
        (
            [numpy.zeros((2, 3))] * 2,
            -4,
            r"Expect: -in_types\[0\].ndim - 1 <= axis\nActual: -3 > -4",
        ),
    ],
)
def test_invalid_inputs(xs: list[Any], axis: int, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.stack(xs, axis=axis)


def test_axis_must_be_int() -> None:
    with pytest.raises(TypeError, match="axis must be an int, got NoneType"):
        F.stack([numpy.zeros(2)], axis=None)  # type: ignore[arg-type]


@gpu
def test_gpu() -> None:
    xs = [uniform(i, (2, 3), numpy.float32) for i in range(3)]
    check_on_gpu(lambda *vs: F.stack(vs, axis=1), xs)
