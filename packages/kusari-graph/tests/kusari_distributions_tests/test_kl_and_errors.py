"""KL divergences (Monte Carlo and exact sums), the registry, and bad-input errors."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.distributions as D
from kusari.graph import Variable
from kusari.graph import gradient_check as gc

from ._support import global_seed, value

Arr = npt.NDArray[Any]


def a(*values: float) -> Arr:
    return numpy.array(values, numpy.float64)


MC_PAIRS: list[tuple[str, D.Distribution, D.Distribution]] = [
    ("normal", D.Normal(a(0.0, 1.0), a(1.0, 0.5)), D.Normal(a(0.5, -1.0), a(2.0, 1.5))),
    ("laplace", D.Laplace(a(0.0, 1.0), a(1.0, 0.5)), D.Laplace(a(0.5, -1.0), a(2.0, 1.5))),
    ("log_normal", D.LogNormal(a(0.0, 1.0), a(1.0, 0.5)), D.LogNormal(a(0.5, -1.0), a(2.0, 1.5))),
    ("exponential", D.Exponential(a(1.0, 0.5)), D.Exponential(a(2.0, 1.5))),
    ("pareto", D.Pareto(a(2.0, 1.0), a(3.0, 4.0)), D.Pareto(a(1.0, 0.5), a(2.0, 5.0))),
    (
        "uniform",
        D.Uniform(low=a(0.0, 1.0), high=a(1.0, 1.5)),
        D.Uniform(low=a(-1.0, 0.0), high=a(2.0, 4.0)),
    ),
    (
        "multivariate_normal",
        D.MultivariateNormal(a(0.0, 1.0), scale_tril=numpy.array([[1.0, 0.0], [0.3, 0.5]])),
        D.MultivariateNormal(a(0.5, -1.0), scale_tril=numpy.array([[2.0, 0.0], [-0.4, 1.5]])),
    ),
    ("gumbel", D.Gumbel(a(0.0, 1.0), a(1.0, 0.5)), D.Gumbel(a(0.5, -1.0), a(2.0, 1.5))),
    ("gamma", D.Gamma(a(2.0, 0.7), a(1.0, 0.5)), D.Gamma(a(3.0, 1.5), a(2.0, 1.5))),
    ("beta", D.Beta(a(2.0, 0.7), a(1.0, 0.5)), D.Beta(a(3.0, 1.5), a(2.0, 1.5))),
    (
        "dirichlet",
        D.Dirichlet(numpy.array([[2.0, 0.7, 1.0], [1.0, 3.0, 0.5]])),
        D.Dirichlet(numpy.array([[1.0, 1.0, 1.0], [2.0, 0.5, 4.0]])),
    ),
    (
        "independent",
        D.Independent(D.Normal(a(0.0, 1.0), a(1.0, 0.5))),
        D.Independent(D.Normal(a(0.5, -1.0), a(2.0, 1.5))),
    ),
]


@pytest.mark.parametrize("pair", MC_PAIRS, ids=lambda p: p[0])
def test_kl_against_monte_carlo(pair: tuple[str, D.Distribution, D.Distribution]) -> None:
    # KL(p || q) = E_p[log p(x) - log q(x)], estimated from 400 000 draws with a fixed seed;
    # the closed form must lie within 5 standard errors of the estimate.
    _, p, q = pair
    with global_seed(0):
        x = p.sample_n(400_000).array
    assert x is not None
    ratio = value(p.log_prob(x)) - value(q.log_prob(x))
    estimate = ratio.mean(axis=0)
    error = ratio.std(axis=0) / numpy.sqrt(len(ratio))
    kl = value(D.kl_divergence(p, q))
    assert kl.shape == estimate.shape
    assert numpy.all(numpy.abs(kl - estimate) <= 5 * error + 1e-9), (kl, estimate, error)


def test_kl_exact_sums_for_discrete_distributions() -> None:
    p1, p2 = a(0.2, 0.7), a(0.6, 0.4)
    bern = value(D.kl_divergence(D.Bernoulli(p1), D.Bernoulli(logit=numpy.log(p2 / (1 - p2)))))
    expected = p1 * numpy.log(p1 / p2) + (1 - p1) * numpy.log((1 - p1) / (1 - p2))
    numpy.testing.assert_allclose(bern, expected, rtol=1e-12)

    k = numpy.arange(1, 400)[:, None]
    pmf1 = p1 * (1 - p1) ** (k - 1)
    pmf2 = p2 * (1 - p2) ** (k - 1)
    geometric = (pmf1 * numpy.log(pmf1 / pmf2)).sum(axis=0)
    numpy.testing.assert_allclose(
        value(D.kl_divergence(D.Geometric(p1), D.Geometric(p2))), geometric, rtol=1e-10
    )

    lam1, lam2 = a(0.5, 4.0), a(2.0, 3.0)
    stats = pytest.importorskip("scipy.stats")
    counts = numpy.arange(0, 200)[:, None]
    pmf1 = stats.poisson(lam1).pmf(counts)
    log_ratio = stats.poisson(lam1).logpmf(counts) - stats.poisson(lam2).logpmf(counts)
    numpy.testing.assert_allclose(
        value(D.kl_divergence(D.Poisson(lam1), D.Poisson(lam2))),
        (pmf1 * log_ratio).sum(axis=0),
        rtol=1e-10,
    )

    c1 = numpy.array([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5]])
    c2 = numpy.array([[0.4, 0.4, 0.2], [0.1, 0.1, 0.8]])
    terms = numpy.where(c1 > 0, c1 * numpy.log(numpy.where(c1 > 0, c1, 1) / c2), 0.0)
    exact = terms.sum(axis=-1)
    numpy.testing.assert_allclose(
        value(D.kl_divergence(D.Categorical(c1), D.Categorical(c2))), exact, rtol=1e-12
    )
    numpy.testing.assert_allclose(
        value(D.kl_divergence(D.OneHotCategorical(c1), D.OneHotCategorical(logit=numpy.log(c2)))),
        exact,
        rtol=1e-12,
    )


def test_kl_is_infinite_where_q_misses_mass() -> None:
    with numpy.errstate(all="raise"):
        uniform = D.kl_divergence(
            D.Uniform(low=a(0.0, 0.0), high=a(1.0, 1.0)),
            D.Uniform(low=a(-1.0, 0.5), high=a(2.0, 2.0)),
        )
        categorical = D.kl_divergence(
            D.Categorical(numpy.array([[0.5, 0.5]])), D.Categorical(numpy.array([[1.0, 0.0]]))
        )
        bernoulli = D.kl_divergence(D.Bernoulli(a(0.5)), D.Bernoulli(a(0.0)))
        pareto = D.kl_divergence(D.Pareto(a(1.0), a(2.0)), D.Pareto(a(2.0), a(2.0)))
    numpy.testing.assert_allclose(value(uniform), [numpy.log(3.0), numpy.inf])
    assert value(categorical)[0] == numpy.inf
    assert value(bernoulli)[0] == numpy.inf
    assert value(pareto)[0] == numpy.inf


def test_kl_gradients() -> None:
    rng = numpy.random.default_rng(0)
    m1, m2 = rng.normal(size=3), rng.normal(size=3)
    s1, s2 = rng.uniform(0.5, 2, 3), rng.uniform(0.5, 2, 3)
    gy = rng.normal(size=3)
    for make in (D.Normal, D.Laplace, D.LogNormal):

        def kl(
            x1: Variable, y1: Variable, x2: Variable, y2: Variable, make: Any = make
        ) -> Variable:
            return D.kl_divergence(make(x1, y1), make(x2, y2))

        gc.check_backward(kl, (m1, s1, m2, s2), gy, atol=1e-6, rtol=1e-5)
    gc.check_backward(
        lambda l1, l2: D.kl_divergence(D.Exponential(l1), D.Exponential(l2)),
        (s1, s2),
        gy,
        atol=1e-6,
        rtol=1e-5,
    )
    gc.check_backward(
        lambda x1, x2: D.kl_divergence(D.Bernoulli(logit=x1), D.Bernoulli(logit=x2)),
        (m1, m2),
        gy,
        atol=1e-6,
        rtol=1e-5,
    )


def test_cross_entropy() -> None:
    p, q = D.Normal(a(0.0), a(1.0)), D.Normal(a(1.0), a(2.0))
    expected = value(p.entropy) + value(D.kl_divergence(p, q))
    numpy.testing.assert_allclose(value(D.cross_entropy(p, q)), expected)


class TestRegistry:
    def test_missing_pair_names_both_classes(self) -> None:
        with pytest.raises(NotImplementedError, match="registered for Normal and Exponential"):
            D.kl_divergence(D.Normal(a(0.0), a(1.0)), D.Exponential(a(1.0)))

    def test_non_distribution_operand(self) -> None:
        with pytest.raises(TypeError, match="dist2 must be a Distribution, got int"):
            D.kl_divergence(D.Normal(a(0.0), a(1.0)), 3)  # type: ignore[arg-type]

    def test_register_rejects_non_distribution(self) -> None:
        with pytest.raises(TypeError, match="dist1 must be a Distribution subclass"):
            D.register_kl(int, D.Normal)  # type: ignore[type-var]

    def test_subclass_lookup_and_override(self) -> None:
        class Base(D.Distribution):
            pass

        class Child(Base):
            pass

        @D.register_kl(Base, Base)
        def _kl(p: Base, q: Base) -> Variable:
            return Variable(numpy.array(1.0))

        assert float(value(D.kl_divergence(Child(), Child()))) == 1.0

        @D.register_kl(Child, Base)
        def _kl_child(p: Child, q: Base) -> Variable:
            return Variable(numpy.array(2.0))

        assert float(value(D.kl_divergence(Child(), Child()))) == 2.0
        assert float(value(D.kl_divergence(Base(), Child()))) == 1.0

    def test_independent_kl_needs_equal_shapes(self) -> None:
        n = D.Normal(numpy.zeros((2, 3)), numpy.ones((2, 3)))
        with pytest.raises(ValueError, match="need equal batch and event shapes"):
            D.kl_divergence(D.Independent(n, 2), D.Independent(n, 1))


class TestConstructorErrors:
    def test_normal_scale_and_log_scale(self) -> None:
        with pytest.raises(ValueError, match="exactly one of scale and log_scale \\(got both\\)"):
            D.Normal(a(0.0), a(1.0), log_scale=a(0.0))
        with pytest.raises(
            ValueError, match="exactly one of scale and log_scale \\(got neither\\)"
        ):
            D.Normal(a(0.0))

    def test_mismatched_shapes(self) -> None:
        # Chainer 7.8.1 silently accepted Normal(zeros(3), ones(2)).
        with pytest.raises(
            ValueError, match=r"cannot be broadcast together, got loc: \(3,\), scale: \(2,\)"
        ):
            D.Normal(numpy.zeros(3), numpy.ones(2))
        with pytest.raises(ValueError, match=r"alpha: \(4,\)"):
            D.Pareto(numpy.ones(3), numpy.ones(4))

    def test_broadcastable_shapes_are_broadcast(self) -> None:
        loc = Variable(numpy.zeros((2, 3)))
        d = D.Normal(loc, numpy.ones(3))
        assert d.batch_shape == (2, 3)
        assert d.params["loc"] is loc
        assert d.params["scale"].shape == (2, 3)

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (
                lambda: D.Normal(a(0.0, 0.0), a(1.0, 0.0)),
                "Normal: scale must be positive, got a minimum of 0.0",
            ),
            (lambda: D.Laplace(a(0.0), a(-1.0)), "Laplace: scale must be positive"),
            (lambda: D.Gumbel(a(0.0), a(-1.0)), "Gumbel: scale must be positive"),
            (lambda: D.Cauchy(a(0.0), a(0.0)), "Cauchy: scale must be positive"),
            (lambda: D.Exponential(a(-2.0)), "Exponential: lam must be positive"),
            (lambda: D.LogNormal(a(0.0), a(-1.0)), "LogNormal: sigma must be positive"),
            (lambda: D.Pareto(a(1.0), a(0.0)), "Pareto: alpha must be positive"),
            (lambda: D.Uniform(loc=a(0.0), scale=a(0.0)), "Uniform: scale must be positive"),
            (lambda: D.Uniform(low=a(1.0), high=a(1.0)), "Uniform: high must be greater than low"),
            (
                lambda: D.Bernoulli(a(1.5)),
                r"Bernoulli: p must lie in \[0, 1\], got values from 1.5",
            ),
            (lambda: D.Geometric(a(0.0)), r"Geometric: p must lie in \(0, 1\]"),
            (lambda: D.Categorical(a(-0.1, 1.1)), r"Categorical: p must lie in \[0, 1\]"),
            (lambda: D.Gamma(a(0.0), a(1.0)), "Gamma: k must be positive"),
            (lambda: D.Beta(a(1.0), a(-1.0)), "Beta: b must be positive"),
            (lambda: D.Chisquare(a(0.0)), "Chisquare: k must be positive"),
            (lambda: D.Poisson(a(-1.0)), "Poisson: lam must be positive"),
            (lambda: D.Dirichlet(a(1.0, 0.0)), "Dirichlet: alpha must be positive"),
            (lambda: D.Dirichlet(numpy.array(1.0)), "Dirichlet: alpha needs a category axis"),
        ],
    )
    def test_constant_parameter_out_of_range(self, make: Any, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            make()

    def test_variables_are_not_range_checked(self) -> None:
        # A learned parameter is not read at construction (no GPU synchronisation).
        d = D.Normal(a(0.0), Variable(a(-1.0)))
        assert float(value(d.scale)[0]) == -1.0

    def test_pair_errors(self) -> None:
        with pytest.raises(ValueError, match="exactly one of p and logit \\(got both\\)"):
            D.Bernoulli(a(0.5), logit=a(0.0))
        with pytest.raises(ValueError, match="exactly one of p and logit \\(got neither\\)"):
            D.Categorical()
        with pytest.raises(ValueError, match="give either low and high or loc and scale, got low"):
            D.Uniform(low=a(0.0))
        with pytest.raises(ValueError, match="got low, scale"):
            D.Uniform(low=a(0.0), scale=a(1.0))
        with pytest.raises(ValueError, match="none of them"):
            D.Uniform()
        with pytest.raises(ValueError, match="scale_tril must be given"):
            D.MultivariateNormal(a(0.0, 0.0))
        with pytest.raises(
            ValueError,
            match=r"scale_tril must have shape loc.shape \+ \(d,\) = \(2, 2\), got \(3, 3\)",
        ):
            D.MultivariateNormal(a(0.0, 0.0), scale_tril=numpy.eye(3))

    def test_type_errors(self) -> None:
        with pytest.raises(
            TypeError, match="Normal: loc must be a Variable or an array, got float"
        ):
            D.Normal(0.0, a(1.0))  # type: ignore[arg-type]
        with pytest.raises(
            TypeError, match="Exponential: lam must be floating point, got dtype int64"
        ):
            D.Exponential(numpy.array([1, 2]))
        with pytest.raises(TypeError, match="share one dtype, got loc: float32, scale: float64"):
            D.Normal(numpy.zeros(2, numpy.float32), numpy.ones(2))
        with pytest.raises(TypeError, match="x must hold class indices, got float64"):
            D.Categorical(a(0.5, 0.5)).log_prob(a(1.0))
        with pytest.raises(
            TypeError, match="Independent: distribution must be a Distribution, got int"
        ):
            D.Independent(3)  # type: ignore[arg-type]

    def test_independent_ndims(self) -> None:
        n = D.Normal(numpy.zeros((2, 3)), numpy.ones((2, 3)))
        with pytest.raises(
            ValueError, match=r"reinterpreted_batch_ndims must be in \[0, 2\] .* got 3"
        ):
            D.Independent(n, 3)
        with pytest.raises(TypeError, match="must be an int or None, got float"):
            D.Independent(n, 1.0)  # type: ignore[arg-type]


class TestUndefinedMembers:
    def test_members_name_the_distribution(self) -> None:
        b = D.Bernoulli(a(0.5))
        with pytest.raises(NotImplementedError, match="Bernoulli does not define cdf"):
            b.cdf(a(0.0))
        with pytest.raises(NotImplementedError, match="Bernoulli does not define cdf"):
            b.log_cdf(a(0.0))
        with pytest.raises(NotImplementedError, match="Bernoulli does not define icdf"):
            b.icdf(a(0.5))
        with pytest.raises(NotImplementedError, match="Bernoulli does not define mode"):
            _ = b.mode
        with pytest.raises(NotImplementedError, match="Bernoulli does not define covariance"):
            _ = b.covariance
        with pytest.raises(NotImplementedError, match="Normal does not define perplexity"):
            D.Normal(a(0.0), a(1.0)).perplexity(a(0.0))
        with pytest.raises(NotImplementedError, match="Categorical does not define mean"):
            _ = D.Categorical(a(0.5, 0.5)).mean

    def test_independent_icdf(self) -> None:
        d = D.Independent(D.Normal(numpy.zeros((2, 3)), numpy.ones((2, 3))))
        # Chainer 7.8.1 raises RuntimeError; NotImplementedError is one.
        with pytest.raises(RuntimeError, match="not invertible"):
            d.icdf(numpy.full((2, 3), 0.5))

    def test_bare_base_class(self) -> None:
        class Empty(D.Distribution):
            pass

        e = Empty()
        with pytest.raises(NotImplementedError, match="Empty does not define batch_shape"):
            _ = e.batch_shape
        with pytest.raises(NotImplementedError, match="Empty does not define sample_n"):
            e.sample((2,))
        with pytest.raises(NotImplementedError, match="Empty does not define params"):
            _ = e.xp

    def test_sample_arguments(self) -> None:
        d = D.Normal(a(0.0), a(1.0))
        with pytest.raises(ValueError, match="n must be non-negative, got -1"):
            d.sample_n(-1)
        with pytest.raises(TypeError, match="n must be an int, got float"):
            d.sample_n(2.0)  # type: ignore[arg-type]
        with pytest.raises(
            ValueError, match=r"sample_shape must hold non-negative ints, got \(2, -1\)"
        ):
            d.sample((2, -1))
        with pytest.raises(
            TypeError, match="sample_shape must be an int or a tuple of ints, got list"
        ):
            d.sample([2])  # type: ignore[arg-type]


def test_repr_and_xp() -> None:
    d = D.Normal(numpy.zeros((2, 3)), numpy.ones((2, 3)))
    assert repr(d) == "Normal(batch_shape=(2, 3), event_shape=())"
    assert d.xp is numpy
