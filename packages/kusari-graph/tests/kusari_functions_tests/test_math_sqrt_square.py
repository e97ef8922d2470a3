"""sqrt, rsqrt and square."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, uniform

CASES: dict[str, tuple[Any, Any, tuple[float, float]]] = {
    "sqrt": (F.sqrt, numpy.sqrt, (0.5, 3.0)),
    "rsqrt": (F.rsqrt, lambda x: 1 / numpy.sqrt(x), (0.5, 3.0)),
    "square": (F.square, numpy.square, (-2.0, 2.0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_forward(name: str, dtype: Any, shape: tuple[int, ...]) -> None:
    fn, ref, (low, high) = CASES[name]
    x = uniform(0, shape, dtype, low, high)
    assert_forward(fn(x), ref(x.astype(numpy.float64)), dtype)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("shape", [(), (2, 3)])
def test_grads(name: str, shape: tuple[int, ...]) -> None:
    fn, _, (low, high) = CASES[name]
    check_grads(fn, [uniform(1, shape, numpy.float64, low, high)], seed=2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads_float16(name: str) -> None:
    fn, _, (low, high) = CASES[name]
    check_grads_float16(fn, [uniform(3, (2, 3), numpy.float16, low, high)], eps=1e-2)


def test_sqrt_gradient_at_zero_is_infinite() -> None:
    x = Variable(numpy.array([0.0, 4.0]))
    with numpy.errstate(divide="ignore"):
        F.sum(F.sqrt(x)).backward()
    assert x.grad is not None
    assert x.grad.tolist() == [numpy.inf, 0.25]


@pytest.mark.parametrize("fn", [F.sqrt, F.rsqrt, F.square])
def test_integer_input_is_rejected(fn: Any) -> None:
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'\nActual: i != f"):
        fn(numpy.arange(3))
