"""sign, floor, ceil, fix and floordiv (no gradient)."""

from __future__ import annotations

import operator
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, data

CASES = [(F.sign, numpy.sign), (F.floor, numpy.floor), (F.ceil, numpy.ceil), (F.fix, numpy.trunc)]


@pytest.mark.parametrize(("fn", "ref"), CASES)
@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
def test_values_and_dtype(fn: Any, ref: Any, dtype: Any) -> None:
    x = numpy.array([[-2.5, -0.5, 0.0], [0.5, 1.5, 3.0]]).astype(dtype)
    y = fn(x)
    assert isinstance(y, Variable)
    assert y.dtype == dtype
    numpy.testing.assert_array_equal(data(y), ref(x).astype(dtype))


@pytest.mark.parametrize(("fn", "ref"), CASES)
def test_outside_the_graph(fn: Any, ref: Any) -> None:
    x = Variable(numpy.array([1.5, -1.5]))
    y = fn(x)
    assert y is not x
    assert not y.requires_grad
    assert y.creator_node is None


@pytest.mark.parametrize(("fn", "ref"), CASES)
def test_bad_input(fn: Any, ref: Any) -> None:
    with pytest.raises(TypeError, match="x must be a Variable or an array, got list"):
        fn([1.0])


def test_floordiv_operator() -> None:
    # operator.floordiv: Variable declares no typed __floordiv__ stub for mypy (yet)
    x = Variable(numpy.array([3.5, -2.5], numpy.float32))
    y = operator.floordiv(x, 2)
    assert isinstance(y, Variable)
    assert y.dtype == numpy.float32
    assert data(y).tolist() == [1.0, -2.0]
    assert not y.requires_grad
    assert y.creator_node is None
    assert data(operator.floordiv(7, x)).tolist() == [2.0, -3.0]
    assert data(operator.floordiv(x, x)).tolist() == [1.0, 1.0]
    z = operator.floordiv(numpy.array([7.0, 7.0]), x)
    assert isinstance(z, Variable)
    assert z.dtype == numpy.float32


def test_floordiv_rounds_the_quotient_first() -> None:
    # Chainer computes floor(x / y), unlike numpy.floor_divide (which gives 9.0 here)
    assert data(F.floordiv(numpy.array([1.0]), 0.1)).tolist() == [10.0]
    x = Variable(numpy.array([1.0, 2.0]))
    assert data(F.floordiv(x, numpy.array([0.5, 0.5], numpy.float32))).dtype == numpy.float64


def test_floordiv_errors() -> None:
    with pytest.raises(TypeError, match="at least one operand must be a Variable or an array"):
        F.floordiv(1.0, 2.0)
    with pytest.raises(TypeError, match="rhs must be a Variable, an array or a scalar, got str"):
        F.floordiv(numpy.ones(2), "2")  # type: ignore[arg-type]
    with pytest.raises(
        InvalidType, match=r"in: FloorDiv \(Forward\)\n\nExpect: lhs\.dtype == rhs\.dtype"
    ):
        F.floordiv(Variable(numpy.ones(2)), Variable(numpy.ones(2, numpy.float32)))
