"""concat: forward against numpy.concatenate, gradients, type errors."""

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

SHAPES_AXES = [
    ([(2, 3), (2, 1), (2, 4)], 1),
    ([(1, 3), (2, 3)], 0),
    ([(2, 3, 1), (2, 3, 2)], -1),
    ([(4,)], 0),
    ([(2, 0), (2, 2)], 1),
]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("shapes", "axis"), SHAPES_AXES)
def test_forward(dtype: Any, shapes: list[tuple[int, ...]], axis: int) -> None:
    xs = [uniform(i, s, numpy.float64, -5, 5).astype(dtype) for i, s in enumerate(shapes)]
    y = F.concat(xs, axis=axis)
    expected = numpy.concatenate(xs, axis=axis)
    assert y.dtype == expected.dtype
    numpy.testing.assert_array_equal(y.array, expected)


def test_default_axis_is_one() -> None:
    xs = [numpy.zeros((2, 1), numpy.float32), numpy.ones((2, 2), numpy.float32)]
    assert F.concat(xs).shape == (2, 3)


def test_accepts_variables_and_arrays() -> None:
    a = Variable(numpy.ones((1, 2)))
    y = F.concat([a, numpy.zeros((1, 2))], axis=0)
    y.grad = numpy.arange(4.0).reshape(2, 2)
    y.backward()
    numpy.testing.assert_array_equal(a.grad, [[0.0, 1.0]])


@pytest.mark.parametrize(("shapes", "axis"), SHAPES_AXES[:4])
def test_gradients(shapes: list[tuple[int, ...]], axis: int) -> None:
    xs = [uniform(i, s, numpy.float64) for i, s in enumerate(shapes)]
    check_grads(lambda *vs: F.concat(vs, axis=axis), xs)


def test_gradients_float16() -> None:
    xs = [uniform(0, (2, 3), numpy.float16), uniform(1, (2, 2), numpy.float16)]
    check_grads_float16(lambda *vs: F.concat(vs), xs)


@pytest.mark.parametrize(
    ("xs", "axis", "message"),
    [
        ([], 1, r"Concat \(Forward\)\n\nExpect: in_types.size\(\) > 0\nActual: 0 <= 0"),
        (
            [numpy.zeros((2, 3)), numpy.zeros((3, 3))],
            1,
            r"Expect: in_types\[0\].shape\[0\] == in_types\[1\].shape\[0\]\nActual: 2 != 3",
        ),
        (
            [numpy.zeros(3, numpy.float32), numpy.zeros(3)],
            0,
            r"Expect: in_types\[0\].dtype == in_types\[1\].dtype\nActual: float32 != float64",
        ),
        ([numpy.zeros((2, 3))] * 2, 2, r"Expect: in_types\[0\].ndim > axis\nActual: 2 <= 2"),
        ([numpy.zeros((2, 3))] * 2, -3, r"Expect: -in_types\[0\].ndim <= axis\nActual: -2 > -3"),
        (
            [numpy.zeros((2, 3)), numpy.zeros(3)],
            1,
            r"Expect: in_types\[0\].ndim == in_types\[1\].ndim\nActual: 2 != 1",
        ),
    ],
)
def test_invalid_inputs(xs: list[Any], axis: int, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.concat(xs, axis=axis)


def test_axis_must_be_int() -> None:
    with pytest.raises(TypeError, match="axis must be an int, got float"):
        F.concat([numpy.zeros(2)], axis=0.0)  # type: ignore[arg-type]


@gpu
def test_gpu() -> None:
    xs = [uniform(0, (2, 3), numpy.float32), uniform(1, (2, 2), numpy.float32)]
    check_on_gpu(lambda *vs: F.concat(vs), xs)
