"""depth2space and space2depth: Chainer's layout, round trips, gradients, errors."""

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
    data,
    gpu,
    uniform,
)


def test_chainer_layout() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    x = numpy.arange(16, dtype=numpy.float32).reshape(1, 8, 1, 2)
    assert data(F.depth2space(x, 2)).tolist() == [
        [
            [[0.0, 4.0, 1.0, 5.0], [8.0, 12.0, 9.0, 13.0]],
            [[2.0, 6.0, 3.0, 7.0], [10.0, 14.0, 11.0, 15.0]],
        ]
    ]
    y = numpy.arange(16, dtype=numpy.float32).reshape(1, 1, 4, 4)
    assert data(F.space2depth(y, 2)).tolist() == [
        [
            [[0.0, 2.0], [8.0, 10.0]],
            [[1.0, 3.0], [9.0, 11.0]],
            [[4.0, 6.0], [12.0, 14.0]],
            [[5.0, 7.0], [13.0, 15.0]],
        ]
    ]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("shape", "r"), [((2, 8, 2, 3), 2), ((1, 9, 1, 2), 3), ((2, 3, 2, 2), 1)])
def test_round_trip(dtype: Any, shape: tuple[int, ...], r: int) -> None:
    x = uniform(0, shape, dtype)
    y = F.depth2space(x, r)
    b, c, h, w = shape
    assert y.shape == (b, c // (r * r), h * r, w * r)
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(F.space2depth(y, r).array, x)


@pytest.mark.parametrize("r", [1, 2])
def test_gradients(r: int) -> None:
    check_grads(lambda v: F.depth2space(v, r), [uniform(0, (2, 8, 2, 1), numpy.float64)])
    check_grads(lambda v: F.space2depth(v, r), [uniform(0, (2, 2, 4, 2), numpy.float64)])


def test_gradients_float16() -> None:
    check_grads_float16(lambda v: F.depth2space(v, 2), [uniform(0, (1, 4, 2, 2), numpy.float16)])
    check_grads_float16(lambda v: F.space2depth(v, 2), [uniform(0, (1, 1, 2, 4), numpy.float16)])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: F.depth2space(numpy.zeros((2, 6, 2, 2)), 2),
            InvalidType,
            r"Depth2Space \(Forward\)\n\nExpect: x.shape\[1\] % \(r \* r\) == 0",
        ),
        (
            lambda: F.depth2space(numpy.zeros((2, 8, 2)), 2),
            InvalidType,
            r"Expect: x.ndim == 4\nActual: 3 != 4",
        ),
        (
            lambda: F.depth2space(numpy.zeros((2, 8, 2, 2), int), 2),
            InvalidType,
            r"Expect: x.dtype.kind == 'f'",
        ),
        (
            lambda: F.space2depth(numpy.zeros((2, 1, 3, 4)), 2),
            InvalidType,
            r"Space2Depth \(Forward\)\n\nExpect: x.shape\[2\] % r == 0",
        ),
        (
            lambda: F.space2depth(numpy.zeros((2, 1, 4, 3)), 2),
            InvalidType,
            r"Expect: x.shape\[3\] % r == 0",
        ),
        (
            lambda: F.depth2space(numpy.zeros((1, 4, 1, 1)), 0),
            ValueError,
            "r must be positive, got 0",
        ),
        (
            lambda: F.space2depth(numpy.zeros((1, 1, 2, 2)), cast(Any, 2.0)),
            TypeError,
            "r must be an int, got float",
        ),
    ],
)
def test_invalid_inputs(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


@gpu
def test_gpu() -> None:
    check_on_gpu(lambda v: F.depth2space(v, 2), [uniform(0, (2, 8, 2, 3), numpy.float32)])
    check_on_gpu(lambda v: F.space2depth(v, 2), [uniform(0, (2, 2, 4, 2), numpy.float32)])
