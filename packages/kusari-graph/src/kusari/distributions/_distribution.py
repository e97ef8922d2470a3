"""The :class:`Distribution` base class (Chainer's ``chainer.Distribution``)."""

from __future__ import annotations

from types import ModuleType

import kusari.functions as F
from kusari.graph import Variable, VariableOrArray

from . import _utils

__all__ = ["Distribution"]


class Distribution:
    """A probability distribution whose parameters are Variables.

    Every statistic a subclass computes is a Variable built from :mod:`kusari.functions`
    ops, so it can be differentiated with respect to the parameters.  A distribution has a
    :attr:`batch_shape` (independent, not necessarily identical, distributions) and an
    :attr:`event_shape` (the shape of one draw); :meth:`sample` returns arrays of
    ``sample_shape + batch_shape + event_shape``.

    A subclass defines :attr:`batch_shape`, :attr:`event_shape`, :attr:`params`,
    :meth:`sample_n` and whichever statistics it has.  Some members are derived here from
    others: :meth:`prob` from :meth:`log_prob`, :attr:`stddev` from :attr:`variance`,
    :meth:`log_cdf` and :meth:`survival_function` from :meth:`cdf`,
    :meth:`log_survival_function` from :meth:`survival_function`, and :meth:`sample` from
    :meth:`sample_n`.  A member that a distribution does not define raises
    :class:`NotImplementedError` naming the distribution and the member.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Normal(numpy.zeros(2, numpy.float32), numpy.ones(2, numpy.float32))
        >>> isinstance(d, D.Distribution), d.batch_shape, d.event_shape
        (True, (2,), ())
        >>> d.sample((3,)).shape
        (3, 2)
    """

    __slots__ = ()

    def _undefined(self, member: str) -> NotImplementedError:
        return NotImplementedError(f"{type(self).__name__} does not define {member}")

    # Shapes and parameters.

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of the batch of distributions this object holds."""
        raise self._undefined("batch_shape")

    @property
    def event_shape(self) -> tuple[int, ...]:
        """The shape of one draw (``()`` for a scalar distribution)."""
        raise self._undefined("event_shape")

    @property
    def params(self) -> dict[str, Variable]:
        """The parameters, by name (the Variables the distribution was built from)."""
        raise self._undefined("params")

    @property
    def xp(self) -> ModuleType:
        """The array module (:mod:`numpy` or ``cupy``) of the parameters."""
        for param in self.params.values():
            return _utils.xp_of(param)
        raise self._undefined("xp")

    # Densities and distribution functions.

    def log_prob(self, x: VariableOrArray) -> Variable:
        """The logarithm of the probability (density or mass) at ``x``.

        Args:
            x: Points of shape ``batch_shape + event_shape`` (or broadcastable to it).

        Returns:
            The log-probabilities, of shape ``batch_shape``.
        """
        raise self._undefined("log_prob")

    def prob(self, x: VariableOrArray) -> Variable:
        """The probability (density or mass) at ``x``: ``exp(log_prob(x))``.

        Args:
            x: Points of shape ``batch_shape + event_shape``.

        Returns:
            The probabilities, of shape ``batch_shape``.
        """
        return F.exp(self.log_prob(x))

    def cdf(self, x: VariableOrArray) -> Variable:
        """The cumulative distribution function at ``x``.

        Args:
            x: Points of shape ``batch_shape``.

        Returns:
            ``P(X <= x)``, of shape ``batch_shape``.
        """
        raise self._undefined("cdf")

    def log_cdf(self, x: VariableOrArray) -> Variable:
        """The logarithm of the cumulative distribution function at ``x``.

        Args:
            x: Points of shape ``batch_shape``.

        Returns:
            ``log P(X <= x)``, of shape ``batch_shape``.
        """
        return F.log(self.cdf(x))

    def survival_function(self, x: VariableOrArray) -> Variable:
        """The survival function ``1 - cdf(x)`` at ``x``.

        Args:
            x: Points of shape ``batch_shape``.

        Returns:
            ``P(X > x)``, of shape ``batch_shape``.
        """
        return 1.0 - self.cdf(x)

    def log_survival_function(self, x: VariableOrArray) -> Variable:
        """The logarithm of the survival function at ``x``.

        Args:
            x: Points of shape ``batch_shape``.

        Returns:
            ``log P(X > x)``, of shape ``batch_shape``.
        """
        return F.log(self.survival_function(x))

    def icdf(self, x: VariableOrArray) -> Variable:
        """The inverse of the cumulative distribution function (the quantile function).

        Args:
            x: Probabilities in ``[0, 1]``, of shape ``batch_shape``.

        Returns:
            The points ``t`` with ``cdf(t) = x``, of shape ``batch_shape``.
        """
        raise self._undefined("icdf")

    def perplexity(self, x: VariableOrArray) -> Variable:
        """The perplexity at ``x``; no distribution defines it (as in Chainer).

        Args:
            x: Points of shape ``batch_shape + event_shape``.

        Returns:
            The perplexity, of shape ``batch_shape``.
        """
        raise self._undefined("perplexity")

    # Statistics.

    @property
    def mean(self) -> Variable:
        """The mean, of shape ``batch_shape + event_shape``."""
        raise self._undefined("mean")

    @property
    def mode(self) -> Variable:
        """The mode, of shape ``batch_shape + event_shape``."""
        raise self._undefined("mode")

    @property
    def variance(self) -> Variable:
        """The variance, of shape ``batch_shape + event_shape``."""
        raise self._undefined("variance")

    @property
    def stddev(self) -> Variable:
        """The standard deviation: ``sqrt(variance)``."""
        return F.sqrt(self.variance)

    @property
    def covariance(self) -> Variable:
        """The covariance matrix, of shape ``batch_shape + event_shape * 2``."""
        raise self._undefined("covariance")

    @property
    def entropy(self) -> Variable:
        """The (differential) entropy in nats, of shape ``batch_shape``."""
        raise self._undefined("entropy")

    @property
    def support(self) -> str:
        """A description of the support (for example ``'real'`` or ``'positive'``)."""
        raise self._undefined("support")

    # Sampling.

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` samples from ``numpy.random`` (``cupy.random`` on a GPU).

        Reparameterized distributions return samples that are differentiable with respect
        to the parameters; the others return constants.

        Args:
            n: The number of samples.

        Returns:
            The samples, of shape ``(n,) + batch_shape + event_shape``.
        """
        raise self._undefined("sample_n")

    def sample(self, sample_shape: int | tuple[int, ...] = ()) -> Variable:
        """Draw samples arranged in ``sample_shape``.

        Args:
            sample_shape: The shape of the sample grid (an int is a 1-tuple).

        Returns:
            The samples, of shape ``sample_shape + batch_shape + event_shape``.

        Raises:
            TypeError: If ``sample_shape`` is not an int or a tuple of ints.
            ValueError: If it holds a negative size.

        Example:
            >>> import numpy
            >>> import kusari.distributions as D
            >>> d = D.Exponential(numpy.ones((2, 3), numpy.float32))
            >>> d.sample().shape, d.sample(4).shape, d.sample((4, 5)).shape
            ((2, 3), (4, 2, 3), (4, 5, 2, 3))
        """
        count, shape = _utils.sample_size(sample_shape)
        samples = self.sample_n(count)
        return F.reshape(samples, shape + samples.shape[1:])

    def __repr__(self) -> str:
        shapes = f"batch_shape={self.batch_shape}, event_shape={self.event_shape}"
        return f"{type(self).__name__}({shapes})"
