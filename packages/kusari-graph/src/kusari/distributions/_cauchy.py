"""The Cauchy distribution (:class:`Cauchy`)."""

from __future__ import annotations

import math
import warnings
from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._location_scale import LocationScale

__all__ = ["Cauchy"]


@final
class Cauchy(LocationScale):
    """The Cauchy distribution with density ``1 / (pi scale (1 + ((x - loc) / scale)**2))``.

    Its mean and variance do not exist: :attr:`mean` and :attr:`variance` are NaN and
    warn (``RuntimeWarning``), as in Chainer.  Sampling is reparameterized.

    Args:
        loc: The location (median and mode).
        scale: The scale (positive), broadcastable with ``loc``.

    Raises:
        ValueError: If the shapes do not broadcast, or ``scale`` is a constant array with
            an element that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Cauchy(numpy.array([0.0]), numpy.array([1.0]))
        >>> d.cdf(numpy.array([1.0])).array.tolist()
        [0.75]
    """

    __slots__ = ()

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``-log(pi scale) - log1p(z**2)`` with ``z = (x - loc) / scale``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        z = self._standardize(x)
        return -F.log1p(z * z) - self._log_scale() - math.log(math.pi)

    def cdf(self, x: VariableOrArray) -> Variable:
        """``1/2 + arctan(z) / pi``.

        Args:
            x: Points of the batch shape.

        Returns:
            ``P(X <= x)``.
        """
        return 0.5 + F.arctan(self._standardize(x)) / math.pi

    def icdf(self, x: VariableOrArray) -> Variable:
        """``loc + scale tan(pi (x - 1/2))``.

        Args:
            x: Probabilities in ``[0, 1]``.

        Returns:
            The quantiles.
        """
        p = _utils.as_value(x, self.loc)
        return self.loc + self.scale * F.tan(math.pi * (p - 0.5))

    @property
    def mean(self) -> Variable:
        """NaN (undefined), with a ``RuntimeWarning``."""
        warnings.warn(
            "the mean of the Cauchy distribution is undefined", RuntimeWarning, stacklevel=2
        )
        return Variable(_utils.full(self.loc, math.nan), requires_grad=False)

    @property
    def mode(self) -> Variable:
        """``loc``."""
        return self.loc

    @property
    def variance(self) -> Variable:
        """NaN (undefined), with a ``RuntimeWarning``."""
        warnings.warn(
            "the variance of the Cauchy distribution is undefined", RuntimeWarning, stacklevel=2
        )
        return Variable(_utils.full(self.loc, math.nan), requires_grad=False)

    @property
    def entropy(self) -> Variable:
        """``log(4 pi scale)``."""
        return self._log_scale() + math.log(4.0 * math.pi)

    def sample_n(self, n: int) -> Variable:
        """``loc + scale * eps`` with standard Cauchy ``eps`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self.loc)
        eps: Array = xp.random.standard_cauchy((n, *self.batch_shape)).astype(self.loc.dtype)
        return self.loc + self.scale * eps
