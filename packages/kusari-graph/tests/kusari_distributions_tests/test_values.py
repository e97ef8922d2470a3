"""Densities, distribution functions and moments against ``scipy.stats``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.distributions as D

from ._support import value

stats = pytest.importorskip("scipy.stats")

Arr = npt.NDArray[Any]


def arr(*values: float) -> Arr:
    return numpy.array(values, numpy.float64)


@dataclass(frozen=True)
class Case:
    """A kusari distribution, its scipy twin and points inside (and outside) the support."""

    name: str
    make: Callable[[], D.Distribution]
    scipy: Any
    x: Arr
    discrete: bool = False
    members: tuple[str, ...] = ("log_prob", "cdf", "icdf", "mean", "variance", "entropy")
    outside: Arr | None = None
    extra: dict[str, Any] = field(default_factory=dict)


LOC = arr(-1.0, 0.0, 2.5)
SCALE = arr(0.5, 1.0, 3.0)
Q = arr(0.1, 0.5, 0.95)

CASES = [
    Case("normal", lambda: D.Normal(LOC, SCALE), stats.norm(LOC, SCALE), arr(-0.3, 1.2, 2.0)),
    Case(
        "normal_log_scale",
        lambda: D.Normal(LOC, log_scale=numpy.log(SCALE)),
        stats.norm(LOC, SCALE),
        arr(-0.3, 1.2, 2.0),
    ),
    Case("laplace", lambda: D.Laplace(LOC, SCALE), stats.laplace(LOC, SCALE), arr(-2.0, 1.2, 2.5)),
    Case("gumbel", lambda: D.Gumbel(LOC, SCALE), stats.gumbel_r(LOC, SCALE), arr(-2.0, 1.2, 9.0)),
    Case(
        "cauchy",
        lambda: D.Cauchy(LOC, SCALE),
        stats.cauchy(LOC, SCALE),
        arr(-2.0, 1.2, 9.0),
        members=("log_prob", "cdf", "icdf", "entropy"),
    ),
    Case(
        "exponential",
        lambda: D.Exponential(arr(0.5, 1.0, 4.0)),
        stats.expon(scale=1 / arr(0.5, 1.0, 4.0)),
        arr(0.3, 2.0, 0.01),
        outside=arr(-1.0, -0.5, -2.0),
    ),
    Case(
        "uniform",
        lambda: D.Uniform(low=LOC, high=LOC + SCALE),
        stats.uniform(LOC, SCALE),
        arr(-0.9, 0.5, 4.0),
        outside=arr(-1.1, 1.5, 6.0),
    ),
    Case(
        "uniform_loc_scale",
        lambda: D.Uniform(loc=LOC, scale=SCALE),
        stats.uniform(LOC, SCALE),
        arr(-0.9, 0.5, 4.0),
        outside=arr(-1.1, 1.5, 6.0),
    ),
    Case(
        "pareto",
        lambda: D.Pareto(arr(1.0, 2.0, 0.5), arr(3.0, 4.5, 2.5)),
        stats.pareto(arr(3.0, 4.5, 2.5), scale=arr(1.0, 2.0, 0.5)),
        arr(1.5, 2.0, 3.0),
        members=("log_prob", "mean", "variance", "entropy"),
        outside=arr(0.5, 1.9, 0.1),
    ),
    Case(
        "log_normal",
        lambda: D.LogNormal(LOC, SCALE),
        stats.lognorm(SCALE, scale=numpy.exp(LOC)),
        arr(0.3, 2.0, 10.0),
        members=("log_prob", "mean", "variance", "entropy"),
        outside=arr(0.0, -1.0, -2.0),
    ),
    Case(
        "geometric",
        lambda: D.Geometric(arr(0.2, 0.5, 0.9)),
        stats.geom(arr(0.2, 0.5, 0.9)),
        arr(1.0, 3.0, 2.0),
        discrete=True,
        members=("log_prob", "mean", "variance", "entropy"),
        outside=arr(0.0, -1.0, 0.0),
    ),
    Case(
        "bernoulli",
        lambda: D.Bernoulli(arr(0.2, 0.5, 0.9)),
        stats.bernoulli(arr(0.2, 0.5, 0.9)),
        arr(1.0, 0.0, 1.0),
        discrete=True,
        members=("log_prob", "mean", "variance", "entropy"),
    ),
    Case(
        "bernoulli_logit",
        lambda: D.Bernoulli(logit=numpy.log(arr(0.2, 0.5, 0.9) / (1 - arr(0.2, 0.5, 0.9)))),
        stats.bernoulli(arr(0.2, 0.5, 0.9)),
        arr(0.0, 1.0, 1.0),
        discrete=True,
        members=("log_prob", "mean", "variance", "entropy"),
    ),
    Case(
        "gamma",
        lambda: D.Gamma(arr(0.5, 2.0, 7.5), arr(1.0, 0.5, 3.0)),
        stats.gamma(arr(0.5, 2.0, 7.5), scale=arr(1.0, 0.5, 3.0)),
        arr(0.3, 2.0, 10.0),
        members=("log_prob", "mean", "variance", "entropy"),
        outside=arr(0.0, -1.0, -2.0),
    ),
    Case(
        "chisquare",
        lambda: D.Chisquare(arr(1.0, 2.5, 7.0)),
        stats.chi2(arr(1.0, 2.5, 7.0)),
        arr(0.3, 2.0, 10.0),
        members=("log_prob", "mean", "variance", "entropy"),
        outside=arr(0.0, -1.0, -2.0),
    ),
    Case(
        "beta",
        lambda: D.Beta(arr(0.5, 2.0, 7.5), arr(1.0, 0.5, 3.0)),
        stats.beta(arr(0.5, 2.0, 7.5), arr(1.0, 0.5, 3.0)),
        arr(0.3, 0.9, 0.6),
        members=("log_prob", "mean", "variance", "entropy"),
        outside=arr(0.0, 1.0, 1.5),
    ),
    Case(
        "poisson",
        lambda: D.Poisson(arr(0.5, 2.0, 7.5)),
        stats.poisson(arr(0.5, 2.0, 7.5)),
        arr(0.0, 3.0, 9.0),
        discrete=True,
        members=("log_prob", "mean", "variance"),
        outside=arr(-1.0, -2.0, -1.0),
    ),
]


def _scipy_value(case: Case, member: str) -> Arr:
    frozen = case.scipy
    if member == "log_prob":
        return numpy.asarray(frozen.logpmf(case.x) if case.discrete else frozen.logpdf(case.x))
    if member == "cdf":
        return numpy.asarray(frozen.cdf(case.x))
    if member == "icdf":
        return numpy.asarray(frozen.ppf(Q))
    if member == "mean":
        return numpy.asarray(frozen.mean())
    if member == "variance":
        return numpy.asarray(frozen.var())
    assert member == "entropy"
    return numpy.asarray(frozen.entropy())


def _kusari_value(case: Case, member: str) -> Arr:
    d = case.make()
    if member == "log_prob":
        return value(d.log_prob(case.x))
    if member == "cdf":
        return value(d.cdf(case.x))
    if member == "icdf":
        return value(d.icdf(Q))
    return value(getattr(d, member))


@pytest.mark.parametrize(
    ("case", "member"),
    [(c, m) for c in CASES for m in c.members],
    ids=[f"{c.name}-{m}" for c in CASES for m in c.members],
)
def test_matches_scipy(case: Case, member: str) -> None:
    numpy.testing.assert_allclose(
        _kusari_value(case, member), _scipy_value(case, member), rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_derived_members(case: Case) -> None:
    d = case.make()
    numpy.testing.assert_allclose(value(d.prob(case.x)), numpy.exp(_scipy_value(case, "log_prob")))
    if "variance" in case.members:
        numpy.testing.assert_allclose(
            value(d.stddev), numpy.sqrt(_scipy_value(case, "variance")), rtol=1e-10
        )
    if "cdf" in case.members:
        cdf = numpy.asarray(case.scipy.cdf(case.x))
        sf = numpy.asarray(case.scipy.sf(case.x))
        numpy.testing.assert_allclose(value(d.log_cdf(case.x)), numpy.log(cdf), rtol=1e-9)
        numpy.testing.assert_allclose(value(d.survival_function(case.x)), sf, rtol=1e-9)
        numpy.testing.assert_allclose(
            value(d.log_survival_function(case.x)), numpy.log(sf), rtol=1e-9
        )


@pytest.mark.parametrize("case", [c for c in CASES if c.outside is not None], ids=lambda c: c.name)
def test_outside_the_support(case: Case) -> None:
    assert case.outside is not None
    with numpy.errstate(all="raise"):
        log_prob = value(case.make().log_prob(case.outside))
    numpy.testing.assert_array_equal(log_prob, numpy.full(3, -numpy.inf))


def test_exponential_cdf_is_zero_below_zero() -> None:
    # Chainer 7.8.1 returns 1 - exp(-lam x) there, which is negative.
    d = D.Exponential(arr(1.0, 2.0))
    numpy.testing.assert_array_equal(value(d.cdf(arr(-1.0, -3.0))), [0.0, 0.0])
    numpy.testing.assert_array_equal(value(d.survival_function(arr(-1.0, -3.0))), [1.0, 1.0])


def test_uniform_cdf_is_clipped() -> None:
    d = D.Uniform(low=arr(0.0, 0.0), high=arr(1.0, 2.0))
    numpy.testing.assert_array_equal(value(d.cdf(arr(-0.5, 5.0))), [0.0, 1.0])


def test_pareto_infinite_moments() -> None:
    # Values from Chainer 7.8.1: Pareto([1, 2], [0.5, 3]) has mean [inf, 3], variance [inf, 3].
    d = D.Pareto(arr(1.0, 2.0), arr(0.5, 3.0))
    numpy.testing.assert_array_equal(value(d.mean), [numpy.inf, 3.0])
    numpy.testing.assert_array_equal(value(d.variance), [numpy.inf, 3.0])


def test_cauchy_moments_are_nan_and_warn() -> None:
    d = D.Cauchy(arr(0.0), arr(1.0))
    with pytest.warns(RuntimeWarning, match="mean of the Cauchy distribution is undefined"):
        assert numpy.isnan(value(d.mean)).all()
    with pytest.warns(RuntimeWarning, match="variance of the Cauchy distribution is undefined"):
        assert numpy.isnan(value(d.variance)).all()


def test_modes() -> None:
    numpy.testing.assert_array_equal(value(D.Normal(LOC, SCALE).mode), LOC)
    numpy.testing.assert_array_equal(value(D.Laplace(LOC, SCALE).mode), LOC)
    numpy.testing.assert_array_equal(value(D.Gumbel(LOC, SCALE).mode), LOC)
    numpy.testing.assert_array_equal(value(D.Cauchy(LOC, SCALE).mode), LOC)
    numpy.testing.assert_array_equal(value(D.Exponential(SCALE).mode), [0.0, 0.0, 0.0])
    numpy.testing.assert_array_equal(value(D.Geometric(Q).mode), [1.0, 1.0, 1.0])
    numpy.testing.assert_allclose(
        value(D.LogNormal(LOC, SCALE).mode), numpy.exp(LOC - SCALE**2), rtol=1e-12
    )


class TestBernoulli:
    """Chainer 7.8.1's conventions (checked by running it)."""

    def test_relaxed_log_prob_for_fractional_points(self) -> None:
        # Chainer 7.8.1, p = [0.3, 0.6], x = [0.5, 1]: [-0.78032386, -0.51082563].
        d = D.Bernoulli(numpy.array([0.3, 0.6], numpy.float32))
        log_prob = d.log_prob(numpy.array([0.5, 1.0], numpy.float32))
        assert log_prob.dtype == numpy.float32
        numpy.testing.assert_allclose(value(log_prob), [-0.78032386, -0.51082563], rtol=1e-6)

    def test_binary_check(self) -> None:
        # Chainer 7.8.1 with binary_check=True: [-inf, -0.51082563].
        d = D.Bernoulli(numpy.array([0.3, 0.6], numpy.float32), binary_check=True)
        log_prob = value(d.log_prob(numpy.array([0.5, 1.0], numpy.float32)))
        assert log_prob[0] == -numpy.inf
        numpy.testing.assert_allclose(log_prob[1], -0.51082563, rtol=1e-6)
        with numpy.errstate(all="raise"):
            out = value(d.log_prob(numpy.array([2, 1], numpy.int32)))
        assert out[0] == -numpy.inf

    def test_degenerate_p(self) -> None:
        # Chainer 7.8.1: p = [0, 1] gives log_prob([0, 1]) = [0, 0], log_prob([1, 0]) = -inf,
        # logit [-inf, inf] and entropy 0.
        d = D.Bernoulli(arr(0.0, 1.0))
        with numpy.errstate(all="raise"):
            numpy.testing.assert_array_equal(value(d.log_prob(arr(0.0, 1.0))), [0.0, 0.0])
            numpy.testing.assert_array_equal(
                value(d.log_prob(arr(1.0, 0.0))), [-numpy.inf, -numpy.inf]
            )
            numpy.testing.assert_array_equal(value(d.logit), [-numpy.inf, numpy.inf])
            numpy.testing.assert_array_equal(value(d.entropy), [0.0, 0.0])

    def test_params_hold_the_logit(self) -> None:
        d = D.Bernoulli(arr(0.25))
        assert list(d.params) == ["logit"]
        numpy.testing.assert_allclose(value(d.params["logit"]), numpy.log([1 / 3]))
        e = D.Bernoulli(logit=arr(0.3, -0.6))
        numpy.testing.assert_allclose(value(e.p), 1 / (1 + numpy.exp(-arr(0.3, -0.6))))


