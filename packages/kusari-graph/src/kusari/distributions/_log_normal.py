"""The log-normal distribution (:class:`LogNormal`) and its KL divergence."""

from __future__ import annotations

from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["LogNormal"]


@final
class LogNormal(Distribution):
    """The distribution of ``exp(Y)`` for ``Y ~ N(mu, sigma**2)``.

    Sampling is reparameterized: ``exp(mu + sigma * eps)`` with ``eps ~ N(0, 1)``.

    Args:
        mu: The mean of ``log(X)``.
        sigma: The standard deviation of ``log(X)`` (positive), broadcastable with ``mu``.

    Raises:
        ValueError: If the shapes do not broadcast, or ``sigma`` is a constant array with
            an element that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.LogNormal(numpy.array([0.0]), numpy.array([1.0]))
        >>> numpy.allclose(d.mean.array, numpy.exp(0.5))
        True
    """

    __slots__ = ("mu", "sigma")

    mu: Variable
    sigma: Variable

    def __init__(self, mu: VariableOrArray, sigma: VariableOrArray) -> None:
        _utils.check_positive(sigma, "sigma", "LogNormal")
        self.mu, self.sigma = _utils.broadcast_params(
            "LogNormal",
            ("mu", "sigma"),
            (_utils.as_param(mu, "mu", "LogNormal"), _utils.as_param(sigma, "sigma", "LogNormal")),
        )

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``mu``."""
        return self.mu.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'mu': ..., 'sigma': ...}``."""
        return {"mu": self.mu, "sigma": self.sigma}

    @property
    def support(self) -> str:
        """``'positive'``."""
        return "positive"

    def log_prob(self, x: VariableOrArray) -> Variable:
        """The normal log-density of ``log(x)`` minus ``log(x)``; ``-inf`` for ``x <= 0``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        value = _utils.as_value(x, self.mu)
        outside = _utils.array_of(value) <= 0
        log_x = F.log(_utils.replace_outside(value, outside, 1.0))
        z = (log_x - self.mu) / self.sigma
        log_density = -0.5 * z * z - F.log(self.sigma) - 0.5 * _utils.LOG_2PI - log_x
        return _utils.mask_outside(log_density, outside)

    @property
    def mean(self) -> Variable:
        """``exp(mu + sigma**2 / 2)``."""
        return F.exp(self.mu + 0.5 * self.sigma * self.sigma)

    @property
    def mode(self) -> Variable:
        """``exp(mu - sigma**2)`` (kusari's addition)."""
        return F.exp(self.mu - self.sigma * self.sigma)

    @property
    def variance(self) -> Variable:
        """``(exp(sigma**2) - 1) exp(2 mu + sigma**2)``."""
        s2 = self.sigma * self.sigma
        return F.expm1(s2) * F.exp(2.0 * self.mu + s2)

    @property
    def entropy(self) -> Variable:
        """``mu + log(sigma) + log(2 pi e) / 2``."""
        return self.mu + F.log(self.sigma) + 0.5 * (_utils.LOG_2PI + 1.0)

    def sample_n(self, n: int) -> Variable:
        """``exp(mu + sigma * eps)`` with ``eps ~ N(0, 1)`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self.mu)
        eps: Array = xp.random.standard_normal((n, *self.batch_shape)).astype(self.mu.dtype)
        return F.exp(self.mu + self.sigma * eps)


@register_kl(LogNormal, LogNormal)
def _kl_log_normal(p: LogNormal, q: LogNormal) -> Variable:
    ratio = p.sigma / q.sigma
    diff = (p.mu - q.mu) / q.sigma
    return 0.5 * (ratio * ratio + diff * diff) - 0.5 - F.log(ratio)
