"""prod, cumsum and cumprod (exact gradients with zeros)."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, grad, uniform

AXES: list[Any] = [None, 0, 1, -1]


def _with_zeros(seed: int) -> Any:
    x = uniform(seed, (3, 4, 2), float)
    x[1, 2, 0] = 0.0
    x[0, 0, 1] = 0.0
    x[2, 1, 1] = 0.0
    x[2, 3, 1] = 0.0  # two zeros in one row
    return x


@pytest.mark.parametrize(("fn", "ref"), [(F.cumsum, numpy.cumsum), (F.cumprod, numpy.cumprod)])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", AXES)
def test_cumulative_forward(fn: Any, ref: Any, dtype: Any, axis: Any) -> None:
    x = uniform(0, (3, 4, 2), dtype, 0.5, 1.5)
    assert_forward(fn(x, axis=axis), ref(x.astype(float), axis=axis), dtype, scale=3)


@pytest.mark.parametrize("fn", [F.cumsum, F.cumprod])
@pytest.mark.parametrize("axis", AXES)
def test_cumulative_grads(fn: Any, axis: Any) -> None:
    check_grads(lambda v: fn(v, axis=axis), [_with_zeros(1)], eps=1e-3)


@pytest.mark.parametrize("fn", [F.cumsum, F.cumprod])
def test_cumulative_grads_float16(fn: Any) -> None:
    check_grads_float16(lambda v: fn(v, axis=1), [uniform(2, (2, 3), numpy.float16, 0.5, 1.5)])


def test_cumprod_gradient_with_zeros() -> None:
    # checked against Chainer 7.8.1
    x = Variable(numpy.array([2.0, 0.0, 3.0]))
    F.sum(F.cumprod(x)).backward()
    assert grad(x).tolist() == [1.0, 8.0, 0.0]
    x = Variable(numpy.array([2.0, 0.0, 0.0, 4.0]))
    F.sum(F.cumprod(x)).backward()
    assert grad(x).tolist() == [1.0, 2.0, 0.0, 0.0]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [*AXES, (0, 2), ()])
@pytest.mark.parametrize("keepdims", [False, True])
def test_prod_forward(dtype: Any, axis: Any, keepdims: bool) -> None:
    x = uniform(3, (3, 4, 2), dtype, 0.5, 1.5)
    expected = numpy.prod(x.astype(float), axis=axis, keepdims=keepdims)
    assert_forward(F.prod(x, axis=axis, keepdims=keepdims), expected, dtype, scale=5)


@pytest.mark.parametrize("axis", [None, 1, (0, 2), ()])
@pytest.mark.parametrize("keepdims", [False, True])
def test_prod_grads(axis: Any, keepdims: bool) -> None:
    check_grads(lambda v: F.prod(v, axis=axis, keepdims=keepdims), [_with_zeros(4)])


def test_prod_grads_float16() -> None:
    check_grads_float16(lambda v: F.prod(v, axis=1), [uniform(5, (2, 3), numpy.float16, 0.5, 1.5)])


def test_prod_gradient_with_zeros() -> None:
    x = Variable(numpy.array([2.0, 0.0, 3.0]))
    F.prod(x).backward()
    assert grad(x).tolist() == [0.0, 6.0, 0.0]
    x = Variable(numpy.array([2.0, 0.0, 0.0]))
    F.prod(x).backward()
    assert grad(x).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(("fn", "label"), [(F.cumsum, "Cumsum"), (F.cumprod, "Cumprod")])
def test_cumulative_errors(fn: Any, label: str) -> None:
    with pytest.raises(InvalidType, match=rf"in: {label} \(Forward\)\n\nExpect: x\.ndim > 2"):
        fn(numpy.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match=r"axis must be an int, got tuple"):
        fn(numpy.zeros((2, 3)), axis=(0, 1))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        fn(numpy.zeros(3, numpy.int32))


def test_prod_errors() -> None:
    with pytest.raises(InvalidType, match=r"in: Prod \(Forward\)\n\nExpect: x\.ndim > 2"):
        F.prod(numpy.zeros((2, 3)), axis=2)
    with pytest.raises(ValueError, match="duplicate value in axis"):
        F.prod(numpy.zeros((2, 3)), axis=(1, -1))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        F.prod(numpy.zeros(3, numpy.int32))