class TestCategorical:
    P = numpy.array([[0.2, 0.8], [0.5, 0.5], [0.1, 0.9]])

    def test_log_prob_entropy(self) -> None:
        d = D.Categorical(self.P)
        assert d.batch_shape == (3,)
        assert d.event_shape == ()
        numpy.testing.assert_allclose(
            value(d.log_prob(numpy.array([1, 0, 0]))), numpy.log([0.8, 0.5, 0.1])
        )
        expected = [stats.entropy(row) for row in self.P]
        numpy.testing.assert_allclose(value(d.entropy), expected, rtol=1e-12)

    def test_log_prob_with_sample_axes(self) -> None:
        d = D.Categorical(self.P)
        x = numpy.array([[1, 0, 0], [0, 1, 1]])
        expected = numpy.log(self.P[numpy.arange(3), x])
        numpy.testing.assert_allclose(value(d.log_prob(x)), expected, rtol=1e-12)

    def test_logit(self) -> None:
        logit = numpy.array([[0.2, 0.8], [0.5, 0.5]], numpy.float32)
        d = D.Categorical(logit=logit)
        # Chainer 7.8.1: params['p'] = [[0.35434365, 0.6456562], [0.5, 0.5]].
        numpy.testing.assert_allclose(
            value(d.params["p"]), [[0.35434365, 0.6456562], [0.5, 0.5]], rtol=1e-6
        )
        assert d.log_p.dtype == numpy.float32

    def test_zero_probability_class(self) -> None:
        d = D.Categorical(numpy.array([[0.0, 1.0]]))
        with numpy.errstate(all="raise"):
            numpy.testing.assert_array_equal(value(d.log_prob(numpy.array([0]))), [-numpy.inf])
            numpy.testing.assert_array_equal(value(d.log_prob(numpy.array([1]))), [0.0])
            numpy.testing.assert_array_equal(value(d.entropy), [0.0])

    def test_one_hot(self) -> None:
        d = D.OneHotCategorical(self.P)
        assert d.batch_shape == (3,)
        assert d.event_shape == (2,)
        x = numpy.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
        numpy.testing.assert_allclose(value(d.log_prob(x)), numpy.log([0.8, 0.5, 0.1]))
        numpy.testing.assert_allclose(value(d.mean), self.P)
        numpy.testing.assert_allclose(value(d.variance), self.P * (1 - self.P))


