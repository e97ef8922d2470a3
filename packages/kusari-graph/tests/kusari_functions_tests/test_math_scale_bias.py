"""scale and bias."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, uniform

CASES = [((2, 3, 4), (3,), 1), ((2, 3, 4), (3, 4), 1), ((2, 3, 4), (4,), 2), ((2, 3), (2,), 0)]


def _aligned(y: Any, x_ndim: int, axis: int) -> Any:
    return y.reshape((1,) * axis + y.shape + (1,) * (x_ndim - axis - y.ndim))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("xs", "ys", "axis"), CASES)
def test_forward(dtype: Any, xs: Any, ys: Any, axis: int) -> None:
    x, y = uniform(0, xs, dtype), uniform(1, ys, dtype)
    yb = _aligned(y.astype(float), x.ndim, axis)
    assert_forward(F.scale(x, y, axis=axis), x.astype(float) * yb, dtype)
    assert_forward(F.bias(x, y, axis=axis), x.astype(float) + yb, dtype)


@pytest.mark.parametrize(("xs", "ys", "axis"), CASES)
def test_grads(xs: Any, ys: Any, axis: int) -> None:
    x, y = uniform(2, xs, float), uniform(3, ys, float)
    check_grads(lambda a, b: F.scale(a, b, axis=axis), [x, y])
    check_grads(lambda a, b: F.bias(a, b, axis=axis), [x, y])


@pytest.mark.parametrize(("fn", "label"), [(F.scale, "Scale"), (F.bias, "Bias")])
def test_errors(fn: Any, label: str) -> None:
    x = numpy.zeros((2, 3, 4))
    with pytest.raises(
        InvalidType,
        match=rf"in: {label} \(Forward\)\n\n"
        rf"Expect: x\.shape\[1:2\] == y\.shape\nActual: \(3,\) != \(4,\)",
    ):
        fn(x, numpy.zeros(4))
    with pytest.raises(InvalidType, match=r"Expect: x\.shape\[2:4\] == y\.shape"):
        fn(x, numpy.zeros((4, 1)), axis=2)
    with pytest.raises(InvalidType, match=r"Expect: x\.ndim > 3"):
        fn(x, numpy.zeros(3), axis=3)
    with pytest.raises(
        InvalidType, match=rf"in: {label} \(Forward\)\n\nExpect: x\.dtype == y\.dtype"
    ):
        fn(x, numpy.zeros(3, numpy.float32))
