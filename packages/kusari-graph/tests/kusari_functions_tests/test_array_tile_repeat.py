"""tile and repeat: forward against NumPy, gradients, errors."""

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

TILES: list[tuple[tuple[int, ...], Any]] = [
    ((2, 3), 2),
    ((2, 3), (2, 1)),
    ((2, 3), (1, 2, 3)),
    ((2, 3, 2), (2,)),
    ((3,), (0, 2)),
    ((), 3),
]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("shape", "reps"), TILES)
def test_tile_forward(dtype: Any, shape: tuple[int, ...], reps: Any) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    y = F.tile(x, reps)
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, numpy.tile(x, reps))


@pytest.mark.parametrize(("shape", "reps"), TILES)
def test_tile_gradients(shape: tuple[int, ...], reps: Any) -> None:
    check_grads(lambda v: F.tile(v, reps), [uniform(1, shape, numpy.float64)])


def test_tile_gradients_float16() -> None:
    check_grads_float16(lambda v: F.tile(v, (2, 2)), [uniform(1, (2, 3), numpy.float16)])


@pytest.mark.parametrize(
    ("reps", "error", "message"),
    [
        (-1, ValueError, "every element of reps must be zero or larger, got -1"),
        (1.5, TypeError, "reps must be an int or a sequence of ints, got float"),
        ((1, "2"), TypeError, "reps must be an int or a sequence of ints, got tuple"),
    ],
)
def test_tile_invalid_reps(reps: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.tile(numpy.zeros(2), reps)


REPEATS: list[tuple[tuple[int, ...], Any, int | None]] = [
    ((2, 3), 2, None),
    ((2, 3), 3, 1),
    ((2, 3), [1, 0, 2], 1),
    ((2, 3), [2], 0),
    ((2, 3), (1, 3), -2),
    ((2, 2), [0, 1, 2, 0], None),
    ((), 2, None),
]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("shape", "repeats", "axis"), REPEATS)
def test_repeat_forward(
    dtype: Any, shape: tuple[int, ...], repeats: Any, axis: int | None
) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    y = F.repeat(x, repeats, axis)
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, numpy.repeat(x, repeats, axis))


@pytest.mark.parametrize(("shape", "repeats", "axis"), REPEATS)
def test_repeat_gradients(shape: tuple[int, ...], repeats: Any, axis: int | None) -> None:
    check_grads(lambda v: F.repeat(v, repeats, axis), [uniform(1, shape, numpy.float64)])


def test_repeat_gradients_float16() -> None:
    check_grads_float16(lambda v: F.repeat(v, [1, 2, 0], 1), [uniform(1, (2, 3), numpy.float16)])


@pytest.mark.parametrize(
    ("repeats", "axis", "error", "message"),
    [
        (-1, None, ValueError, "every element of repeats must be zero or larger"),
        ([], None, ValueError, "repeats must not be empty"),
        (1.5, None, TypeError, "repeats must be an int or a sequence of ints, got float"),
        (2, 2, InvalidType, r"Repeat \(Forward\)\n\nExpect: x.ndim > axis"),
        ([1, 2], 1, InvalidType, r"len\(repeats\) = 2, axis length 3"),
        (2, 0.0, TypeError, "axis must be an int, got float"),
    ],
)
def test_repeat_invalid_arguments(
    repeats: Any, axis: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.repeat(numpy.zeros((2, 3)), repeats, axis)


@gpu
def test_gpu() -> None:
    x = uniform(0, (2, 3), numpy.float32)
    check_on_gpu(lambda v: F.tile(v, (2, 1, 2)), [x])
    check_on_gpu(lambda v: F.repeat(v, [1, 0, 2], 1), [x])
    check_on_gpu(lambda v: F.repeat(v, 2), [x])