def test_multivariate_normal_against_scipy() -> None:
    rng = numpy.random.default_rng(0)
    loc = rng.normal(size=(2, 3))
    a = rng.normal(size=(2, 3, 3))
    tril = numpy.tril(a)
    tril[:, numpy.arange(3), numpy.arange(3)] = (
        numpy.abs(tril[:, numpy.arange(3), numpy.arange(3)]) + 0.5
    )
    x = rng.normal(size=(4, 2, 3))
    d = D.MultivariateNormal(loc, scale_tril=tril)
    assert d.batch_shape == (2,)
    assert d.event_shape == (3,)
    assert d.d == 3
    log_prob = value(d.log_prob(x))
    assert log_prob.shape == (4, 2)
    for b in range(2):
        cov = tril[b] @ tril[b].T
        ref = stats.multivariate_normal(loc[b], cov)
        numpy.testing.assert_allclose(log_prob[:, b], ref.logpdf(x[:, b]), rtol=1e-10)
        numpy.testing.assert_allclose(value(d.entropy)[b], ref.entropy(), rtol=1e-10)
        numpy.testing.assert_allclose(value(d.covariance)[b], cov, rtol=1e-12)
        numpy.testing.assert_allclose(value(d.variance)[b], numpy.diag(cov), rtol=1e-12)
    numpy.testing.assert_array_equal(value(d.mean), loc)


