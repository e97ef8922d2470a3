"""The exponential distribution (:class:`Exponential`) and its KL divergence."""

from __future__ import annotations

from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Exponential"]


@final
class Exponential(Distribution):
    """The exponential distribution with rate ``lam``: density ``lam exp(-lam x)`` on ``x >= 0``.

    Sampling is reparameterized: ``eps / lam`` with standard exponential ``eps``.

    Args:
        lam: The rate (positive).

    Raises:
        ValueError: If ``lam`` is a constant array with an element that is not positive.
        TypeError: If ``lam`` is not a floating point Variable or array.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Exponential(numpy.array([2.0]))
        >>> d.mean.array.tolist(), d.cdf(numpy.array([-1.0])).array.tolist()
        ([0.5], [0.0])
    """

    __slots__ = ("lam",)

    lam: Variable

    def __init__(self, lam: VariableOrArray) -> None:
        _utils.check_positive(lam, "lam", "Exponential")
        self.lam = _utils.as_param(lam, "lam", "Exponential")

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
        """``'positive'``."""
        return "positive"

    def _value(self, x: VariableOrArray) -> tuple[Variable, Array]:
        value = _utils.as_value(x, self.lam)
        negative = _utils.array_of(value) < 0
        return _utils.replace_outside(value, negative, 0.0), negative

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``log(lam) - lam x`` for ``x >= 0``, ``-inf`` for ``x < 0``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        value, negative = self._value(x)
        return _utils.mask_outside(F.log(self.lam) - self.lam * value, negative)

    def cdf(self, x: VariableOrArray) -> Variable:
        """``1 - exp(-lam x)`` for ``x >= 0``, ``0`` below (Chainer gives negative values there).

        Args:
            x: Points of the batch shape.

        Returns:
            ``P(X <= x)``.
        """
        value, _ = self._value(x)
        return -F.expm1(-self.lam * value)

    def survival_function(self, x: VariableOrArray) -> Variable:
        """``exp(-lam x)`` for ``x >= 0``, ``1`` below.

        Args:
            x: Points of the batch shape.

        Returns:
            ``P(X > x)``.
        """
        value, _ = self._value(x)
        return F.exp(-self.lam * value)

    def log_survival_function(self, x: VariableOrArray) -> Variable:
        """``-lam x`` for ``x >= 0``, ``0`` below.

        Args:
            x: Points of the batch shape.

        Returns:
            ``log P(X > x)``.
        """
        value, _ = self._value(x)
        return -self.lam * value

    def icdf(self, x: VariableOrArray) -> Variable:
        """``-log(1 - x) / lam``.

        Args:
            x: Probabilities in ``[0, 1]``.

        Returns:
            The quantiles.
        """
        return -F.log1p(-_utils.as_value(x, self.lam)) / self.lam

    @property
    def mean(self) -> Variable:
        """``1 / lam``."""
        return 1.0 / self.lam

    @property
    def mode(self) -> Variable:
        """``0``."""
        return Variable(_utils.full(self.lam, 0.0), requires_grad=False)

    @property
    def variance(self) -> Variable:
        """``1 / lam**2``."""
        return 1.0 / (self.lam * self.lam)

    @property
    def stddev(self) -> Variable:
        """``1 / lam``."""
        return 1.0 / self.lam

    @property
    def entropy(self) -> Variable:
        """``1 - log(lam)``."""
        return 1.0 - F.log(self.lam)

    def sample_n(self, n: int) -> Variable:
        """``eps / lam`` with standard exponential ``eps`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self.lam)
        shape = (n, *self.batch_shape)
        eps: Array = xp.random.standard_exponential(shape).astype(self.lam.dtype)
        return (1.0 / self.lam) * eps


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p: Exponential, q: Exponential) -> Variable:
    ratio = q.lam / p.lam
    return ratio - F.log(ratio) - 1.0
