"""Special functions of the gamma family: lgamma, digamma, polygamma, zeta (SciPy reference)."""

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

EULER_GAMMA = 0.5772156649015329

# name: (function, float64 reference, low, high)
CASES: dict[str, tuple[Callable[[Any], Variable], Callable[[Any], Any], float, float]] = {
    "lgamma": (F.lgamma, lambda x: special.gammaln(x), 0.2, 5.0),
    "digamma": (F.digamma, lambda x: special.digamma(x), 0.2, 5.0),
}


def _max_relative_error(actual: Any, expected: Any) -> float:
    mask = numpy.isfinite(expected) & (expected != 0)
    return float((abs(actual[mask] - expected[mask]) / abs(expected[mask])).max())


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(), (7,), (2, 3)])
def test_forward(name: str, dtype: Any, shape: tuple[int, ...]) -> None:
    fn, ref, low, high = CASES[name]
    x = uniform(0, shape, dtype, low, high)
    expected = ref(x.astype(numpy.float64))
    assert_forward(fn(x), expected, dtype, scale=10 if dtype == numpy.float16 else 1)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads(name: str) -> None:
    fn, _, low, high = CASES[name]
    check_grads(fn, [uniform(1, (2, 3), numpy.float64, low, high)], seed=2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads_on_the_negative_axis(name: str) -> None:
    fn = CASES[name][0]
    x = numpy.array([-2.7, -1.4, -0.6, -3.2])
    check_grads(fn, [x], seed=4, eps=1e-4, rtol=1e-3)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads_float16(name: str) -> None:
    fn, _, _, high = CASES[name]
    check_grads_float16(fn, [uniform(3, (2, 3), numpy.float16, 0.5, high)], eps=1e-2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_integer_input_is_rejected(name: str) -> None:
    label = {"lgamma": "LGamma", "digamma": "DiGamma"}[name]
    with pytest.raises(
        InvalidType,
        match=rf"in: {label} \(Forward\)\n\nExpect: x\.dtype\.kind == 'f'\nActual: i != f",
    ):
        CASES[name][0](numpy.arange(3))


def _dense_grid() -> Any:
    return numpy.concatenate(
        [
            numpy.linspace(0.01, 40, 40001),
            numpy.logspace(-300, 300, 3001),
            numpy.linspace(-30.0, 0.5, 30001),
            [171.5, 1e5, 1e15, 1e300],
        ]
    )


def test_lgamma_matches_scipy_on_a_dense_grid() -> None:
    x = _dense_grid()
    y = data(F.lgamma(x))
    expected = special.gammaln(x)
    # SciPy's own error near the zeros at 1 and 2 and on the negative axis, where
    # log|Gamma| cancels, is larger: compare there with an absolute bound as well
    well = (abs(expected) > 0.1) & numpy.isfinite(expected)
    assert _max_relative_error(y[well], expected[well]) < 1e-13
    numpy.testing.assert_allclose(y[~well], expected[~well], rtol=1e-12, atol=5e-14)


def test_lgamma_keeps_its_digits_next_to_the_zeros() -> None:
    # lgamma(1 + z) = -gamma z + pi**2 / 12 z**2 + O(z**3) and
    # lgamma(2 + z) = (1 - gamma) z + (pi**2 / 6 - 1) / 2 z**2 + O(z**3)
    z = numpy.logspace(-15, -8, 40)
    for base, c1, c2 in (
        (1.0, -EULER_GAMMA, math.pi**2 / 12),
        (2.0, 1 - EULER_GAMMA, (math.pi**2 / 6 - 1) / 2),
    ):
        for sign in (1.0, -1.0):
            x = base + sign * z
            step = x - base  # the representable offset
            expected = c1 * step + c2 * step**2
            numpy.testing.assert_allclose(data(F.lgamma(x)), expected, rtol=1e-14)


def test_lgamma_special_values() -> None:
    x = numpy.array([0.0, -1.0, -7.0, -3e305, numpy.inf, -numpy.inf, numpy.nan, 1e-310, 3e305])
    y = data(F.lgamma(x))
    assert y[:6].tolist() == [numpy.inf] * 5 + [-numpy.inf]
    assert numpy.isnan(y[6])
    numpy.testing.assert_allclose(y[7], -math.log(1e-310), rtol=1e-15)  # SciPy gives inf
    assert y[8] == numpy.inf
    numpy.testing.assert_allclose(
        data(F.lgamma(numpy.array([0.5, -0.5, 10.0]))),
        [math.lgamma(0.5), math.lgamma(-0.5), math.log(362880.0)],
        rtol=1e-15,
    )


def test_digamma_matches_scipy_on_a_dense_grid() -> None:
    x = _dense_grid()
    y = data(F.digamma(x))
    expected = special.digamma(x)
    # next to the poles and zeros on the negative axis the function is ill-conditioned
    well = (x > 0) | ((abs(x - numpy.round(x)) > 0.05) & (abs(expected) > 0.05))
    assert _max_relative_error(y[well], expected[well]) < 1e-13
    numpy.testing.assert_allclose(y[~well], expected[~well], rtol=1e-10, atol=1e-13)


def test_digamma_keeps_its_digits_next_to_its_positive_zero() -> None:
    root = 1.4616321449683622  # the double nearest to the zero 1.46163214496836234...
    h = numpy.concatenate([-numpy.logspace(-15, -5, 30), numpy.logspace(-15, -5, 30)])
    x = root + h
    step = x - root
    # psi(x0 + h) = zeta(2, x0) h - zeta(3, x0) h**2 + ..., with x0 = root + 9.55e-17
    offset = step - 9.549995429965697e-17
    expected = special.zeta(2, root) * offset - special.zeta(3, root) * offset**2
    expected += special.zeta(4, root) * offset**3
    numpy.testing.assert_allclose(data(F.digamma(x)), expected, rtol=1e-13, atol=1e-30)


def test_digamma_special_values() -> None:
    x = numpy.array([0.0, -0.0, -1.0, -5.0, numpy.inf, -numpy.inf, numpy.nan])
    y = data(F.digamma(x))
    assert y[:2].tolist() == [-numpy.inf, numpy.inf]
    assert numpy.isnan(y[2:4]).all()
    assert y[4] == numpy.inf
    assert numpy.isnan(y[5:]).all()
    numpy.testing.assert_allclose(
        data(F.digamma(numpy.array([1.0, 0.5, -0.5]))),
        [-EULER_GAMMA, -EULER_GAMMA - 2 * math.log(2), 2 - EULER_GAMMA - 2 * math.log(2)],
        rtol=1e-14,
    )


def test_lgamma_backward_is_digamma_and_then_trigamma() -> None:
    x = Variable(numpy.array([0.3, 1.7, 6.5, -0.5]))
    y = F.sum(F.lgamma(x))
    y.backward(enable_double_backprop=True)
    numpy.testing.assert_allclose(grad(x), special.digamma(data(x)), rtol=1e-14)
    gx = x.grad_var
    assert gx is not None
    x.cleargrad()
    F.sum(gx).backward()
    numpy.testing.assert_allclose(grad(x), special.polygamma(1, data(x)), rtol=1e-13)


def test_float32_and_float16_keep_their_dtype() -> None:
    for dtype in (numpy.float16, numpy.float32):
        x = numpy.array([[0.25, 3.5]], dtype)
        for fn in (F.lgamma, F.digamma):
            assert fn(x).dtype == dtype


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 6])
def test_polygamma_forward(dtype: Any, n: int) -> None:
    x = uniform(5, (3, 4), dtype, 0.5, 6.0)
    expected = special.polygamma(n, x.astype(numpy.float64))
    assert_forward(F.polygamma(n, x), expected, dtype, scale=10 if dtype == numpy.float16 else 1)


