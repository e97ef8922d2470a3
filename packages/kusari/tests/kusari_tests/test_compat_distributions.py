"""Chainer-style ``chainer.distributions`` code on kusari after ``install_as_chainer()``."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

import kusari.distributions
from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_names(chainer: types.ModuleType) -> None:
    import chainer.distributions as D
    from chainer import distribution

    assert D is kusari.distributions
    assert chainer.Distribution is kusari.distributions.Distribution
    assert chainer.kl_divergence is kusari.distributions.kl_divergence
    assert chainer.register_kl is kusari.distributions.register_kl
    assert chainer.cross_entropy is kusari.distributions.cross_entropy
    assert distribution.Distribution is kusari.distributions.Distribution


def test_vae_loss(chainer: types.ModuleType) -> None:
    import chainer.distributions as D
    import chainer.functions as F
    import chainer.links as L

    rng = numpy.random.default_rng(0)
    x = rng.uniform(0, 1, (4, 6)) > 0.5
    x = x.astype(numpy.float32)

    chain: Any = chainer.Chain

    class VAE(chain):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.enc = L.Linear(6, 2 * 2)
                self.dec = L.Linear(2, 6)

        def __call__(self, x: Any) -> Any:
            h = self.enc(x)
            mu, ln_sigma = F.split_axis(h, 2, axis=1)
            q_z = D.Independent(D.Normal(mu, log_scale=ln_sigma))
            prior = D.Independent(
                D.Normal(numpy.zeros((4, 2), numpy.float32), numpy.ones((4, 2), numpy.float32))
            )
            z = q_z.sample()
            p_x = D.Independent(D.Bernoulli(logit=self.dec(z)))
            reconstr = F.mean(p_x.log_prob(x))
            kl = F.mean(chainer.kl_divergence(q_z, prior))
            return -reconstr + kl

    numpy.random.seed(0)  # noqa: NPY002
    model = VAE()
    optimizer = chainer.optimizers.Adam()
    optimizer.setup(model)
    loss = model(x)
    assert loss.shape == ()
    assert numpy.isfinite(loss.array)
    model.cleargrads()
    loss.backward()
    assert model.enc.W.grad is not None
    assert numpy.abs(model.enc.W.grad).sum() > 0
    assert numpy.abs(model.dec.W.grad).sum() > 0
    before = model.enc.W.array.copy()
    optimizer.update()
    assert not numpy.array_equal(before, model.enc.W.array)


def test_kl_values_as_in_chainer(chainer: types.ModuleType) -> None:
    import chainer.distributions as D

    # KL(N(0, 1) || N(1, 2)) = log 2 + (1 + 1) / 8 - 1/2.
    p = D.Normal(numpy.array([0.0], numpy.float32), numpy.array([1.0], numpy.float32))
    q = D.Normal(numpy.array([1.0], numpy.float32), numpy.array([2.0], numpy.float32))
    kl = chainer.kl_divergence(p, q)
    numpy.testing.assert_allclose(kl.array, [numpy.log(2.0) + 0.25 - 0.5], rtol=1e-6)

    @chainer.register_kl(D.Cauchy, D.Cauchy)  # type: ignore[untyped-decorator]
    def _kl_cauchy(a: Any, b: Any) -> Any:
        return chainer.functions.log(a.scale / b.scale) * 0.0

    c = D.Cauchy(numpy.zeros(2, numpy.float32), numpy.ones(2, numpy.float32))
    numpy.testing.assert_array_equal(chainer.kl_divergence(c, c).array, [0.0, 0.0])
