"""maximum and minimum."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, uniform

SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((1, 4), (3, 1)), ((), (2,))]
CASES = [(F.maximum, numpy.maximum), (F.minimum, numpy.minimum)]


def _pair(shapes: tuple[tuple[int, ...], tuple[int, ...]], dtype: Any, seed: int) -> Any:
    a = uniform(seed, shapes[0], dtype)
    b = uniform(seed + 1, shapes[1], dtype)
    # keep the two apart, so that the selection does not flip under a small step
    gap = numpy.abs(a - b)
    b = numpy.where(gap < 0.05, b + 0.2, b) if b.shape == numpy.broadcast(a, b).shape else b
    return a, b.astype(dtype)


@pytest.mark.parametrize(("fn", "ref"), CASES)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes", SHAPES)
def test_forward(fn: Any, ref: Any, dtype: Any, shapes: Any) -> None:
    a, b = _pair(shapes, dtype, 0)
    assert_forward(fn(a, b), ref(a, b), dtype)


@pytest.mark.parametrize(("fn", "ref"), CASES)
@pytest.mark.parametrize("shapes", SHAPES)
def test_grads(fn: Any, ref: Any, shapes: Any) -> None:
    a, b = _pair(shapes, numpy.float64, 2)
    check_grads(fn, [a, b])


@pytest.mark.parametrize(("fn", "ref"), CASES)
def test_grads_float16(fn: Any, ref: Any) -> None:
    a = numpy.array([[0.5, -0.5], [0.25, 0.75]], numpy.float16)
    b = numpy.array([[0.0, 0.0], [0.5, 0.25]], numpy.float16)
    check_grads_float16(fn, [a, b], eps=1e-2)


def test_ties_go_to_the_first_input() -> None:
    for fn in (F.maximum, F.minimum):
        a = Variable(numpy.array([1.0, 2.0, 3.0]))
        b = Variable(numpy.array([3.0, 2.0, 1.0]))
        F.sum(fn(a, b)).backward()
        assert a.grad is not None
        assert b.grad is not None
        assert a.grad[1] == 1.0
        assert b.grad[1] == 0.0
        numpy.testing.assert_array_equal(a.grad + b.grad, 1.0)


@pytest.mark.parametrize(("fn", "label"), [(F.maximum, "Maximum"), (F.minimum, "Minimum")])
def test_errors(fn: Any, label: str) -> None:
    with pytest.raises(
        InvalidType, match=rf"in: {label} \(Forward\)\n\nExpect: x1\.dtype == x2\.dtype"
    ):
        fn(numpy.zeros(3), numpy.zeros(3, numpy.float32))
    with pytest.raises(InvalidType, match=r"cannot broadcast inputs of the following shapes"):
        fn(numpy.zeros(3), numpy.zeros(2))
    with pytest.raises(InvalidType, match=r"Expect: x1\.dtype\.kind == 'f'"):
        fn(numpy.zeros(3, numpy.int32), numpy.zeros(3, numpy.int32))
