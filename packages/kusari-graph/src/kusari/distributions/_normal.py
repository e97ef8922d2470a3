"""The normal distribution (:class:`Normal`) and its KL divergence."""

from __future__ import annotations

from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Normal"]

_HALF_LOG_2PI_E = 0.5 * (_utils.LOG_2PI + 1.0)


@final
class Normal(Distribution):
    """The normal (Gaussian) distribution ``N(loc, scale**2)``, elementwise.

    Give exactly one of ``scale`` and ``log_scale``; with ``log_scale`` the density and the
    entropy use it directly (no ``log(exp(.))`` round trip), which is the usual choice for
    the encoder of a variational autoencoder.  Sampling is reparameterized:
    ``loc + scale * eps`` with ``eps ~ N(0, 1)``.

    Args:
        loc: The mean.
        scale: The standard deviation (positive), broadcastable with ``loc``.
        log_scale: The logarithm of the standard deviation (keyword only).

    Raises:
        ValueError: If both or neither of ``scale`` and ``log_scale`` are given, if the
            shapes do not broadcast, or if ``scale`` is a constant array with an element
            that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Normal(numpy.array([0.0, 1.0]), log_scale=numpy.array([0.0, 0.0]))
        >>> log_p = d.log_prob(numpy.array([0.0, 1.0]))
        >>> numpy.allclose(log_p.array, -0.5 * numpy.log(2 * numpy.pi))
        True
        >>> d.scale.array.tolist()
        [1.0, 1.0]
    """

    __slots__ = ("_log_scale", "_scale", "loc")

    loc: Variable
    _scale: Variable | None
    _log_scale: Variable | None

    def __init__(
        self,
        loc: VariableOrArray,
        scale: VariableOrArray | None = None,
        *,
        log_scale: VariableOrArray | None = None,
    ) -> None:
        if (scale is None) == (log_scale is None):
            raise ValueError(
                "Normal: give exactly one of scale and log_scale "
                f"(got {'both' if scale is not None else 'neither'})"
            )
        loc_v = _utils.as_param(loc, "loc", "Normal")
        if scale is not None:
            _utils.check_positive(scale, "scale", "Normal")
            other, name = _utils.as_param(scale, "scale", "Normal"), "scale"
        else:
            other, name = _utils.as_param(log_scale, "log_scale", "Normal"), "log_scale"
        self.loc, other = _utils.broadcast_params("Normal", ("loc", name), (loc_v, other))
        self._scale = other if scale is not None else None
        self._log_scale = other if scale is None else None

    @property
    def scale(self) -> Variable:
        """The standard deviation (``exp(log_scale)`` when built from ``log_scale``)."""
        if self._scale is not None:
            return self._scale
        assert self._log_scale is not None
        return F.exp(self._log_scale)

    @property
    def log_scale(self) -> Variable:
        """The logarithm of the standard deviation."""
        if self._log_scale is not None:
            return self._log_scale
        assert self._scale is not None
        return F.log(self._scale)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``loc``."""
        return self.loc.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``: each distribution is scalar."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'loc': ..., 'scale': ...}`` (as in Chainer, also when built from ``log_scale``)."""
        return {"loc": self.loc, "scale": self.scale}

    @property
    def support(self) -> str:
        """``'real'``."""
        return "real"

    def _standardize(self, x: VariableOrArray) -> Variable:
        return (_utils.as_value(x, self.loc) - self.loc) / self.scale

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``-((x - loc) / scale)**2 / 2 - log(scale) - log(2 pi) / 2``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        z = self._standardize(x)
        return -0.5 * z * z - self.log_scale - 0.5 * _utils.LOG_2PI

    def prob(self, x: VariableOrArray) -> Variable:
        """The density at ``x``.

        Args:
            x: Points of the batch shape.

        Returns:
            ``exp(log_prob(x))``.
        """
        return F.exp(self.log_prob(x))

    def cdf(self, x: VariableOrArray) -> Variable:
        """``ndtr((x - loc) / scale)``.

        Args:
            x: Points of the batch shape.

        Returns:
            ``P(X <= x)``.
        """
        return F.ndtr(self._standardize(x))

    def log_cdf(self, x: VariableOrArray) -> Variable:
        """``log_ndtr((x - loc) / scale)``: finite far into the lower tail.

        Args:
            x: Points of the batch shape.

        Returns:
            ``log P(X <= x)``.
        """
        return F.log_ndtr(self._standardize(x))

    def survival_function(self, x: VariableOrArray) -> Variable:
        """``ndtr(-(x - loc) / scale)`` (accurate in the upper tail).

        Args:
            x: Points of the batch shape.

        Returns:
            ``P(X > x)``.
        """
        return F.ndtr(-self._standardize(x))

    def log_survival_function(self, x: VariableOrArray) -> Variable:
        """``log_ndtr(-(x - loc) / scale)``: finite far into the upper tail.

        Args:
            x: Points of the batch shape.

        Returns:
            ``log P(X > x)``.
        """
        return F.log_ndtr(-self._standardize(x))

    def icdf(self, x: VariableOrArray) -> Variable:
        """``loc + scale * ndtri(x)``.

        Args:
            x: Probabilities in ``[0, 1]``.

        Returns:
            The quantiles.
        """
        p = _utils.as_value(x, self.loc)
        return self.loc + self.scale * F.ndtri(p)

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
        """``scale**2``."""
        scale = self.scale
        return scale * scale

    @property
    def stddev(self) -> Variable:
        """``scale``."""
        return self.scale

    @property
    def entropy(self) -> Variable:
        """``log(scale) + log(2 pi e) / 2``."""
        return self.log_scale + _HALF_LOG_2PI_E

    def sample_n(self, n: int) -> Variable:
        """``loc + scale * eps`` with ``eps ~ N(0, 1)`` (differentiable).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        xp = _utils.xp_of(self.loc)
        eps: Array = xp.random.standard_normal((n, *self.batch_shape)).astype(self.loc.dtype)
        return self.loc + self.scale * eps


@register_kl(Normal, Normal)
def _kl_normal_normal(p: Normal, q: Normal) -> Variable:
    ratio = p.scale / q.scale
    diff = (p.loc - q.loc) / q.scale
    return 0.5 * (ratio * ratio + diff * diff) - 0.5 + (q.log_scale - p.log_scale)
