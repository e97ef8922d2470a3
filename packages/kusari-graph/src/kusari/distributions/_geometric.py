"""The geometric distribution (:class:`Geometric`) and its KL divergence."""

from __future__ import annotations

import math
from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Geometric"]


@final
class Geometric(Distribution):
    """The number of Bernoulli(``p``) trials up to and including the first success.

    The support is ``{1, 2, ...}``: ``P(X = x) = p (1 - p)**(x - 1)``.  Samples are
    constants of ``p``'s dtype.

    Args:
        p: The success probability, in ``(0, 1]``.

    Raises:
        ValueError: If ``p`` is a constant array with a value outside ``(0, 1]``.
        TypeError: If ``p`` is not a floating point Variable or array.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Geometric(numpy.array([0.5]))
        >>> d.prob(numpy.array([2.0])).array.tolist(), d.mean.array.tolist()
        ([0.25], [2.0])
    """

    __slots__ = ("p",)

    p: Variable

    def __init__(self, p: VariableOrArray) -> None:
        _utils.check_unit_interval(p, "p", "Geometric", closed=False)
        self.p = _utils.as_param(p, "p", "Geometric")

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``p``."""
        return self.p.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'p': ...}``."""
        return {"p": self.p}

    @property
    def support(self) -> str:
        """``'positive integer'``."""
        return "positive integer"

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``log(p) + (x - 1) log(1 - p)``; ``-inf`` below 1 (Chainer does not mask).

        Args:
            x: Points of the batch shape.

        Returns:
            The log-probability.
        """
        value = _utils.as_value(x, self.p)
        below = _utils.array_of(value) < 1
        value = _utils.replace_outside(value, below, 1.0)
        log_prob = F.log(self.p) + (value - 1.0) * _utils.safe_log(1.0 - self.p)
        return _utils.mask_outside(log_prob, below)

    @property
    def mean(self) -> Variable:
        """``1 / p``."""
        return 1.0 / self.p

    @property
    def mode(self) -> Variable:
        """``1``."""
        return Variable(_utils.full(self.p, 1.0), requires_grad=False)

    @property
    def variance(self) -> Variable:
        """``(1 - p) / p**2``."""
        return (1.0 - self.p) / (self.p * self.p)

    @property
    def entropy(self) -> Variable:
        """``-((1 - p) log(1 - p) + p log(p)) / p`` (kusari's addition)."""
        p = self.p
        q = 1.0 - p
        return -(q * _utils.safe_log(q) + p * F.log(p)) / p

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` samples (constants of ``p``'s dtype).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        p = _utils.array_of(self.p)
        xp = _utils.xp_of(self.p)
        draws: Array = xp.random.geometric(p, size=(n, *p.shape)).astype(p.dtype)
        return Variable(draws, requires_grad=False)


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p: Geometric, q: Geometric) -> Variable:
    p1, p2 = p.p, q.p
    kl = F.log(p1 / p2) + (1.0 - p1) / p1 * (_utils.safe_log(1.0 - p1) - _utils.safe_log(1.0 - p2))
    # q = 1 gives probability 0 to every x > 1, which p reaches unless p = 1.
    infinite = (_utils.array_of(p2) == 1) & (_utils.array_of(p1) < 1)
    return _utils.mask_outside(kl, infinite, math.inf)
