"""gaussian_kl_divergence, gaussian_nll, bernoulli_nll: forward, Chainer's values, gradients."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    gpu,
    scalar,
    uniform,
)

X = numpy.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], numpy.float32)
T = numpy.array([[0.1, 0.4, -1.0], [-0.5, 0.2, 0.6]], numpy.float32)
Z = numpy.array([[0.2, 0.2, 0.9], [-1.0, 1.1, 0.0]], numpy.float32)

# name: (function, number of inputs, elementwise reference, label)
CASES: dict[str, tuple[Callable[..., Any], int, Callable[..., Any], str]] = {
    "gaussian_kl_divergence": (
        F.gaussian_kl_divergence,
        2,
        lambda m, v: 0.5 * (m * m + numpy.exp(v) - v - 1),
        "GaussianKLDivergence",
    ),
    "gaussian_nll": (
        F.gaussian_nll,
        3,
        lambda x, m, v: 0.5 * (math.log(2 * math.pi) + v + (x - m) ** 2 * numpy.exp(-v)),
        "GaussianNLL",
    ),
    "bernoulli_nll": (
        F.bernoulli_nll,
        2,
        lambda x, y: numpy.log1p(numpy.exp(y)) - x * y,
        "BernoulliNLL",
    ),
}


def _inputs(name: str, dtype: Any, shape: tuple[int, ...] = (3, 4)) -> list[Any]:
    n = CASES[name][1]
    xs = [uniform(i, shape, dtype, -1.5, 1.5) for i in range(n)]
    if name == "bernoulli_nll":
        xs[0] = uniform(9, shape, dtype, 0, 1)
    return xs


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("reduce", ["sum", "mean", "no"])
def test_forward(dtype: Any, name: str, reduce: Any) -> None:
    fn, _, reference, _ = CASES[name]
    xs = _inputs(name, dtype)
    loss = reference(*(x.astype(numpy.float64) for x in xs))
    expected = {"sum": loss.sum(), "mean": loss.mean(), "no": loss}[reduce]
    assert_forward(fn(*xs, reduce=reduce), expected, dtype, scale=10.0)


def test_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    assert scalar(F.gaussian_kl_divergence(X, T)) == pytest.approx(4.667464, abs=1e-5)
    assert scalar(F.gaussian_kl_divergence(X, T, reduce="mean")) == pytest.approx(
        0.777911, abs=1e-6
    )
    assert scalar(F.bernoulli_nll(abs(T), X)) == pytest.approx(4.363242, abs=1e-5)
    assert scalar(F.bernoulli_nll(abs(T), X, reduce="mean")) == pytest.approx(0.727207, abs=1e-6)
    assert scalar(F.gaussian_nll(X, T, Z)) == pytest.approx(15.439898, abs=1e-4)
    assert scalar(F.gaussian_nll(X, T, Z, reduce="mean")) == pytest.approx(2.573316, abs=1e-5)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("reduce", ["sum", "no"])
def test_gradients(name: str, reduce: Any) -> None:
    fn = CASES[name][0]
    check_grads(lambda *vs: fn(*vs, reduce=reduce), _inputs(name, numpy.float64, (2, 3)))


@pytest.mark.parametrize("name", CASES)
def test_gradients_float16(name: str) -> None:
    fn = CASES[name][0]
    check_grads_float16(lambda *vs: fn(*vs, reduce="mean"), _inputs(name, numpy.float16, (2, 3)))


@pytest.mark.parametrize("name", CASES)
def test_invalid_inputs(name: str) -> None:
    fn, n, _, label = CASES[name]
    shapes = [(2, 3)] * (n - 1) + [(3, 2)]
    with pytest.raises(
        InvalidType, match=rf"{label} \(Forward\)\n\nExpect: \w+.shape == \w+.shape"
    ):
        fn(*[numpy.zeros(s) for s in shapes])
    with pytest.raises(InvalidType, match=r"Expect: \w+.dtype == \w+.dtype"):
        fn(*[numpy.zeros(2)] * (n - 1), numpy.zeros(2, numpy.float32))
    with pytest.raises(InvalidType, match=r"Expect: \w+.dtype.kind == 'f'"):
        fn(*[numpy.zeros(2, int)] * n)
    with pytest.raises(
        ValueError, match="only 'sum', 'mean' and 'no' are valid for 'reduce', but 'foo' is given"
    ):
        fn(*[numpy.zeros(2)] * n, reduce="foo")


@gpu
@pytest.mark.parametrize("name", CASES)
def test_gpu(name: str) -> None:
    fn = CASES[name][0]
    check_on_gpu(lambda *vs: fn(*vs, reduce="sum"), _inputs(name, numpy.float32), atol=1e-5)
