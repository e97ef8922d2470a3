"""Normal-distribution and error-function specials: ndtr, log_ndtr, ndtri, erfcx, erfcinv."""

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

special = pytest.importorskip("scipy.special")

# name: (function, label, float64 reference, low, high)
CASES: dict[str, tuple[Callable[[Any], Variable], str, Callable[[Any], Any], float, float]] = {
    "ndtr": (F.ndtr, "Ndtr", lambda x: special.ndtr(x), -3.0, 3.0),
    "log_ndtr": (F.log_ndtr, "LogNdtr", lambda x: special.log_ndtr(x), -6.0, 3.0),
    "erfcx": (F.erfcx, "Erfcx", lambda x: special.erfcx(x), -2.0, 4.0),
    "ndtri": (F.ndtri, "Ndtri", lambda x: special.ndtri(x), 0.02, 0.98),
    "erfcinv": (F.erfcinv, "ErfcInv", lambda x: special.erfcinv(x), 0.05, 1.95),
}


def _max_relative_error(actual: Any, expected: Any) -> float:
    mask = numpy.isfinite(expected) & (expected != 0)
    return float((abs(actual[mask] - expected[mask]) / abs(expected[mask])).max())


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(), (7,), (2, 3)])
def test_forward(name: str, dtype: Any, shape: tuple[int, ...]) -> None:
    fn, _, ref, low, high = CASES[name]
    x = uniform(0, shape, dtype, low, high)
    assert_forward(fn(x), ref(x.astype(numpy.float64)), dtype)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads(name: str) -> None:
    fn, _, _, low, high = CASES[name]
    check_grads(fn, [uniform(1, (2, 3), numpy.float64, low, high)], seed=2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads_float16(name: str) -> None:
    fn, _, _, low, high = CASES[name]
    check_grads_float16(fn, [uniform(3, (2, 3), numpy.float16, low, high)], eps=1e-2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_integer_input_is_rejected(name: str) -> None:
    fn, label, *_ = CASES[name]
    with pytest.raises(
        InvalidType,
        match=rf"in: {label} \(Forward\)\n\nExpect: x\.dtype\.kind == 'f'\nActual: i != f",
    ):
        fn(numpy.arange(3))


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32_keeps_its_dtype(name: str) -> None:
    y = CASES[name][0](numpy.array([[0.25, 0.75]], numpy.float32))
    assert y.dtype == numpy.float32


_GRID = numpy.concatenate(
    [
        numpy.linspace(-40, 40, 80001),
        -numpy.logspace(-300, 150, 901),
        numpy.logspace(-300, 150, 901),
    ]
)


def test_ndtr_matches_scipy_in_both_tails() -> None:
    y = data(F.ndtr(_GRID))
    expected = special.ndtr(_GRID)
    normal = expected > 1e-300  # subnormal results have fewer digits
    assert _max_relative_error(y[normal], expected[normal]) < 1e-13
    # SciPy flushes to 0 from about -37.5 on; the subnormal values here are still right
    assert ((y[~normal] >= 0) & (y[~normal] < 1e-300)).all()
    deep = numpy.array([-37.7, -38.2])
    log_density = -(deep**2) / 2 - numpy.log(-deep * math.sqrt(2 * math.pi))
    numpy.testing.assert_allclose(data(F.ndtr(deep)), numpy.exp(log_density), rtol=1e-2)
    special_values = data(F.ndtr(numpy.array([-numpy.inf, numpy.inf, numpy.nan, 0.0])))
    assert special_values[[0, 1, 3]].tolist() == [0.0, 1.0, 0.5]
    assert numpy.isnan(special_values[2])


def test_ndtr_backward_is_the_normal_density() -> None:
    x = Variable(numpy.array([-2.0, 0.0, 1.5]))
    y = F.sum(F.ndtr(x))
    y.backward(enable_double_backprop=True)
    density = numpy.exp(-(data(x) ** 2) / 2) / math.sqrt(2 * math.pi)
    numpy.testing.assert_allclose(grad(x), density, rtol=1e-15)
    gx = x.grad_var
    assert gx is not None
    x.cleargrad()
    F.sum(gx).backward()
    numpy.testing.assert_allclose(grad(x), -data(x) * density, rtol=1e-15)


def test_log_ndtr_matches_scipy_far_into_both_tails() -> None:
    x = numpy.concatenate([_GRID, -numpy.logspace(150, 153, 10), [-1e200]])
    with numpy.errstate(over="ignore"):
        expected = special.log_ndtr(x)
    y = data(F.log_ndtr(x))
    normal = abs(expected) > 1e-300
    assert _max_relative_error(y[normal], expected[normal]) < 1e-13
    assert ((y[~normal] <= 0) & (y[~normal] > -1e-300)).all()  # log1p(-tiny), as above
    # far below, log(Phi(x)) = -x**2 / 2 - log(-x sqrt(2 pi)) - 1 / x**2 + ...
    far = numpy.array([-1e3, -1e5, -1e8])
    asymptotic = -(far**2) / 2 - numpy.log(-far * math.sqrt(2 * math.pi)) - 1 / far**2
    numpy.testing.assert_allclose(data(F.log_ndtr(far)), asymptotic, rtol=1e-15)
    ends = data(F.log_ndtr(numpy.array([-numpy.inf, numpy.inf, numpy.nan])))
    assert ends[:2].tolist() == [-numpy.inf, 0.0]
    assert numpy.isnan(ends[2])


def test_log_ndtr_gradient_is_stable_in_the_lower_tail() -> None:
    # pdf / Phi ~ -x for x -> -inf, where both pdf and Phi underflow
    x = Variable(numpy.array([-10.0, -40.0, -1e5, 5.0, 40.0]))
    F.sum(F.log_ndtr(x)).backward()
    expected = numpy.exp(
        -(data(x) ** 2) / 2 - math.log(math.sqrt(2 * math.pi)) - special.log_ndtr(data(x))
    )
    numpy.testing.assert_allclose(grad(x)[:2], expected[:2], rtol=1e-13)
    numpy.testing.assert_allclose(grad(x)[2], 1e5 + 1e-5, rtol=1e-15)
    numpy.testing.assert_allclose(grad(x)[3:], expected[3:], rtol=1e-13, atol=1e-300)


def test_log_ndtr_grads_in_the_lower_tail() -> None:
    check_grads(F.log_ndtr, [numpy.array([-30.0, -12.5, -8.0])], eps=1e-4, rtol=1e-4)


def test_erfcx_matches_scipy() -> None:
    x = numpy.concatenate([_GRID, [-26.6, -26.7, -1e300, 1e300, 1e-300]])
    with numpy.errstate(over="ignore"):
        expected = special.erfcx(x)
    y = data(F.erfcx(x))
    finite = numpy.isfinite(expected)
    assert _max_relative_error(y[finite], expected[finite]) < 1e-13
    assert numpy.isinf(y[~finite]).all()
    ends = data(F.erfcx(numpy.array([-numpy.inf, numpy.inf, numpy.nan])))
    assert ends[:2].tolist() == [numpy.inf, 0.0]
    assert numpy.isnan(ends[2])


def test_ndtri_matches_scipy_in_both_tails() -> None:
    tail = numpy.logspace(-300, -1, 1201)
    p = numpy.concatenate([numpy.linspace(0, 1, 20001), tail, 1 - numpy.logspace(-16, -1, 301)])
    y = data(F.ndtri(p))
    assert _max_relative_error(y, special.ndtri(p)) < 1e-13
    # the inverse: Phi(ndtri(p)) = p up to the condition number of Phi (about y**2 eps)
    numpy.testing.assert_allclose(special.ndtr(data(F.ndtri(tail))), tail, rtol=1e-12)
    subnormal = data(F.ndtri(numpy.array([1e-310, 5e-324])))
    # computed with mpmath at 40 digits
    numpy.testing.assert_allclose(
        subnormal, [-37.663060331949524, -38.467405617144344], rtol=1e-14
    )
    ends = data(F.ndtri(numpy.array([0.0, 1.0, 0.5, -0.5, 1.5, numpy.nan])))
    assert ends[:3].tolist() == [-numpy.inf, numpy.inf, 0.0]
    assert numpy.isnan(ends[3:]).all()


def test_ndtri_backward_is_one_over_the_density() -> None:
    p = Variable(numpy.array([1e-10, 0.3, 0.99]))
    F.sum(F.ndtri(p)).backward()
    y = special.ndtri(data(p))
    numpy.testing.assert_allclose(
        grad(p), math.sqrt(2 * math.pi) * numpy.exp(y**2 / 2), rtol=1e-13
    )


def test_erfcinv_matches_scipy_to_the_ends() -> None:
    tail = numpy.logspace(-300, -1, 1201)
    x = numpy.concatenate([numpy.linspace(0, 2, 20001), tail, 2 - tail[-600:], [5e-324]])
    y = data(F.erfcinv(x))
    assert _max_relative_error(y, special.erfcinv(x)) < 1e-13
    numpy.testing.assert_allclose(special.erfc(data(F.erfcinv(tail))), tail, rtol=1e-12)
    ends = data(F.erfcinv(numpy.array([0.0, 2.0, 1.0, -0.5, 2.5, numpy.nan])))
    assert ends[:3].tolist() == [numpy.inf, -numpy.inf, 0.0]
    assert numpy.isnan(ends[3:]).all()


def test_erfcinv_backward() -> None:
    x = Variable(numpy.array([1e-20, 0.7, 1.9]))
    F.sum(F.erfcinv(x)).backward()
    y = special.erfcinv(data(x))
    numpy.testing.assert_allclose(grad(x), -math.sqrt(math.pi) / 2 * numpy.exp(y**2), rtol=1e-13)


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("no CUDA device")
    x = numpy.concatenate([numpy.linspace(-40, 40, 801), [-1e200, numpy.inf]])
    p = numpy.concatenate([numpy.linspace(0, 1, 101), numpy.logspace(-300, -1, 50)])
    functions = [F.ndtr, F.log_ndtr, F.erfcx, F.ndtri, F.erfcinv]
    for fn, arg in zip(functions, (x, x, x, p, 2 * p), strict=True):
        expected = data(fn(arg))
        v = Variable(cupy.asarray(arg))
        y = fn(v)
        assert isinstance(y.array, cupy.ndarray)
        numpy.testing.assert_allclose(cupy.asnumpy(y.array), expected, rtol=1e-13)
    a = numpy.array([[4.0, 2.0], [2.0, 5.0]])
    lower = F.cholesky(cupy.asarray(a))
    numpy.testing.assert_allclose(cupy.asnumpy(lower.array), numpy.linalg.cholesky(a))
