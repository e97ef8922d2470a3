"""The continuous uniform distribution (:class:`Uniform`) and its KL divergence."""

from __future__ import annotations

import math
from typing import final

import numpy

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Uniform"]


@final
class Uniform(Distribution):
    """The uniform distribution on ``[low, high]``, given as ``low/high`` or ``loc/scale``.

    The parameters are keyword only, as in Chainer: either ``low`` and ``high``, or ``loc``
    (``= low``) and ``scale`` (``= high - low``).  :attr:`params` holds the pair the
    distribution was built from.  Sampling is reparameterized: ``low + (high - low) * u``
    with ``u ~ U(0, 1)``.

    Args:
        low: The lower bound.
        high: The upper bound (greater than ``low``).
        loc: The lower bound, with ``scale``.
        scale: The width ``high - low`` (positive), with ``loc``.

    Raises:
        ValueError: If not exactly one of the pairs is given, the shapes do not broadcast,
            or constant bounds have ``high <= low`` (``scale <= 0``).
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Uniform(low=numpy.array([0.0]), high=numpy.array([4.0]))
        >>> d.cdf(numpy.array([1.0])).array.tolist(), d.mean.array.tolist()
        ([0.25], [2.0])
        >>> D.Uniform(loc=numpy.array([1.0]), scale=numpy.array([2.0])).high.array.tolist()
        [3.0]
    """

    __slots__ = ("_by_bounds", "_first", "_second")

    _first: Variable
    _second: Variable
    _by_bounds: bool

    def __init__(
        self,
        *,
        low: VariableOrArray | None = None,
        high: VariableOrArray | None = None,
        loc: VariableOrArray | None = None,
        scale: VariableOrArray | None = None,
    ) -> None:
        bounds = low is not None and high is not None and loc is None and scale is None
        shifted = loc is not None and scale is not None and low is None and high is None
        if not (bounds or shifted):
            given = [
                n
                for n, v in (("low", low), ("high", high), ("loc", loc), ("scale", scale))
                if v is not None
            ]
            raise ValueError(
                "Uniform: give either low and high or loc and scale, "
                f"got {', '.join(given) if given else 'none of them'}"
            )
        if bounds:
            names = ("low", "high")
            first = _utils.as_param(low, "low", "Uniform")
            second = _utils.as_param(high, "high", "Uniform")
        else:
            names = ("loc", "scale")
            _utils.check_positive(scale, "scale", "Uniform")
            first = _utils.as_param(loc, "loc", "Uniform")
            second = _utils.as_param(scale, "scale", "Uniform")
        first, second = _utils.broadcast_params("Uniform", names, (first, second))
        if bounds and not isinstance(low, Variable) and not isinstance(high, Variable):
            width = _utils.array_of(second) - _utils.array_of(first)
            if width.size and not float(width.min()) > 0:
                raise ValueError("Uniform: high must be greater than low everywhere")
        self._first, self._second, self._by_bounds = first, second, bounds

    @property
    def low(self) -> Variable:
        """The lower bound."""
        return self._first

    @property
    def high(self) -> Variable:
        """The upper bound."""
        return self._second if self._by_bounds else self._first + self._second

    @property
    def loc(self) -> Variable:
        """The lower bound (Chainer's ``loc``)."""
        return self._first

    @property
    def scale(self) -> Variable:
        """The width ``high - low``."""
        return self._second - self._first if self._by_bounds else self._second

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of the bounds."""
        return self._first.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'low', 'high'}`` or ``{'loc', 'scale'}``: the pair given to the constructor."""
        if self._by_bounds:
            return {"low": self._first, "high": self._second}
        return {"loc": self._first, "scale": self._second}

    @property
    def support(self) -> str:
        """``'[low, high]'``."""
        return "[low, high]"

    def _outside(self, x: Variable) -> Array:
        value = _utils.array_of(x)
        outside: Array = (value < _utils.array_of(self.low)) | (value > _utils.array_of(self.high))
        return outside

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``-log(high - low)`` on ``[low, high]``, ``-inf`` elsewhere.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        value = _utils.as_value(x, self._first)
        shape = numpy.broadcast_shapes(value.shape, self.batch_shape)
        log_density = F.broadcast_to(-F.log(self.scale), shape)
        return _utils.mask_outside(log_density, self._outside(value))

    def cdf(self, x: VariableOrArray) -> Variable:
        """``(x - low) / (high - low)``, clipped to ``[0, 1]``.

        Args:
            x: Points of the batch shape.

        Returns:
            ``P(X <= x)``.
        """
        value = _utils.as_value(x, self._first)
        return F.clip((value - self.low) / self.scale, 0.0, 1.0)

    def icdf(self, x: VariableOrArray) -> Variable:
        """``low + x (high - low)``.

        Args:
            x: Probabilities in ``[0, 1]``.

        Returns:
            The quantiles.
        """
        return self.low + _utils.as_value(x, self._first) * self.scale

    @property
    def mean(self) -> Variable:
        """``(low + high) / 2``."""
        return self.low + 0.5 * self.scale

    @property
    def variance(self) -> Variable:
        """``(high - low)**2 / 12``."""
        scale = self.scale
        return scale * scale / 12.0

    @property
    def stddev(self) -> Variable:
        """``(high - low) / sqrt(12)``."""
        return self.scale / math.sqrt(12.0)

    @property
    def entropy(self) -> Variable:
        """``log(high - low)``."""
        return F.log(self.scale)

    def sample_n(self, n: int) -> Variable:
        """``low + (high - low) u`` with ``u ~ U(0, 1)`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self._first)
        u: Array = xp.random.random_sample((n, *self.batch_shape)).astype(self._first.dtype)
        return self.low + self.scale * u


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p: Uniform, q: Uniform) -> Variable:
    kl = F.log(q.scale) - F.log(p.scale)
    outside = (_utils.array_of(p.low) < _utils.array_of(q.low)) | (
        _utils.array_of(p.high) > _utils.array_of(q.high)
    )
    return _utils.mask_outside(kl, outside, math.inf)
