"""The Gumbel distribution (:class:`Gumbel`)."""

from __future__ import annotations

import math
from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._kl import register_kl
from ._location_scale import LocationScale

__all__ = ["Gumbel"]


@final
class Gumbel(LocationScale):
    """The Gumbel (type-I extreme value) distribution, ``cdf(x) = exp(-exp(-(x - loc) / scale))``.

    Sampling is reparameterized: ``loc + scale * eps`` with standard Gumbel ``eps``.

    Args:
        loc: The location (the mode).
        scale: The scale (positive), broadcastable with ``loc``.

    Raises:
        ValueError: If the shapes do not broadcast, or ``scale`` is a constant array with
            an element that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Gumbel(numpy.array([0.0]), numpy.array([1.0]))
        >>> numpy.allclose(d.mean.array, 0.5772156649)
        True
    """

    __slots__ = ()

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``-z - exp(-z) - log(scale)`` with ``z = (x - loc) / scale``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        z = self._standardize(x)
        return -z - F.exp(-z) - self._log_scale()

    def cdf(self, x: VariableOrArray) -> Variable:
        """``exp(-exp(-z))`` (kusari's addition).

        Args:
            x: Points of the batch shape.

        Returns:
            ``P(X <= x)``.
        """
        return F.exp(-F.exp(-self._standardize(x)))

    def icdf(self, x: VariableOrArray) -> Variable:
        """``loc - scale log(-log(x))`` (kusari's addition).

        Args:
            x: Probabilities in ``[0, 1]``.

        Returns:
            The quantiles.
        """
        p = _utils.as_value(x, self.loc)
        return self.loc - self.scale * F.log(-F.log(p))

    @property
    def mean(self) -> Variable:
        """``loc + scale * euler_gamma``."""
        return self.loc + _utils.EULER_GAMMA * self.scale

    @property
    def mode(self) -> Variable:
        """``loc``."""
        return self.loc

    @property
    def variance(self) -> Variable:
        """``(pi scale)**2 / 6``."""
        return (math.pi * math.pi / 6.0) * self.scale * self.scale

    @property
    def entropy(self) -> Variable:
        """``log(scale) + euler_gamma + 1``."""
        return self._log_scale() + (_utils.EULER_GAMMA + 1.0)

    def sample_n(self, n: int) -> Variable:
        """``loc + scale * eps`` with standard Gumbel ``eps`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self.loc)
        eps: Array = xp.random.gumbel(size=(n, *self.batch_shape)).astype(self.loc.dtype)
        return self.loc + self.scale * eps


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p: Gumbel, q: Gumbel) -> Variable:
    # E_p[exp(-(x - loc_q) / scale_q)] = exp((loc_q - loc_p) / scale_q) Gamma(1 + r).
    ratio = p.scale / q.scale
    shift = (p.loc - q.loc) / q.scale
    return (
        F.log(q.scale)
        - F.log(p.scale)
        + _utils.EULER_GAMMA * (ratio - 1.0)
        + shift
        + F.exp(F.lgamma(ratio + 1.0) - shift)
        - 1.0
    )