def test_polygamma_orders_broadcast_per_element() -> None:
    x = uniform(6, (2, 3), numpy.float64, 0.3, 4.0)
    n = numpy.array([0, 1, 4])
    y = F.polygamma(n, x)
    numpy.testing.assert_allclose(data(y), special.polygamma(n, x), rtol=1e-14)
    same_shape = numpy.array([[1, 2, 3], [0, 5, 1]])
    y = F.polygamma(same_shape, x)
    numpy.testing.assert_allclose(data(y), special.polygamma(same_shape, x), rtol=1e-14)
    y = F.polygamma(Variable(numpy.array(2)), x)
    numpy.testing.assert_allclose(data(y), special.polygamma(2, x), rtol=1e-14)


def test_polygamma_matches_scipy_on_a_dense_grid() -> None:
    x = numpy.concatenate([numpy.linspace(0.01, 40, 8001), numpy.logspace(-100, 100, 1001)])
    for n in (1, 2, 3, 5, 10, 20):
        y = data(F.polygamma(n, x))
        with numpy.errstate(over="ignore"):
            expected = special.polygamma(n, x)
        assert numpy.array_equal(numpy.isinf(y), numpy.isinf(expected)), n
        normal = abs(expected) > 1e-300  # subnormal results have fewer digits
        assert _max_relative_error(y[normal], expected[normal]) < 1e-13, n
    x = numpy.array([-0.5, -1.5, -2.25, 0.0, -3.0])
    for n in (1, 2, 3):
        numpy.testing.assert_allclose(data(F.polygamma(n, x)), special.polygamma(n, x), rtol=1e-13)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_polygamma_grads(n: int) -> None:
    x = uniform(7, (2, 3), numpy.float64, 0.5, 4.0)
    check_grads(lambda v: F.polygamma(n, v), [x], seed=n, rtol=1e-3)


