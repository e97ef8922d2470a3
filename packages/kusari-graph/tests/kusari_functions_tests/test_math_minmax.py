"""max, min, argmax and argmin."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16

AXES: list[Any] = [None, 0, 1, -1, (0, 2), (0, 1, 2), ()]


def _distinct(shape: tuple[int, ...], dtype: Any, seed: int = 0) -> Any:
    """Values without ties (a permutation), so that the gradient is well defined."""
    size = int(numpy.prod(shape))
    values = numpy.random.default_rng(seed).permutation(size).reshape(shape) / size - 0.5
    return values.astype(dtype)


@pytest.mark.parametrize(("fn", "ref"), [(F.max, numpy.max), (F.min, numpy.min)])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_forward(fn: Any, ref: Any, dtype: Any, axis: Any, keepdims: bool) -> None:
    x = _distinct((2, 3, 4), dtype)
    y = fn(x, axis=axis, keepdims=keepdims)
    assert_forward(y, ref(x, axis=axis, keepdims=keepdims), dtype)


@pytest.mark.parametrize("fn", [F.max, F.min])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_grads(fn: Any, axis: Any, keepdims: bool) -> None:
    check_grads(lambda v: fn(v, axis=axis, keepdims=keepdims), [_distinct((2, 3, 4), float)])


@pytest.mark.parametrize("fn", [F.max, F.min])
def test_grads_float16(fn: Any) -> None:
    check_grads_float16(lambda v: fn(v, axis=1), [_distinct((3, 4), numpy.float16)])


def test_ties_all_get_the_gradient() -> None:
    # Chainer's rule: every element equal to the result receives the output gradient.
    x = Variable(numpy.array([1.0, 3.0, 3.0]))
    F.max(x).backward()
    assert x.grad is not None
    assert x.grad.tolist() == [0.0, 1.0, 1.0]
    x = Variable(numpy.array([[1.0, 1.0], [2.0, 0.0]]))
    y = F.min(x, axis=1)
    y.grad = numpy.array([2.0, 3.0])
    y.backward()
    assert x.grad is not None
    assert x.grad.tolist() == [[2.0, 2.0], [0.0, 3.0]]


@pytest.mark.parametrize(("fn", "label"), [(F.max, "Max"), (F.min, "Min")])
def test_errors(fn: Any, label: str) -> None:
    x = numpy.zeros((2, 3))
    with pytest.raises(
        InvalidType, match=rf"in: {label} \(Forward\)\n\nExpect: x\.ndim > 2\nActual: 2 <= 2"
    ):
        fn(x, axis=2)
    with pytest.raises(InvalidType, match=r"Expect: x\.ndim >= 3\nActual: 2 < 3"):
        fn(x, axis=(0, -3))
    with pytest.raises(ValueError, match=r"duplicate value in axis: \(0, -2\)"):
        fn(x, axis=(0, -2))
    with pytest.raises(
        TypeError, match=r"axis must be None, an int or a tuple of ints, got float"
    ):
        fn(x, axis=1.5)
    with pytest.raises(TypeError, match=r"each axis must be an int, got str"):
        fn(x, axis=(0, "1"))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'\nActual: i != f"):
        fn(numpy.zeros(3, numpy.int32))
    with pytest.raises(ValueError, match="zero-size array"):
        fn(numpy.zeros((0, 3)), axis=0)


@pytest.mark.parametrize(("fn", "ref"), [(F.argmax, numpy.argmax), (F.argmin, numpy.argmin)])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_arg_forward(fn: Any, ref: Any, dtype: Any, axis: Any) -> None:
    x = _distinct((3, 4), dtype)
    x[0, :] = x[1, :]  # ties: the first index wins, as in NumPy
    y = fn(x, axis=axis)
    assert isinstance(y, Variable)
    assert y.dtype == numpy.int32
    numpy.testing.assert_array_equal(y.array, ref(x, axis=axis))


@pytest.mark.parametrize("fn", [F.argmax, F.argmin])
def test_arg_has_no_gradient(fn: Any) -> None:
    x = Variable(_distinct((3, 4), float))
    y = fn(x, axis=1)
    assert y.requires_grad  # as in Chainer: the flag propagates, the gradient does not
    z = F.sum(x * 1.0)
    z.backward()
    assert x.grad is not None
    assert y.creator_node is not None
    assert y.creator_node.backward((0,), (None,)) == (None,)


@pytest.mark.parametrize(("fn", "label"), [(F.argmax, "ArgMax"), (F.argmin, "ArgMin")])
def test_arg_errors(fn: Any, label: str) -> None:
    x = numpy.zeros((2, 3))
    with pytest.raises(InvalidType, match=rf"in: {label} \(Forward\)\n\nExpect: x\.ndim > 2"):
        fn(x, axis=2)
    with pytest.raises(TypeError, match=r"axis must be None or an int, got a tuple \(\(0, 1\)\)"):
        fn(x, axis=(0, 1))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        fn(numpy.zeros(3, numpy.int64))
