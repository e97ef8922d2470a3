"""The Laplace distribution (:class:`Laplace`) and its KL divergence."""

from __future__ import annotations

import math
from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._kl import register_kl
from ._location_scale import LocationScale

__all__ = ["Laplace"]

_LOG_2 = math.log(2.0)


@final
class Laplace(LocationScale):
    """The Laplace distribution: density ``exp(-|x - loc| / scale) / (2 scale)``.

    Sampling is reparameterized: ``loc + scale * eps`` with standard Laplace ``eps``.

    Args:
        loc: The location (mean, median and mode).
        scale: The scale (positive), broadcastable with ``loc``.

    Raises:
        ValueError: If the shapes do not broadcast, or ``scale`` is a constant array with
            an element that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Laplace(numpy.array([0.0]), numpy.array([1.0]))
        >>> d.cdf(numpy.array([0.0])).array.tolist(), d.variance.array.tolist()
        ([0.5], [2.0])
    """

    __slots__ = ()

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``-|x - loc| / scale - log(2 scale)``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        return -F.absolute(self._standardize(x)) - self._log_scale() - _LOG_2

    def cdf(self, x: VariableOrArray) -> Variable:
        """``1/2 - sign(z) expm1(-|z|) / 2`` with ``z = (x - loc) / scale``.

        Args:
            x: Points of the batch shape.

        Returns:
            ``P(X <= x)``.
        """
        z = self._standardize(x)
        sign: Array = _utils.xp_of(z).sign(_utils.array_of(z))
        return 0.5 - 0.5 * (F.expm1(-F.absolute(z)) * sign)

    def icdf(self, x: VariableOrArray) -> Variable:
        """``loc - scale sign(x - 1/2) log(1 - 2 |x - 1/2|)``.

        Args:
            x: Probabilities in ``[0, 1]``.

        Returns:
            The quantiles.
        """
        centered = _utils.as_value(x, self.loc) - 0.5
        sign: Array = _utils.xp_of(centered).sign(_utils.array_of(centered))
        return self.loc - self.scale * (F.log1p(-2.0 * F.absolute(centered)) * sign)

    @property
    def mean(self) -> Variable:
        """``loc``."""
        return self.loc

    @property
    def mode(self) -> Variable:
        """``loc``."""
        return self.loc

    @property
    def variance(self) -> Variable:
        """``2 scale**2``."""
        return 2.0 * self.scale * self.scale

    @property
    def stddev(self) -> Variable:
        """``sqrt(2) scale``."""
        return math.sqrt(2.0) * self.scale

    @property
    def entropy(self) -> Variable:
        """``log(2 scale) + 1``."""
        return self._log_scale() + (_LOG_2 + 1.0)

    def sample_n(self, n: int) -> Variable:
        """``loc + scale * eps`` with standard Laplace ``eps`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self.loc)
        eps: Array = xp.random.laplace(size=(n, *self.batch_shape)).astype(self.loc.dtype)
        return self.loc + self.scale * eps


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p: Laplace, q: Laplace) -> Variable:
    distance = F.absolute(p.loc - q.loc)
    ratio = p.scale / q.scale
    return distance / q.scale + ratio * F.exp(-distance / p.scale) - F.log(ratio) - 1.0