def test_independent_sums_over_the_event_axes() -> None:
    loc = numpy.linspace(-1, 1, 24).reshape(2, 3, 4)
    scale = numpy.linspace(0.5, 2, 24).reshape(2, 3, 4)
    base = D.Normal(loc, scale)
    d = D.Independent(base)
    # Chainer 7.8.1: the default reinterprets all but the first batch axis.
    assert (d.batch_shape, d.event_shape, d.reinterpreted_batch_ndims) == ((2,), (3, 4), 2)
    x = numpy.zeros((2, 3, 4))
    logpdf = stats.norm(loc, scale).logpdf(x)
    numpy.testing.assert_allclose(value(d.log_prob(x)), logpdf.sum(axis=(1, 2)), rtol=1e-12)
    numpy.testing.assert_allclose(
        value(d.cdf(x)), stats.norm(loc, scale).cdf(x).prod(axis=(1, 2)), rtol=1e-9
    )
    numpy.testing.assert_allclose(
        value(d.survival_function(x)), stats.norm(loc, scale).sf(x).prod(axis=(1, 2)), rtol=1e-9
    )
    numpy.testing.assert_allclose(
        value(d.entropy), stats.norm(loc, scale).entropy().sum(axis=(1, 2)), rtol=1e-12
    )
    numpy.testing.assert_array_equal(value(d.mean), loc)
    numpy.testing.assert_allclose(value(d.stddev), scale)
    assert d.support == "real"
    assert d.params == base.params
    one = D.Independent(base, 1)
    assert (one.batch_shape, one.event_shape) == ((2, 3), (4,))
    zero = D.Independent(base, 0)
    assert (zero.batch_shape, zero.event_shape) == ((2, 3, 4), ())
    numpy.testing.assert_allclose(value(zero.log_prob(x)), logpdf)


