"""The gamma and chi-square distributions (:class:`Gamma`, :class:`Chisquare`)."""

from __future__ import annotations

import math
from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Chisquare", "Gamma"]


def _log_density(k: Variable, theta_log: Variable | float, x: Variable) -> Variable:
    """``(k - 1) log(x) - lgamma(k) - k log(theta)`` without the ``-x / theta`` term."""
    return (k - 1.0) * F.log(x) - F.lgamma(k) - k * theta_log


def _positive_points(x: VariableOrArray, like: Variable) -> tuple[Variable, Array]:
    value = _utils.as_value(x, like)
    outside: Array = _utils.array_of(value) <= 0
    return _utils.replace_outside(value, outside, 1.0), outside


@final
class Gamma(Distribution):
    """The gamma distribution with shape ``k`` and scale ``theta``.

    Density ``x**(k - 1) exp(-x / theta) / (Gamma(k) theta**k)`` on ``x > 0``.  Samples
    are constants (not reparameterized), as in Chainer.

    Args:
        k: The shape (positive).
        theta: The scale (positive), broadcastable with ``k``.

    Raises:
        ValueError: If the shapes do not broadcast, or a constant parameter has an element
            that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Gamma(numpy.array([2.0]), numpy.array([3.0]))
        >>> d.mean.array.tolist(), d.variance.array.tolist()
        ([6.0], [18.0])
    """

    __slots__ = ("k", "theta")

    k: Variable
    theta: Variable

    def __init__(self, k: VariableOrArray, theta: VariableOrArray) -> None:
        _utils.check_positive(k, "k", "Gamma")
        _utils.check_positive(theta, "theta", "Gamma")
        self.k, self.theta = _utils.broadcast_params(
            "Gamma",
            ("k", "theta"),
            (_utils.as_param(k, "k", "Gamma"), _utils.as_param(theta, "theta", "Gamma")),
        )

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``k``."""
        return self.k.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'k': ..., 'theta': ...}``."""
        return {"k": self.k, "theta": self.theta}

    @property
    def support(self) -> str:
        """``'positive'``."""
        return "positive"

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``(k - 1) log(x) - x / theta - lgamma(k) - k log(theta)``; ``-inf`` for ``x <= 0``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        value, outside = _positive_points(x, self.k)
        log_density = _log_density(self.k, F.log(self.theta), value) - value / self.theta
        return _utils.mask_outside(log_density, outside)

    @property
    def mean(self) -> Variable:
        """``k theta``."""
        return self.k * self.theta

    @property
    def variance(self) -> Variable:
        """``k theta**2``."""
        return self.k * self.theta * self.theta

    @property
    def entropy(self) -> Variable:
        """``k + log(theta) + lgamma(k) + (1 - k) digamma(k)``."""
        k = self.k
        return k + F.log(self.theta) + F.lgamma(k) + (1.0 - k) * F.digamma(k)

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` samples (constants of the parameters' dtype).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        k, theta = _utils.array_of(self.k), _utils.array_of(self.theta)
        xp = _utils.xp_of(self.k)
        draws: Array = xp.random.standard_gamma(k, size=(n, *k.shape)) * theta
        return Variable(draws.astype(k.dtype), requires_grad=False)


@final
class Chisquare(Distribution):
    """The chi-square distribution with ``k`` degrees of freedom (``Gamma(k / 2, 2)``).

    Args:
        k: The degrees of freedom (positive).

    Raises:
        ValueError: If ``k`` is a constant array with an element that is not positive.
        TypeError: If ``k`` is not a floating point Variable or array.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Chisquare(numpy.array([3.0]))
        >>> d.mean.array.tolist(), d.variance.array.tolist()
        ([3.0], [6.0])
    """

    __slots__ = ("k",)

    k: Variable

    def __init__(self, k: VariableOrArray) -> None:
        _utils.check_positive(k, "k", "Chisquare")
        self.k = _utils.as_param(k, "k", "Chisquare")

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``k``."""
        return self.k.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'k': ...}``."""
        return {"k": self.k}

    @property
    def support(self) -> str:
        """``'positive'``."""
        return "positive"

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``(k/2 - 1) log(x) - x/2 - lgamma(k/2) - (k/2) log(2)``; ``-inf`` for ``x <= 0``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        value, outside = _positive_points(x, self.k)
        log_density = _log_density(0.5 * self.k, math.log(2.0), value) - 0.5 * value
        return _utils.mask_outside(log_density, outside)

    @property
    def mean(self) -> Variable:
        """``k``."""
        return self.k

    @property
    def variance(self) -> Variable:
        """``2 k``."""
        return 2.0 * self.k

    @property
    def entropy(self) -> Variable:
        """``k/2 + log(2) + lgamma(k/2) + (1 - k/2) digamma(k/2)``."""
        half = 0.5 * self.k
        return half + math.log(2.0) + F.lgamma(half) + (1.0 - half) * F.digamma(half)

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` samples (constants of ``k``'s dtype).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        k = _utils.array_of(self.k)
        xp = _utils.xp_of(self.k)
        draws: Array = xp.random.chisquare(k, size=(n, *k.shape))
        return Variable(draws.astype(k.dtype), requires_grad=False)


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p: Gamma, q: Gamma) -> Variable:
    k1, k2, t1, t2 = p.k, q.k, p.theta, q.theta
    return (
        (k1 - k2) * F.digamma(k1)
        - F.lgamma(k1)
        + F.lgamma(k2)
        + k2 * (F.log(t2) - F.log(t1))
        + k1 * (t1 - t2) / t2
    )
