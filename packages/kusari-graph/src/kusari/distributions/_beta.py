"""The beta and Dirichlet distributions (:class:`Beta`, :class:`Dirichlet`)."""

from __future__ import annotations

from typing import final

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Beta", "Dirichlet"]


def _log_beta(a: Variable, b: Variable) -> Variable:
    return F.lgamma(a) + F.lgamma(b) - F.lgamma(a + b)


@final
class Beta(Distribution):
    """The beta distribution on ``[0, 1]``: density ``x**(a - 1) (1 - x)**(b - 1) / B(a, b)``.

    Samples are constants (not reparameterized), as in Chainer.

    Args:
        a: The first shape parameter (positive).
        b: The second shape parameter (positive), broadcastable with ``a``.

    Raises:
        ValueError: If the shapes do not broadcast, or a constant parameter has an element
            that is not positive.
        TypeError: If a parameter is not a floating point Variable or array, or the
            parameters differ in dtype.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Beta(numpy.array([2.0]), numpy.array([2.0]))
        >>> d.mean.array.tolist(), d.prob(numpy.array([0.5])).array.tolist()
        ([0.5], [1.5])
    """

    __slots__ = ("a", "b")

    a: Variable
    b: Variable

    def __init__(self, a: VariableOrArray, b: VariableOrArray) -> None:
        _utils.check_positive(a, "a", "Beta")
        _utils.check_positive(b, "b", "Beta")
        self.a, self.b = _utils.broadcast_params(
            "Beta", ("a", "b"), (_utils.as_param(a, "a", "Beta"), _utils.as_param(b, "b", "Beta"))
        )

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``a``."""
        return self.a.shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'a': ..., 'b': ...}``."""
        return {"a": self.a, "b": self.b}

    @property
    def support(self) -> str:
        """``'[0, 1]'``."""
        return "[0, 1]"

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``(a - 1) log(x) + (b - 1) log(1 - x) - log B(a, b)``; ``-inf`` outside ``(0, 1)``.

        Args:
            x: Points of the batch shape.

        Returns:
            The log-density.
        """
        value = _utils.as_value(x, self.a)
        array = _utils.array_of(value)
        outside: Array = (array <= 0) | (array >= 1)
        value = _utils.replace_outside(value, outside, 0.5)
        log_density = (
            (self.a - 1.0) * F.log(value)
            + (self.b - 1.0) * F.log1p(-value)
            - _log_beta(self.a, self.b)
        )
        return _utils.mask_outside(log_density, outside)

    @property
    def mean(self) -> Variable:
        """``a / (a + b)``."""
        return self.a / (self.a + self.b)

    @property
    def variance(self) -> Variable:
        """``a b / ((a + b)**2 (a + b + 1))``."""
        total = self.a + self.b
        return self.a * self.b / (total * total * (total + 1.0))

    @property
    def entropy(self) -> Variable:
        """``log B(a, b) - (a - 1) psi(a) - (b - 1) psi(b) + (a + b - 2) psi(a + b)``."""
        a, b = self.a, self.b
        return (
            _log_beta(a, b)
            - (a - 1.0) * F.digamma(a)
            - (b - 1.0) * F.digamma(b)
            + (a + b - 2.0) * F.digamma(a + b)
        )

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` samples (constants of the parameters' dtype).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        a, b = _utils.array_of(self.a), _utils.array_of(self.b)
        xp = _utils.xp_of(self.a)
        draws: Array = xp.random.beta(a, b, size=(n, *a.shape))
        return Variable(draws.astype(a.dtype), requires_grad=False)


@final
class Dirichlet(Distribution):
    """The Dirichlet distribution over the probability simplex (the last axis of ``alpha``).

    Samples are constants (not reparameterized), as in Chainer.

    Args:
        alpha: The concentrations (positive), of shape ``batch_shape + (k,)``.

    Raises:
        ValueError: If ``alpha`` is 0-d or a constant array with an element that is not
            positive.
        TypeError: If ``alpha`` is not a floating point Variable or array.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Dirichlet(numpy.array([1.0, 1.0, 2.0]))
        >>> d.mean.array.tolist(), d.event_shape
        ([0.25, 0.25, 0.5], (3,))
    """

    __slots__ = ("alpha",)

    alpha: Variable

    def __init__(self, alpha: VariableOrArray) -> None:
        _utils.check_positive(alpha, "alpha", "Dirichlet")
        param = _utils.as_param(alpha, "alpha", "Dirichlet")
        if param.ndim == 0:
            raise ValueError("Dirichlet: alpha needs a category axis (the last), got a 0-d array")
        self.alpha = param

    @property
    def alpha0(self) -> Variable:
        """The sum of the concentrations, of the batch shape."""
        return F.sum(self.alpha, axis=-1)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``alpha`` without its last axis."""
        return self.alpha.shape[:-1]

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``(k,)``."""
        return self.alpha.shape[-1:]

    @property
    def params(self) -> dict[str, Variable]:
        """``{'alpha': ...}``."""
        return {"alpha": self.alpha}

    @property
    def support(self) -> str:
        """``'[0, 1]'`` (each component; the components sum to 1)."""
        return "[0, 1]"

    def _log_normalizer(self) -> Variable:
        return F.sum(F.lgamma(self.alpha), axis=-1) - F.lgamma(self.alpha0)

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``sum((alpha - 1) log(x)) - log B(alpha)``; ``-inf`` where a component is ``<= 0``.

        Args:
            x: Points on the simplex, of shape ``batch_shape + (k,)``.

        Returns:
            The log-density, of the batch shape.
        """
        value = _utils.as_value(x, self.alpha)
        outside: Array = _utils.array_of(value) <= 0
        value = _utils.replace_outside(value, outside, 1.0)
        log_density = F.sum((self.alpha - 1.0) * F.log(value), axis=-1) - self._log_normalizer()
        any_outside: Array = outside.any(axis=-1)  # type: ignore[assignment]
        return _utils.mask_outside(log_density, any_outside)

    @property
    def mean(self) -> Variable:
        """``alpha / alpha0``."""
        return self.alpha / F.expand_dims(self.alpha0, -1)

    @property
    def variance(self) -> Variable:
        """``alpha (alpha0 - alpha) / (alpha0**2 (alpha0 + 1))``."""
        total = F.expand_dims(self.alpha0, -1)
        return self.alpha * (total - self.alpha) / (total * total * (total + 1.0))

    @property
    def entropy(self) -> Variable:
        """``log B(alpha) + (alpha0 - k) psi(alpha0) - sum((alpha - 1) psi(alpha))``."""
        k = self.alpha.shape[-1]
        alpha0 = self.alpha0
        return (
            self._log_normalizer()
            + (alpha0 - float(k)) * F.digamma(alpha0)
            - F.sum((self.alpha - 1.0) * F.digamma(self.alpha), axis=-1)
        )

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` points on the simplex (constants of ``alpha``'s dtype).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape + (k,)``.
        """
        n = _utils.check_sample_count(n)
        alpha = _utils.array_of(self.alpha)
        xp = _utils.xp_of(self.alpha)
        gamma: Array = xp.random.standard_gamma(alpha, size=(n, *alpha.shape))
        draws = gamma / gamma.sum(axis=-1, keepdims=True)
        return Variable(draws.astype(alpha.dtype), requires_grad=False)


@register_kl(Beta, Beta)
def _kl_beta_beta(p: Beta, q: Beta) -> Variable:
    a1, b1, a2, b2 = p.a, p.b, q.a, q.b
    return (
        _log_beta(a2, b2)
        - _log_beta(a1, b1)
        + (a1 - a2) * F.digamma(a1)
        + (b1 - b2) * F.digamma(b1)
        + (a2 - a1 + b2 - b1) * F.digamma(a1 + b1)
    )


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p: Dirichlet, q: Dirichlet) -> Variable:
    if p.event_shape != q.event_shape:
        raise ValueError(
            f"kl_divergence: the event shapes differ, {p.event_shape} and {q.event_shape}"
        )
    a, b = p.alpha, q.alpha
    digamma_gap = F.digamma(a) - F.expand_dims(F.digamma(p.alpha0), -1)
    return q._log_normalizer() - p._log_normalizer() + F.sum((a - b) * digamma_gap, axis=-1)
