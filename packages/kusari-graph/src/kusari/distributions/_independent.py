"""Reinterpreting batch axes as event axes (:class:`Independent`)."""

from __future__ import annotations

from typing import final

import kusari.functions as F
from kusari.graph import Variable, VariableOrArray

from ._distribution import Distribution
from ._kl import kl_divergence, register_kl

__all__ = ["Independent"]


@final
class Independent(Distribution):
    """A distribution whose last ``reinterpreted_batch_ndims`` batch axes become event axes.

    The wrapped batch elements are independent, so log-probabilities, log-cdfs and
    entropies are summed (probabilities and cdfs multiplied) over the reinterpreted axes;
    the moments and samples are those of the wrapped distribution.

    Args:
        distribution: The distribution to wrap.
        reinterpreted_batch_ndims: How many trailing batch axes to reinterpret; ``None``
            means all but the first (as in Chainer).

    Raises:
        TypeError: If ``distribution`` is not a :class:`Distribution` or the count is not
            an int.
        ValueError: If the count is negative or exceeds the wrapped batch rank.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> base = D.Normal(numpy.zeros((4, 3)), numpy.ones((4, 3)))
        >>> d = D.Independent(base)
        >>> d.batch_shape, d.event_shape, d.log_prob(numpy.zeros((4, 3))).shape
        ((4,), (3,), (4,))
    """

    __slots__ = ("distribution", "reinterpreted_batch_ndims")

    distribution: Distribution
    reinterpreted_batch_ndims: int

    def __init__(
        self, distribution: Distribution, reinterpreted_batch_ndims: int | None = None
    ) -> None:
        if not isinstance(distribution, Distribution):
            raise TypeError(
                "Independent: distribution must be a Distribution, got "
                f"{type(distribution).__name__}"
            )
        rank = len(distribution.batch_shape)
        if reinterpreted_batch_ndims is None:
            count = max(rank - 1, 0)
        elif isinstance(reinterpreted_batch_ndims, bool) or not isinstance(
            reinterpreted_batch_ndims, int
        ):
            raise TypeError(
                "Independent: reinterpreted_batch_ndims must be an int or None, got "
                f"{type(reinterpreted_batch_ndims).__name__}"
            )
        else:
            count = reinterpreted_batch_ndims
        if not 0 <= count <= rank:
            raise ValueError(
                f"Independent: reinterpreted_batch_ndims must be in [0, {rank}] (the batch "
                f"rank of the distribution), got {count}"
            )
        self.distribution = distribution
        self.reinterpreted_batch_ndims = count

    def _event_axes_sum(self, value: Variable) -> Variable:
        # The wrapped statistic has the wrapped batch shape, which ends in the
        # reinterpreted axes.
        count = self.reinterpreted_batch_ndims
        if count == 0:
            return value
        return F.sum(value, axis=tuple(range(-count, 0)))

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The wrapped batch shape without the reinterpreted axes."""
        shape = self.distribution.batch_shape
        return shape[: len(shape) - self.reinterpreted_batch_ndims]

    @property
    def event_shape(self) -> tuple[int, ...]:
        """The reinterpreted axes followed by the wrapped event shape."""
        shape = self.distribution.batch_shape
        kept = len(shape) - self.reinterpreted_batch_ndims
        return shape[kept:] + self.distribution.event_shape

    @property
    def params(self) -> dict[str, Variable]:
        """The wrapped distribution's parameters."""
        return self.distribution.params

    @property
    def support(self) -> str:
        """The wrapped distribution's support."""
        return self.distribution.support

    def log_prob(self, x: VariableOrArray) -> Variable:
        """The wrapped log-probabilities summed over the reinterpreted axes.

        Args:
            x: Points of shape ``batch_shape + event_shape``.

        Returns:
            The log-probability, of the batch shape.
        """
        return self._event_axes_sum(self.distribution.log_prob(x))

    def cdf(self, x: VariableOrArray) -> Variable:
        """The joint cdf: the product of the wrapped cdfs over the reinterpreted axes.

        Args:
            x: Points of shape ``batch_shape + event_shape``.

        Returns:
            ``P(X <= x)`` elementwise over the event, of the batch shape.
        """
        return F.exp(self.log_cdf(x))

    def log_cdf(self, x: VariableOrArray) -> Variable:
        """The sum of the wrapped log-cdfs over the reinterpreted axes.

        Args:
            x: Points of shape ``batch_shape + event_shape``.

        Returns:
            ``log P(X <= x)``, of the batch shape.
        """
        return self._event_axes_sum(self.distribution.log_cdf(x))

    def survival_function(self, x: VariableOrArray) -> Variable:
        """The product of the wrapped survival functions: ``P(X > x)`` in every component.

        Args:
            x: Points of shape ``batch_shape + event_shape``.

        Returns:
            The joint survival function, of the batch shape.
        """
        return F.exp(self.log_survival_function(x))

    def log_survival_function(self, x: VariableOrArray) -> Variable:
        """The sum of the wrapped log-survival functions over the reinterpreted axes.

        Args:
            x: Points of shape ``batch_shape + event_shape``.

        Returns:
            The log of the joint survival function, of the batch shape.
        """
        return self._event_axes_sum(self.distribution.log_survival_function(x))

    def icdf(self, x: VariableOrArray) -> Variable:
        """Not defined: a joint cdf over several axes has no inverse.

        Args:
            x: Unused.

        Returns:
            Nothing; always raises.

        Raises:
            NotImplementedError: Always (a ``RuntimeError``, as Chainer raises).
        """
        raise NotImplementedError(
            "Independent does not define icdf: the joint cdf of several variables is not "
            "invertible"
        )

    @property
    def mean(self) -> Variable:
        """The wrapped mean."""
        return self.distribution.mean

    @property
    def mode(self) -> Variable:
        """The wrapped mode."""
        return self.distribution.mode

    @property
    def variance(self) -> Variable:
        """The wrapped variance."""
        return self.distribution.variance

    @property
    def stddev(self) -> Variable:
        """The wrapped standard deviation."""
        return self.distribution.stddev

    @property
    def entropy(self) -> Variable:
        """The wrapped entropies summed over the reinterpreted axes."""
        return self._event_axes_sum(self.distribution.entropy)

    def sample_n(self, n: int) -> Variable:
        """The wrapped distribution's samples.

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape + event_shape``.
        """
        return self.distribution.sample_n(n)


@register_kl(Independent, Independent)
def _kl_independent(p: Independent, q: Independent) -> Variable:
    if p.event_shape != q.event_shape or p.batch_shape != q.batch_shape:
        raise ValueError(
            "kl_divergence: Independent operands need equal batch and event shapes, got "
            f"{p.batch_shape}/{p.event_shape} and {q.batch_shape}/{q.event_shape}"
        )
    # Both reinterpret the same trailing axes once the event shapes match.
    return p._event_axes_sum(kl_divergence(p.distribution, q.distribution))
