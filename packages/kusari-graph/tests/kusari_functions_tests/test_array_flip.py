"""flip, fliplr, flipud: forward against NumPy, gradients, errors."""

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


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(
    ("shape", "axis"), [((2, 3), 0), ((2, 3), 1), ((2, 3, 4), -1), ((2, 3), (0, 1))]
)
def test_flip_forward(dtype: Any, shape: tuple[int, ...], axis: Any) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    y = F.flip(x, axis)
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, numpy.flip(x, axis))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4)])
def test_fliplr_flipud_forward(dtype: Any, shape: tuple[int, ...]) -> None:
    x = uniform(0, shape, dtype)
    numpy.testing.assert_array_equal(F.fliplr(x).array, numpy.fliplr(x))
    numpy.testing.assert_array_equal(F.flipud(x).array, numpy.flipud(x))
    numpy.testing.assert_array_equal(F.flipud(x[0]).array, numpy.flipud(x[0]))


@pytest.mark.parametrize(
    "fn", [lambda v: F.flip(v, 1), F.fliplr, F.flipud, lambda v: F.flip(v, (0, 2))]
)
def test_gradients(fn: Any) -> None:
    check_grads(fn, [uniform(0, (2, 3, 2), numpy.float64)])
    check_grads_float16(fn, [uniform(0, (2, 3, 2), numpy.float16)])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: F.flip(numpy.zeros((2, 3)), 2),
            InvalidType,
            r"Flip \(Forward\)\n\nExpect: x.ndim > axis",
        ),
        (lambda: F.flip(numpy.zeros((2, 3)), -3), InvalidType, r"Expect: -x.ndim <= axis"),
        (
            lambda: F.flip(numpy.zeros((2, 3)), cast(Any, 0.5)),
            TypeError,
            "axis must be an int, got float",
        ),
        (
            lambda: F.fliplr(numpy.zeros(3)),
            InvalidType,
            r"FlipLR \(Forward\)\n\nExpect: x.ndim > axis\nActual: 1 <= 1",
        ),
        (
            lambda: F.flipud(numpy.zeros(())),
            InvalidType,
            r"FlipUD \(Forward\)\n\nExpect: x.ndim > axis\nActual: 0 <= 0",
        ),
    ],
)
def test_invalid_inputs(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


@gpu
def test_gpu() -> None:
    x = uniform(0, (2, 3), numpy.float32)
    check_on_gpu(lambda v: F.flip(v, 1), [x])
    check_on_gpu(F.fliplr, [x])
    check_on_gpu(F.flipud, [x])
