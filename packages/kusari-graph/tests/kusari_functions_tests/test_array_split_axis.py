"""split_axis: forward against numpy.split, gradients (also with unused pieces), errors."""

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

CASES: list[tuple[tuple[int, ...], Any, int]] = [
    ((2, 6), 3, 1),
    ((2, 6), [1, 4], 1),
    ((4, 3), [2], 0),
    ((2, 3, 4), 2, -1),
    ((2, 6), [4, 1], 1),  # unsorted, as numpy.split allows: an empty piece
    ((2, 6), numpy.array([3]), 1),
    ((3, 2), 1, 0),
]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int64])
@pytest.mark.parametrize(("shape", "spec", "axis"), CASES)
def test_forward(dtype: Any, shape: tuple[int, ...], spec: Any, axis: int) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    ys = F.split_axis(x, spec, axis)
    expected = numpy.split(x, spec, axis=axis)
    assert isinstance(ys, tuple)
    assert len(ys) == len(expected)
    for y, e in zip(ys, expected, strict=True):
        assert y.dtype == x.dtype
        numpy.testing.assert_array_equal(y.array, e)


def test_force_tuple_false_returns_the_single_piece() -> None:
    x = numpy.zeros((2, 3))
    y = F.split_axis(x, 1, 1, force_tuple=False)
    assert isinstance(y, Variable)
    assert y.shape == (2, 3)
    ys = F.split_axis(x, 3, 1, force_tuple=False)
    assert isinstance(ys, tuple)
    assert len(ys) == 3
    assert isinstance(F.split_axis(x, 1, 1), tuple)


@pytest.mark.parametrize(("shape", "spec", "axis"), CASES[:4])
def test_gradients(shape: tuple[int, ...], spec: Any, axis: int) -> None:
    check_grads(lambda v: F.split_axis(v, spec, axis), [uniform(1, shape, numpy.float64)])


def test_gradients_float16() -> None:
    check_grads_float16(lambda v: F.split_axis(v, [1], 1), [uniform(1, (2, 3), numpy.float16)])


def test_gradient_with_unused_pieces_is_zero_there() -> None:
    x = Variable(numpy.arange(6.0).reshape(2, 3))
    _, b, _ = F.split_axis(x, 3, 1)
    F.sum(b * 2.0).backward()
    numpy.testing.assert_array_equal(x.grad, [[0.0, 2.0, 0.0], [0.0, 2.0, 0.0]])


def test_double_backward_with_unused_pieces() -> None:
    x = uniform(2, (2, 4), numpy.float64)
    check_grads(lambda v: F.split_axis(v, [1, 3], 1)[1] ** 2, [x])


@pytest.mark.parametrize(
    ("spec", "axis", "error", "message"),
    [
        (
            4,
            1,
            InvalidType,
            r"SplitAxis \(Forward\)\n\nExpect: in_types\[0\].shape\[1\] % sections == 0\n"
            r"Actual: 2 != 0",
        ),
        ([1, 7], 1, InvalidType, r"Expect: in_types\[0\].shape\[1\] >= max_index\nActual: 6 < 7"),
        (2, 2, InvalidType, r"Expect: in_types\[0\].ndim > axis\nActual: 2 <= 2"),
        (0, 1, ValueError, "indices_or_sections must be positive when an int, got 0"),
        (1.5, 1, TypeError, "indices_or_sections must be an int or a sequence of ints, got float"),
        ([1.5], 1, TypeError, "each index of indices_or_sections must be an int, got float"),
        (2, "1", TypeError, "axis must be an int, got str"),
    ],
)
def test_invalid_arguments(spec: Any, axis: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.split_axis(numpy.zeros((2, 6)), spec, axis)


@gpu
def test_gpu() -> None:
    check_on_gpu(lambda v: F.split_axis(v, [1], 1), [uniform(0, (2, 3), numpy.float32)])
