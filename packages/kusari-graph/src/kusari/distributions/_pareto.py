"""The Pareto distribution (:class:`Pareto`) and its KL divergence."""

from __future__ import annotations

import math
from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Pareto"]


@final
class Pareto(Distribution):
    """The Pareto distribution: density ``alpha scale**alpha / x**(alpha + 1)`` on ``x >= scale``.

    Sampling is reparameterized: ``scale * exp(eps / alpha)`` with standard exponential
    ``eps``.

    Args:
        scale: The minimum value (positive).
        alpha: The shape (positive), broadcastable with ``scale``.

    Raises:
        ValueError: If the shapes do not broadcast, or a constant parameter has an element
            that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Pareto(numpy.array([1.0, 2.0]), numpy.array([0.5, 3.0]))
        >>> d.mean.array.tolist()
        [inf, 3.0]
    """

    __slots__ = ("alpha", "scale")

    scale: Variable
    alpha: Variable

    def __init__(self, scale: VariableOrArray, alpha: VariableOrArray) -> None:
        _utils.check_positive(scale, "scale", "Pareto")
        _utils.check_positive(alpha, "alpha", "Pareto")
        self.scale, self.alpha = _utils.broadcast_params(
            "Pareto",
            ("scale", "alpha"),
            (_utils.as_param(scale, "scale", "Pareto"), _utils.as_param(alpha, "alpha", "Pareto")),
        )

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``scale``."""
        return self.scale.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'scale': ..., 'alpha': ...}``."""
        return {"scale": self.scale, "alpha": self.alpha}

    @property
    def support(self) -> str:
        """``'[scale, inf]'``."""
        return "[scale, inf]"

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``log(alpha) + alpha log(scale) - (alpha + 1) log(x)``; ``-inf`` below ``scale``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        value = _utils.as_value(x, self.scale)
        below = _utils.array_of(value) < _utils.array_of(self.scale)
        value = _utils.replace_outside(value, below, 1.0)
        alpha = self.alpha
        log_density = F.log(alpha) + alpha * F.log(self.scale) - (alpha + 1.0) * F.log(value)
        return _utils.mask_outside(log_density, below)

    @property
    def mean(self) -> Variable:
        """``alpha scale / (alpha - 1)`` for ``alpha > 1``, ``inf`` otherwise."""
        small = _utils.array_of(self.alpha) <= 1
        alpha = _utils.replace_outside(self.alpha, small, 2.0)
        return _utils.mask_outside(alpha * self.scale / (alpha - 1.0), small, math.inf)

    @property
    def variance(self) -> Variable:
        """``scale**2 alpha / ((alpha - 1)**2 (alpha - 2))`` for ``alpha > 2``, else ``inf``."""
        small = _utils.array_of(self.alpha) <= 2
        alpha = _utils.replace_outside(self.alpha, small, 3.0)
        shifted = alpha - 1.0
        value = self.scale * self.scale * alpha / (shifted * shifted * (alpha - 2.0))
        return _utils.mask_outside(value, small, math.inf)

    @property
    def entropy(self) -> Variable:
        """``log(scale / alpha) + 1 / alpha + 1``."""
        return F.log(self.scale / self.alpha) + 1.0 / self.alpha + 1.0

    def sample_n(self, n: int) -> Variable:
        """``scale * exp(eps / alpha)`` with standard exponential ``eps`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self.scale)
        eps: Array = xp.random.standard_exponential((n, *self.batch_shape)).astype(
            self.scale.dtype
        )
        return self.scale * F.exp(eps / self.alpha)


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p: Pareto, q: Pareto) -> Variable:
    kl = F.log(p.alpha / q.alpha) + q.alpha * F.log(p.scale / q.scale) + q.alpha / p.alpha - 1.0
    # Where p puts mass below q's minimum, q's density is 0 there.
    return _utils.mask_outside(kl, _utils.array_of(p.scale) < _utils.array_of(q.scale), math.inf)
