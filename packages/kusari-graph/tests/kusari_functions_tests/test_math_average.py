"""average."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, uniform


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_weighted(dtype: Any, axis: Any, keepdims: bool) -> None:
    x = uniform(0, (2, 3), dtype)
    w_shape = x.shape if axis is None else (x.shape[axis],)
    w = uniform(1, w_shape, dtype, 0.5, 1.5)
    expected = numpy.average(x.astype(float), axis=axis, weights=w.astype(float))
    if keepdims:
        expected = numpy.expand_dims(expected, axis if axis is not None else (0, 1))
    y = F.average(x, axis=axis, weights=w, keepdims=keepdims)
    assert_forward(y, expected, dtype, scale=3)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [None, 1, (0, 1)])
def test_unweighted_is_mean(dtype: Any, axis: Any) -> None:
    x = uniform(2, (2, 3), dtype)
    assert_forward(F.average(x, axis=axis), numpy.mean(x.astype(float), axis=axis), dtype)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_grads_with_respect_to_x_and_weights(axis: Any) -> None:
    x = uniform(3, (2, 3), float)
    w = uniform(4, x.shape if axis is None else (x.shape[axis],), float, 0.5, 1.5)
    check_grads(lambda a, b: F.average(a, axis=axis, weights=b), [x, w])


def test_errors() -> None:
    x = numpy.zeros((2, 3))
    with pytest.raises(ValueError, match="tuple axis is not supported when weights is given"):
        F.average(x, axis=(0, 1), weights=numpy.ones((2, 3)))
    with pytest.raises(
        ValueError, match=r"weights must be 1-D of length x\.shape\[1\] = 3, got shape \(2,\)"
    ):
        F.average(x, axis=1, weights=numpy.ones(2))
    with pytest.raises(
        ValueError,
        match=r"weights must have the shape of x \(2, 3\) when axis is None, got \(6,\)",
    ):
        F.average(x, weights=numpy.ones(6))
    with pytest.raises(InvalidType, match=r"in: Average \(Forward\)\n\nExpect: x\.ndim > 2"):
        F.average(x, axis=2, weights=numpy.ones(3))
