"""Chainer-style code using the special functions after ``install_as_chainer()``."""

from __future__ import annotations

import math
import types
from collections.abc import Iterator

import numpy
import pytest

from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_gamma_log_likelihood_and_its_gradients(chainer: types.ModuleType) -> None:
    import chainer.functions as F

    # log p(x | k, theta=1) = (k - 1) log x - x - lgamma(k); d/dk = log x - digamma(k)
    k = chainer.Variable(numpy.array([2.5, 4.0]))
    x = numpy.array([1.5, 3.0])
    log_p = F.sum((k - 1) * F.log(x) - x - F.lgamma(k))
    (gk,) = chainer.grad([log_p], [k], enable_double_backprop=True)
    expected_lgamma = [math.lgamma(2.5), math.lgamma(4.0)]
    numpy.testing.assert_allclose(
        log_p.array, float(numpy.sum(1.5 * numpy.log(x) * [1, 2] - x - expected_lgamma))
    )
    digamma = F.digamma(k).array
    numpy.testing.assert_allclose(gk.array, numpy.log(x) - digamma, rtol=1e-14)
    (ggk,) = chainer.grad([F.sum(gk)], [k])
    trigamma = F.polygamma(numpy.ones(2, numpy.int32), k).array
    numpy.testing.assert_allclose(ggk.array, -trigamma, rtol=1e-14)
    # digamma(4) = 1 + 1/2 + 1/3 - euler_gamma; trigamma(4) = pi**2 / 6 - 1 - 1/4 - 1/9
    numpy.testing.assert_allclose(digamma[1], 11 / 6 - 0.5772156649015329, rtol=1e-14)
    numpy.testing.assert_allclose(trigamma[1], math.pi**2 / 6 - 49 / 36, rtol=1e-14)
    numpy.testing.assert_allclose(F.zeta(2.0, numpy.array([4.0])).array, [trigamma[1]], rtol=1e-14)


def test_normal_cdf_family(chainer: types.ModuleType) -> None:
    import chainer.functions as F

    x = chainer.Variable(numpy.array([-1.0, 0.0, 2.0], numpy.float32))
    p = F.ndtr(x)
    assert p.dtype == numpy.float32
    expected = [0.5 * math.erfc(v / math.sqrt(2)) for v in (1.0, 0.0, -2.0)]
    numpy.testing.assert_allclose(p.array, expected, rtol=1e-6)
    numpy.testing.assert_allclose(F.ndtri(p).array, x.array, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(F.log_ndtr(x).array, numpy.log(expected), rtol=1e-6)
    numpy.testing.assert_allclose(
        F.erfcinv(numpy.array([math.erfc(0.75)])).array, [0.75], rtol=1e-14
    )
    numpy.testing.assert_allclose(
        F.erfcx(numpy.array([0.75])).array, [math.exp(0.5625) * math.erfc(0.75)], rtol=1e-14
    )
    F.sum(F.log_ndtr(x)).backward()
    assert x.grad is not None
    density = numpy.exp(-(x.array.astype(float) ** 2) / 2) / math.sqrt(2 * math.pi)
    numpy.testing.assert_allclose(x.grad, density / numpy.asarray(expected), rtol=1e-6)


def test_cholesky_in_a_gaussian_log_density(chainer: types.ModuleType) -> None:
    import chainer.functions as F

    cov = chainer.Variable(numpy.array([[2.0, 0.6], [0.6, 1.0]]))
    lower = F.cholesky(cov)
    log_det = 2 * F.sum(F.log(F.diagonal(lower)))
    numpy.testing.assert_allclose(log_det.array, math.log(2.0 - 0.36), rtol=1e-14)
    log_det.backward()
    # d log det(A) / dA = inv(A) (symmetric)
    numpy.testing.assert_allclose(cov.grad, numpy.linalg.inv(cov.array), rtol=1e-13)