def test_support_strings() -> None:
    # Chainer 7.8.1's strings.
    assert D.Normal(LOC, SCALE).support == "real"
    assert D.Bernoulli(Q).support == "{0, 1}"
    assert D.Exponential(SCALE).support == "positive"
    assert D.Geometric(Q).support == "positive integer"
    assert D.Pareto(SCALE, SCALE).support == "[scale, inf]"
    assert D.Uniform(low=LOC, high=LOC + 1).support == "[low, high]"
    assert D.LogNormal(LOC, SCALE).support == "positive"


def test_dirichlet_against_scipy() -> None:
    alpha = numpy.array([[0.5, 2.0, 3.0], [1.0, 1.0, 4.5]])
    x = numpy.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
    d = D.Dirichlet(alpha)
    assert (d.batch_shape, d.event_shape) == ((2,), (3,))
    for b in range(2):
        ref = stats.dirichlet(alpha[b])
        numpy.testing.assert_allclose(value(d.log_prob(x))[b], ref.logpdf(x[b]), rtol=1e-10)
        numpy.testing.assert_allclose(value(d.mean)[b], ref.mean(), rtol=1e-12)
        numpy.testing.assert_allclose(value(d.variance)[b], ref.var(), rtol=1e-12)
        numpy.testing.assert_allclose(value(d.entropy)[b], ref.entropy(), rtol=1e-10)
    numpy.testing.assert_allclose(value(d.alpha0), alpha.sum(axis=-1))
    with numpy.errstate(all="raise"):
        outside = value(d.log_prob(numpy.array([[0.0, 0.5, 0.5], [0.6, 0.1, 0.3]])))
    assert outside[0] == -numpy.inf
    assert numpy.isfinite(outside[1])


def test_normal_tails_stay_finite_and_accurate() -> None:
    """log_cdf/log_survival_function use log_ndtr, and icdf ndtri, so the tails keep digits."""
    d = D.Normal(arr(1.0, 1.0, 1.0), arr(2.0, 2.0, 2.0))
    x = arr(-79.0, -39.0, 1.0)  # z = -40, -20, 0
    norm = stats.norm(1.0, 2.0)
    numpy.testing.assert_allclose(value(d.log_cdf(x)), norm.logcdf(x), rtol=1e-12)
    numpy.testing.assert_allclose(
        value(d.log_survival_function(-x + 2.0)), norm.logsf(-x + 2.0), rtol=1e-12
    )
    assert value(d.log_cdf(x))[0] < -800.0  # log(cdf) would be log(0) = -inf here
    p = arr(1e-300, 1e-20, 0.5)
    numpy.testing.assert_allclose(value(d.icdf(p)), norm.ppf(p), rtol=1e-12)
