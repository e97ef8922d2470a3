"""arctan2, fmod, squared_difference and linear_interpolate."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, grad, uniform


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("s1", "s2"), [((2, 3), (2, 3)), ((2, 3), (3,)), ((), (4,))])
def test_arctan2_forward(dtype: Any, s1: Any, s2: Any) -> None:
    a, b = uniform(0, s1, dtype), uniform(1, s2, dtype)
    assert_forward(F.arctan2(a, b), numpy.arctan2(a.astype(float), b.astype(float)), dtype)


@pytest.mark.parametrize(("s1", "s2"), [((2, 3), (2, 3)), ((2, 3), (3,)), ((1, 3), (2, 1))])
def test_arctan2_grads(s1: Any, s2: Any) -> None:
    check_grads(F.arctan2, [uniform(2, s1, float), uniform(3, s2, float, 0.5, 1.0)])


def test_arctan2_grads_float16() -> None:
    check_grads_float16(
        F.arctan2, [uniform(4, (2, 3), numpy.float16), uniform(5, (2, 3), numpy.float16, 0.5, 1)]
    )


@pytest.mark.parametrize("dtype", FLOATS)
def test_fmod_forward(dtype: Any) -> None:
    x = uniform(0, (3, 4), dtype, -5, 5)
    d = uniform(1, (4,), dtype, 0.5, 2)
    assert_forward(F.fmod(x, d), numpy.fmod(x.astype(float), d.astype(float)), dtype, scale=10)


def test_fmod_grads() -> None:
    # keep x / divisor away from integers, where fmod jumps
    x = numpy.array([[2.3, -2.3, 5.4], [0.6, -4.4, 1.3]])
    d = numpy.array([1.0, 2.0, 2.5])
    check_grads(F.fmod, [x, d])
    xv, dv = Variable(numpy.array([5.0, -5.0])), Variable(numpy.array([3.0, 3.0]))
    F.sum(F.fmod(xv, dv)).backward()
    assert grad(xv).tolist() == [1.0, 1.0]
    assert grad(dv).tolist() == [-1.0, 1.0]  # -fix(x / d), as in Chainer


@pytest.mark.parametrize("dtype", FLOATS)
def test_squared_difference(dtype: Any) -> None:
    a, b = uniform(0, (2, 3), dtype), uniform(1, (2, 3), dtype)
    assert_forward(F.squared_difference(a, b), (a.astype(float) - b.astype(float)) ** 2, dtype)
    if dtype == numpy.float64:
        check_grads(F.squared_difference, [a, b])


@pytest.mark.parametrize("dtype", FLOATS)
def test_linear_interpolate(dtype: Any) -> None:
    p, x, y = (uniform(i, (2, 3), dtype) for i in range(3))
    expected = p.astype(float) * x + (1 - p.astype(float)) * y
    assert_forward(F.linear_interpolate(p, x, y), expected, dtype, scale=2)
    if dtype == numpy.float64:
        check_grads(F.linear_interpolate, [p, x, y])


def test_errors() -> None:
    a = numpy.zeros((2, 3))
    with pytest.raises(
        InvalidType, match=r"in: Arctan2 \(Forward\)\n\nExpect: x1\.dtype == x2\.dtype"
    ):
        F.arctan2(a, a.astype(numpy.float32))
    with pytest.raises(InvalidType, match="cannot broadcast inputs"):
        F.fmod(a, numpy.zeros(2))
    with pytest.raises(
        InvalidType, match=r"Expect: x1\.shape == x2\.shape\nActual: \(2, 3\) != \(3,\)"
    ):
        F.squared_difference(a, numpy.zeros(3))
    with pytest.raises(InvalidType, match=r"Expect: p\.shape == y\.shape"):
        F.linear_interpolate(a, a, numpy.zeros(3))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        F.fmod(numpy.ones(2, numpy.int32), numpy.ones(2, numpy.int32))