def test_polygamma_grads_with_an_order_array() -> None:
    n = numpy.array([[0, 1, 2], [1, 0, 3]])
    x = uniform(8, (2, 3), numpy.float64, 0.8, 3.0)
    check_grads(lambda v: F.polygamma(n, v), [x], rtol=1e-3)
    check_grads(lambda v: F.polygamma(numpy.array([2, 0, 1]), v), [x], rtol=1e-3)


def test_polygamma_grads_float16() -> None:
    x = uniform(9, (2, 3), numpy.float16, 1.0, 4.0)
    check_grads_float16(lambda v: F.polygamma(1, v), [x], eps=1e-2)


def test_polygamma_backward_is_the_next_order() -> None:
    x = Variable(numpy.array([0.7, 2.5]))
    F.sum(F.polygamma(2, x)).backward()
    numpy.testing.assert_allclose(grad(x), special.polygamma(3, data(x)), rtol=1e-14)


def test_polygamma_errors() -> None:
    x = numpy.array([1.0, 2.0])
    with pytest.raises(ValueError, match=r"polygamma: every order n must be >= 0, got -1"):
        F.polygamma(-1, x)
    with pytest.raises(ValueError, match=r"polygamma: every order n must be >= 0, got -2"):
        F.polygamma(numpy.array([1, -2]), x)
    with pytest.raises(
        ValueError, match=r"n must broadcast to the shape of x \(2,\), got shape \(3,\)"
    ):
        F.polygamma(numpy.array([1, 2, 3]), x)
    with pytest.raises(
        InvalidType, match=r"in: PolyGamma \(Forward\)\n\nExpect: n\.dtype\.kind == 'i'"
    ):
        F.polygamma(numpy.array([1.0, 2.0]), x)
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'\nActual: i != f"):
        F.polygamma(1, numpy.array([1, 2]))
    with pytest.raises(TypeError, match=r"n must be an int or an integer array, got float"):
        F.polygamma(1.0, x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"n must be an int or an integer array, got bool"):
        F.polygamma(True, x)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("x", [1.5, 2.0, 3.0, 4.5])
def test_zeta_forward(dtype: Any, x: float) -> None:
    q = uniform(10, (3, 4), dtype, 0.5, 5.0)
    expected = special.zeta(x, q.astype(numpy.float64))
    assert_forward(F.zeta(x, q), expected, dtype, scale=10 if dtype == numpy.float16 else 1)


