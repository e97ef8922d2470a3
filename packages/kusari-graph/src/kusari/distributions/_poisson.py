"""The Poisson distribution (:class:`Poisson`) and its KL divergence."""

from __future__ import annotations

from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Poisson"]


@final
class Poisson(Distribution):
    """The Poisson distribution with rate ``lam``: ``P(X = x) = lam**x exp(-lam) / x!``.

    Samples are constants of ``lam``'s dtype.

    Args:
        lam: The rate (positive).

    Raises:
        ValueError: If ``lam`` is a constant array with an element that is not positive.
        TypeError: If ``lam`` is not a floating point Variable or array.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Poisson(numpy.array([2.0]))
        >>> numpy.allclose(d.prob(numpy.array([1.0])).array, 2 * numpy.exp(-2.0))
        True
    """

    __slots__ = ("lam",)

    lam: Variable

    def __init__(self, lam: VariableOrArray) -> None:
        _utils.check_positive(lam, "lam", "Poisson")
        self.lam = _utils.as_param(lam, "lam", "Poisson")

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``lam``."""
        return self.lam.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'lam': ...}``."""
        return {"lam": self.lam}

    @property
    def support(self) -> str:
        """``'non negative integer'``."""
        return "non negative integer"

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``x log(lam) - lam - lgamma(x + 1)``; ``-inf`` for ``x < 0``.

        Args:
            x: Counts of the batch shape.

        Returns:
            The log-probability.
        """
        value = _utils.as_value(x, self.lam)
        outside: Array = _utils.array_of(value) < 0
        value = _utils.replace_outside(value, outside, 0.0)
        log_prob = value * F.log(self.lam) - self.lam - F.lgamma(value + 1.0)
        return _utils.mask_outside(log_prob, outside)

    @property
    def mean(self) -> Variable:
        """``lam``."""
        return self.lam

    @property
    def variance(self) -> Variable:
        """``lam``."""
        return self.lam

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` counts (constants of ``lam``'s dtype).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        lam = _utils.array_of(self.lam)
        xp = _utils.xp_of(self.lam)
        draws: Array = xp.random.poisson(lam, size=(n, *lam.shape))
        return Variable(draws.astype(lam.dtype), requires_grad=False)


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p: Poisson, q: Poisson) -> Variable:
    return p.lam * (F.log(p.lam) - F.log(q.lam)) - p.lam + q.lam
