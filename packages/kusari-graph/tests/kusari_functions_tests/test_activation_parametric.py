"""crelu, prelu, swish, maxout and rrelu."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, using_config
from kusari.graph.type_check import InvalidType

from ._opcheck import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    data,
    global_seed,
    grad,
    uniform,
)


def _nonzero(seed: int, shape: tuple[int, ...], dtype: Any = float) -> Any:
    x = uniform(seed, shape, float)
    return numpy.where(abs(x) < 0.1, 0.3, x).astype(dtype)


def _expand(w: Any, x_ndim: int) -> Any:
    return w.reshape((1, *w.shape) + (1,) * (x_ndim - 1 - w.ndim))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_crelu_forward(dtype: Any, axis: int) -> None:
    x = uniform(0, (2, 3, 4), dtype)
    expected = numpy.concatenate([numpy.maximum(x, 0), numpy.maximum(-x, 0)], axis=axis)
    assert_forward(F.crelu(x, axis=axis), expected, dtype)


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_crelu_grads(axis: int) -> None:
    check_grads(lambda v: F.crelu(v, axis=axis), [_nonzero(1, (2, 3, 2))])
    check_grads_float16(lambda v: F.crelu(v, axis=axis), [_nonzero(2, (2, 3, 2), numpy.float16)])


def test_crelu_values_at_zero() -> None:
    # checked against Chainer 7.8.1
    x = Variable(numpy.array([[-1.0, 0.0, 1.0]]))
    F.sum(F.crelu(x) * numpy.arange(6.0)).backward()
    assert grad(x).tolist() == [[-3.0, 0.0, 2.0]]
    with pytest.raises(InvalidType, match=r"in: CReLU \(Forward\)\n\nExpect: x\.ndim > 2"):
        F.crelu(numpy.zeros((2, 6)), axis=2)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("w_shape", [(3,), (3, 4), ()])
def test_prelu_forward(dtype: Any, w_shape: Any) -> None:
    x = uniform(3, (2, 3, 4), dtype)
    w = uniform(4, w_shape, dtype, 0, 1)
    expected = numpy.where(x >= 0, x, x * _expand(w, x.ndim))
    assert_forward(F.prelu(x, w), expected, dtype)


@pytest.mark.parametrize("w_shape", [(3,), (3, 4), ()])
def test_prelu_grads(w_shape: Any) -> None:
    x, w = _nonzero(5, (2, 3, 4)), uniform(6, w_shape, float, 0, 1)
    check_grads(F.prelu, [x, w])


def test_prelu_at_zero_and_errors() -> None:
    x = Variable(numpy.array([[-1.0, 0.0, 1.0]]))
    w = Variable(numpy.array([0.5, 0.5, 0.5]))
    y = F.prelu(x, w)
    F.sum(y).backward()
    assert data(y).tolist() == [[-0.5, 0.0, 1.0]]
    assert grad(x).tolist() == [[0.5, 1.0, 1.0]]
    assert grad(w).tolist() == [-1.0, 0.0, 0.0]
    with pytest.raises(
        InvalidType,
        match=r"in: PReLU \(Forward\)\n\n"
        r"Expect: x\.shape\[1:2\] == W\.shape\nActual: \(2,\) != \(3,\)",
    ):
        F.prelu(numpy.zeros((2, 2)), numpy.zeros(3))
    with pytest.raises(InvalidType, match=r"Expect: x\.ndim >= W\.ndim \+ 1"):
        F.prelu(numpy.zeros(2), numpy.zeros(2))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype == W\.dtype"):
        F.prelu(numpy.zeros((2, 2)), numpy.zeros(2, numpy.float32))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("b_shape", [(3,), (3, 4)])
def test_swish_forward(dtype: Any, b_shape: Any) -> None:
    x = uniform(7, (2, 3, 4), dtype, -2, 2)
    beta = uniform(8, b_shape, dtype, 0, 2)
    x64 = x.astype(float)
    expected = x64 / (1 + numpy.exp(-_expand(beta.astype(float), 3) * x64))
    assert_forward(F.swish(x, beta), expected, dtype, scale=2)


@pytest.mark.parametrize("b_shape", [(3,), (3, 4)])
def test_swish_grads(b_shape: Any) -> None:
    check_grads(F.swish, [uniform(9, (2, 3, 4), float), uniform(10, b_shape, float, 0, 2)])
    check_grads_float16(
        F.swish, [uniform(9, (2, 3, 4), numpy.float16), uniform(10, b_shape, numpy.float16, 0, 2)]
    )


def test_swish_errors() -> None:
    with pytest.raises(
        InvalidType,
        match=r"in: Swish \(Forward\)\n\n"
        r"Expect: beta\.shape == x\.shape\[1:2\]\nActual: \(2,\) != \(3,\)",
    ):
        F.swish(numpy.zeros((2, 3, 2)), numpy.zeros(2))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("pool", "axis"), [(3, 1), (2, 1), (2, 0), (6, -1)])
def test_maxout_forward(dtype: Any, pool: int, axis: int) -> None:
    x = numpy.random.default_rng(0).permutation(24).reshape(4, 6).astype(dtype)
    moved = numpy.moveaxis(x, axis, -1)
    expected = numpy.moveaxis(moved.reshape(*moved.shape[:-1], -1, pool).max(axis=-1), -1, axis)
    assert_forward(F.maxout(x, pool, axis=axis), expected, dtype)


def test_maxout_grads_and_errors() -> None:
    x = numpy.random.default_rng(1).permutation(24).reshape(4, 6) / 24.0
    check_grads(lambda v: F.maxout(v, 3), [x])
    with pytest.raises(
        InvalidType,
        match=r"in: Maxout \(Forward\)\n\n"
        r"Expect: x\.shape\[1\] % pool_size == 0\nActual: 6 % 4 == 2",
    ):
        F.maxout(x, 4)
    with pytest.raises(ValueError, match="pool_size must be a positive integer, got 0"):
        F.maxout(x, 0)
    with pytest.raises(TypeError, match="pool_size must be an int, got float"):
        F.maxout(x, 2.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidType, match=r"Expect: x\.ndim > 2"):
        F.maxout(x, 2, axis=2)


@pytest.mark.parametrize("dtype", FLOATS)
def test_rrelu_training_draws_slopes(dtype: Any) -> None:
    x = -numpy.ones((2, 3), dtype)
    with global_seed(0):
        y, r = F.rrelu(x, return_r=True)
    expected = numpy.random.RandomState(0).uniform(1 / 8, 1 / 3, (2, 3)).astype(dtype)
    assert r.dtype == dtype
    numpy.testing.assert_array_equal(r, expected)
    numpy.testing.assert_array_equal(data(y), -expected)


def test_rrelu_test_mode_and_given_r() -> None:
    x = numpy.array([-1.0, 0.0, 2.0])
    with using_config("train", False):
        y, r = F.rrelu(x, return_r=True)
    numpy.testing.assert_allclose(r, (1 / 8 + 1 / 3) / 2)
    numpy.testing.assert_allclose(data(y), [-(1 / 8 + 1 / 3) / 2, 0.0, 2.0])
    v = Variable(x)
    y = F.rrelu(v, r=numpy.full(3, 0.2))
    F.sum(y).backward()
    assert grad(v).tolist() == [0.2, 1.0, 1.0]  # the gradient at 0 is 1, as in Chainer


def test_rrelu_grads_and_errors() -> None:
    r = uniform(11, (2, 3), float, 0.1, 0.3)
    check_grads(lambda v: F.rrelu(v, r=r), [_nonzero(12, (2, 3))])
    with pytest.raises(ValueError, match=r"lower must be less than upper, got l=0\.5, u=0\.2"):
        F.rrelu(numpy.zeros(2), l=0.5, u=0.2)
    with pytest.raises(ValueError, match=r"r has shape \(3,\), but x has shape \(2,\)"):
        F.rrelu(numpy.zeros(2), r=numpy.zeros(3))
    with pytest.raises(TypeError, match="r must be an array or None, got list"):
        F.rrelu(numpy.zeros(2), r=[0.1, 0.2])  # type: ignore[call-overload]
