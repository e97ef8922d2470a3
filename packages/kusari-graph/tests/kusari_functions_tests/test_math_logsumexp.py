"""logsumexp."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, data, uniform


def _ref(x: Any, axis: Any) -> Any:
    return numpy.log(numpy.exp(x.astype(numpy.float64)).sum(axis=axis))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), ()])
def test_forward(dtype: Any, axis: Any) -> None:
    x = uniform(0, (2, 3, 4), dtype, -2, 2)
    assert_forward(F.logsumexp(x, axis=axis), _ref(x, axis), dtype)


def test_zero_dimensional() -> None:
    assert_forward(F.logsumexp(numpy.array(1.5)), 1.5, numpy.float64)
    check_grads(F.logsumexp, [numpy.array(0.5)])


@pytest.mark.parametrize("axis", [None, 1, (0, 2)])
def test_grads(axis: Any) -> None:
    check_grads(lambda v: F.logsumexp(v, axis=axis), [uniform(1, (2, 3, 4), float, -2, 2)])


def test_grads_float16() -> None:
    check_grads_float16(lambda v: F.logsumexp(v, axis=1), [uniform(2, (3, 4), numpy.float16)])


def test_large_and_infinite_inputs() -> None:
    x = numpy.array([[1000.0, 1000.0], [-numpy.inf, 0.0]])
    numpy.testing.assert_allclose(
        data(F.logsumexp(x, axis=1)), numpy.array([1000 + numpy.log(2), 0.0])
    )


def test_errors() -> None:
    with pytest.raises(InvalidType, match=r"in: LogSumExp \(Forward\)\n\nExpect: x\.ndim > 2"):
        F.logsumexp(numpy.zeros((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"duplicate value in axis: \(1, 1\)"):
        F.logsumexp(numpy.zeros((2, 3)), axis=(1, 1))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        F.logsumexp(numpy.zeros(3, numpy.int32))
