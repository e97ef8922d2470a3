"""Elementwise math: log2, log10, log1p, expm1, tan, arc*, sinh, cosh, erf, erfc, erfinv."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, data, grad, uniform

_erf = numpy.vectorize(math.erf)
_erfc = numpy.vectorize(math.erfc)

# name: (function, float64 reference, low, high)
CASES: dict[str, tuple[Callable[[Any], Variable], Callable[[Any], Any], float, float]] = {
    "log2": (F.log2, numpy.log2, 0.5, 3.0),
    "log10": (F.log10, numpy.log10, 0.5, 3.0),
    "log1p": (F.log1p, numpy.log1p, -0.5, 2.0),
    "expm1": (F.expm1, numpy.expm1, -1.0, 1.0),
    "tan": (F.tan, numpy.tan, -1.0, 1.0),
    "arcsin": (F.arcsin, numpy.arcsin, -0.8, 0.8),
    "arccos": (F.arccos, numpy.arccos, -0.8, 0.8),
    "arctan": (F.arctan, numpy.arctan, -2.0, 2.0),
    "arctanh": (F.arctanh, numpy.arctanh, -0.8, 0.8),
    "sinh": (F.sinh, numpy.sinh, -2.0, 2.0),
    "cosh": (F.cosh, numpy.cosh, -2.0, 2.0),
    "erf": (F.erf, _erf, -3.0, 3.0),
    "erfc": (F.erfc, _erfc, -3.0, 3.0),
    "erfinv": (F.erfinv, None, -0.9, 0.9),  # type: ignore[dict-item]
}


def _erfinv_reference(y: Any) -> Any:
    # invert math.erf by bisection (independent of the implementation under test)
    low, high = numpy.full(y.shape, -6.0), numpy.full(y.shape, 6.0)
    for _ in range(80):
        mid = (low + high) / 2
        above = _erf(mid) > y
        high = numpy.where(above, mid, high)
        low = numpy.where(above, low, mid)
    return (low + high) / 2


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(), (7,), (2, 3)])
def test_forward(name: str, dtype: Any, shape: tuple[int, ...]) -> None:
    fn, ref, low, high = CASES[name]
    x = uniform(0, shape, dtype, low, high)
    x64 = x.astype(numpy.float64)
    expected = _erfinv_reference(x64) if name == "erfinv" else ref(x64)
    assert_forward(fn(x), expected, dtype)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads(name: str) -> None:
    fn, _, low, high = CASES[name]
    check_grads(fn, [uniform(1, (2, 3), numpy.float64, low, high)], seed=2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads_float16(name: str) -> None:
    fn, _, low, high = CASES[name]
    check_grads_float16(fn, [uniform(3, (2, 3), numpy.float16, low, high)], eps=1e-2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_integer_input_is_rejected(name: str) -> None:
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'\nActual: i != f"):
        CASES[name][0](numpy.arange(3))


def test_erf_and_erfc_are_accurate_everywhere() -> None:
    x = numpy.concatenate(
        [numpy.linspace(-30, 30, 6001), numpy.linspace(-1, 1, 2001), [0.5, 4.0, 1e-300]]
    )
    erf = data(F.erf(x))
    ref = _erf(x)
    nonzero = ref != 0
    rel = numpy.abs(erf - ref)[nonzero] / numpy.abs(ref[nonzero])
    assert rel.max() < 1e-13
    erfc = data(F.erfc(x))
    ref = _erfc(x)
    normal = ref > 1e-300
    assert (numpy.abs(erfc - ref)[normal] / ref[normal]).max() < 1e-13
    assert numpy.all(erfc[~normal] < 1e-290)
    assert data(F.erf(numpy.array([-numpy.inf, numpy.inf]))).tolist() == [-1.0, 1.0]


def test_erfinv_inverts_erf_up_to_the_ends() -> None:
    tail = 1 - numpy.logspace(-15, -1, 50)
    y = numpy.concatenate([numpy.linspace(-0.999, 0.999, 501), tail, -tail])
    x = data(F.erfinv(y))
    numpy.testing.assert_allclose(_erf(x), y, rtol=0, atol=3e-16)
    # in the tails the complement keeps its digits
    numpy.testing.assert_allclose(_erfc(x[-100:-50]), 1 - tail, rtol=1e-12)
    special = data(F.erfinv(numpy.array([0.5, 1.0, -1.0, 1.5, 0.0])))
    numpy.testing.assert_allclose(special[0], 0.4769362762044699, rtol=1e-15)
    assert special[1:3].tolist() == [numpy.inf, -numpy.inf]
    assert numpy.isnan(special[3])
    assert special[4] == 0.0


def test_erf_float32_speed_path_dtype() -> None:
    x = numpy.array([[0.25, -1.5]], numpy.float32)
    for fn in (F.erf, F.erfc, F.erfinv):
        assert fn(x).dtype == numpy.float32


def test_expm1_and_log1p_keep_small_values() -> None:
    x = numpy.array([1e-12, -1e-12])
    numpy.testing.assert_allclose(data(F.expm1(x)), x, rtol=1e-11)
    numpy.testing.assert_allclose(data(F.log1p(x)), x, rtol=1e-11)


def test_sinh_cosh_second_derivative() -> None:
    # d2/dx2 sinh = sinh and d2/dx2 cosh = cosh, through the mutual backward
    for fn, expected in ((F.sinh, numpy.sinh), (F.cosh, numpy.cosh)):
        x = Variable(numpy.array([0.5, -1.0]))
        y = F.sum(fn(x))
        y.backward(enable_double_backprop=True)
        gx = x.grad_var
        assert gx is not None
        x.cleargrad()
        F.sum(gx).backward()
        numpy.testing.assert_allclose(grad(x), expected(data(x)))