def test_zeta_matches_scipy_on_a_dense_grid() -> None:
    q = numpy.concatenate([numpy.linspace(0.01, 40, 4001), numpy.logspace(-5, 200, 1001)])
    for x in (1.0001, 1.5, 2.0, 3.0, 7.5, 20.0, 50.0):
        y = data(F.zeta(x, q))
        expected = special.zeta(x, q)
        normal = abs(expected) > 1e-300
        assert _max_relative_error(y[normal], expected[normal]) < 1e-13, x
    negative = numpy.linspace(-20, -0.01, 1001)
    negative = negative[abs(negative - numpy.round(negative)) > 0.01]
    for x in (2.0, 3.0):
        numpy.testing.assert_allclose(
            data(F.zeta(x, negative)), special.zeta(x, negative), rtol=1e-12, atol=1e-13
        )
    numpy.testing.assert_allclose(data(F.zeta(2, numpy.array([1.0]))), [math.pi**2 / 6])


def test_zeta_special_values() -> None:
    q = numpy.array([1.0, 0.0, -2.0, numpy.inf, numpy.nan, -0.5])
    y = data(F.zeta(2.0, q))
    assert y[1:4].tolist() == [numpy.inf, numpy.inf, 0.0]
    assert numpy.isnan(y[4])
    numpy.testing.assert_allclose(y[5], special.zeta(2.0, -0.5), rtol=1e-14)
    assert data(F.zeta(1.0, numpy.array([2.0]))).tolist() == [numpy.inf]
    assert numpy.isnan(data(F.zeta(0.5, numpy.array([2.0])))).all()
    assert numpy.isnan(data(F.zeta(2.5, numpy.array([-0.5])))).all()


@pytest.mark.parametrize("x", [1.5, 2.0, 3.5])
def test_zeta_grads(x: float) -> None:
    q = uniform(11, (2, 3), numpy.float64, 0.5, 3.0)
    check_grads(lambda v: F.zeta(x, v), [q], seed=3, rtol=1e-3)


def test_zeta_grads_float16() -> None:
    q = uniform(12, (2, 3), numpy.float16, 1.0, 3.0)
    check_grads_float16(lambda v: F.zeta(2.0, v), [q], eps=1e-2)


def test_zeta_backward_is_minus_x_zeta_of_x_plus_one() -> None:
    q = Variable(numpy.array([0.5, 1.0, 4.0]))
    F.sum(F.zeta(2.5, q)).backward()
    numpy.testing.assert_allclose(grad(q), -2.5 * special.zeta(3.5, data(q)), rtol=1e-14)


def test_zeta_errors() -> None:
    with pytest.raises(TypeError, match=r"x must be a real number, got ndarray"):
        F.zeta(numpy.array([2.0]), numpy.array([1.0]))  # type: ignore[arg-type]
    with pytest.raises(
        InvalidType, match=r"in: Zeta \(Forward\)\n\nExpect: q\.dtype\.kind == 'f'\nActual: i"
    ):
        F.zeta(2.0, numpy.array([1, 2]))


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("no CUDA device")
    x = numpy.concatenate([numpy.linspace(-5.5, 30, 301), [0.0, -2.0, 1.4616321449683622]])
    q = numpy.linspace(-3.5, 20, 101)
    functions: list[Callable[[Any], Variable]] = [
        F.lgamma,
        F.digamma,
        lambda v: F.polygamma(2, v),
        lambda v: F.zeta(3.0, v),
    ]
    for fn, arg in zip(functions, (x, x, x, q), strict=True):
        expected = data(fn(arg))
        v = Variable(cupy.asarray(arg))
        y = fn(v)
        assert isinstance(y.array, cupy.ndarray)
        numpy.testing.assert_allclose(cupy.asnumpy(y.array), expected, rtol=1e-13)
        y.grad = cupy.ones_like(y.array)
        y.backward()
        assert isinstance(v.grad, cupy.ndarray)
