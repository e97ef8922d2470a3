"""The Bernoulli distribution (:class:`Bernoulli`) and its KL divergence."""

from __future__ import annotations

from typing import final

import numpy

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Bernoulli"]


@final
class Bernoulli(Distribution):
    """The Bernoulli distribution over ``{0, 1}``, given by ``p`` or by its ``logit``.

    Exactly one of ``p`` (the probability of ``1``) and ``logit`` (``log(p / (1 - p))``)
    is given.  ``p`` may be exactly ``0`` or ``1`` (the logit is then infinite and the
    log-probabilities of the impossible value are ``-inf``).

    :meth:`log_prob` of a fractional ``x`` is the continuous relaxation
    ``x log(p) + (1 - x) log(1 - p)``, as in Chainer; with ``binary_check=True`` it is
    ``-inf`` wherever ``x`` is neither ``0`` nor ``1``.  Samples are int64 constants (not
    differentiable).

    Args:
        p: The probability of ``1``, in ``[0, 1]``.
        logit: The log-odds (keyword).
        binary_check: Give ``-inf`` log-probability to non-binary points.

    Raises:
        ValueError: If both or neither of ``p`` and ``logit`` are given, or ``p`` is a
            constant array with a value outside ``[0, 1]``.
        TypeError: If the parameter is not a floating point Variable or array.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Bernoulli(numpy.array([0.25, 1.0]))
        >>> numpy.exp(d.log_prob(numpy.array([1.0, 0.0])).array).tolist()
        [0.25, 0.0]
        >>> D.Bernoulli(logit=numpy.array([0.0])).p.array.tolist()
        [0.5]
    """

    __slots__ = ("_logit", "_p", "binary_check")

    _p: Variable | None
    _logit: Variable | None
    binary_check: bool

    def __init__(
        self,
        p: VariableOrArray | None = None,
        logit: VariableOrArray | None = None,
        binary_check: bool = False,
    ) -> None:
        if (p is None) == (logit is None):
            raise ValueError(
                "Bernoulli: give exactly one of p and logit "
                f"(got {'both' if p is not None else 'neither'})"
            )
        if p is not None:
            _utils.check_unit_interval(p, "p", "Bernoulli", closed=True)
            self._p, self._logit = _utils.as_param(p, "p", "Bernoulli"), None
        else:
            self._p, self._logit = None, _utils.as_param(logit, "logit", "Bernoulli")
        self.binary_check = bool(binary_check)

    @property
    def p(self) -> Variable:
        """The probability of ``1`` (``sigmoid(logit)`` when built from ``logit``)."""
        if self._p is not None:
            return self._p
        assert self._logit is not None
        return F.sigmoid(self._logit)

    @property
    def logit(self) -> Variable:
        """The log-odds ``log(p) - log(1 - p)`` (infinite where ``p`` is ``0`` or ``1``)."""
        if self._logit is not None:
            return self._logit
        assert self._p is not None
        p = self._p
        return _utils.safe_log(p) - _utils.safe_log(1.0 - p) + self._infinities(p)

    def _infinities(self, p: Variable) -> Array:
        # -inf where p == 0, +inf where p == 1, 0 elsewhere (constants, no gradient).
        array = _utils.array_of(p)
        xp = _utils.xp_of(p)
        inf = array.dtype.type(numpy.inf)
        zero = array.dtype.type(0)
        infinities: Array = xp.where(array == 0, -inf, xp.where(array == 1, inf, zero))
        return infinities

    def _param(self) -> Variable:
        return self._p if self._p is not None else self._logit  # type: ignore[return-value]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``p``."""
        return self._param().shape

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``."""
        return ()

    @property
    def params(self) -> dict[str, Variable]:
        """``{'logit': ...}`` (as in Chainer, also when built from ``p``)."""
        return {"logit": self.logit}

    @property
    def support(self) -> str:
        """``'{0, 1}'``."""
        return "{0, 1}"

    def _log_p_and_log_q(self) -> tuple[Variable, Variable]:
        """``log(p)`` and ``log(1 - p)``, finite-gradient where ``p`` is ``0`` or ``1``."""
        if self._logit is not None:
            logit = self._logit
            return -F.softplus(-logit), -F.softplus(logit)
        assert self._p is not None
        p = self._p
        return _utils.safe_log(p), _utils.safe_log(1.0 - p)

    def log_prob(self, x: VariableOrArray) -> Variable:
        """``x log(p) + (1 - x) log(1 - p)`` (``-inf`` for impossible points).

        Args:
            x: Points of the batch shape; with ``binary_check`` only ``0`` and ``1`` have
                a finite log-probability.

        Returns:
            The log-probability.
        """
        param = self._param()
        value = _utils.as_value(x, param)
        log_p, log_q = self._log_p_and_log_q()
        result = value * log_p + (1.0 - value) * log_q
        x_array = _utils.array_of(value)
        xp = _utils.xp_of(param)
        impossible = xp.zeros(numpy.broadcast_shapes(x_array.shape, param.shape), dtype=bool)
        if self._p is not None:
            p_array = _utils.array_of(self._p)
            impossible |= ((p_array == 0) & (x_array != 0)) | ((p_array == 1) & (x_array != 1))
        if self.binary_check:
            impossible |= (x_array != 0) & (x_array != 1)
        return F.where(impossible, param.dtype.type(-numpy.inf), result)

    def prob(self, x: VariableOrArray) -> Variable:
        """The probability mass at ``x``: ``exp(log_prob(x))``.

        Args:
            x: Points of the batch shape.

        Returns:
            The probability.
        """
        return F.exp(self.log_prob(x))

    @property
    def mean(self) -> Variable:
        """``p``."""
        return self.p

    @property
    def variance(self) -> Variable:
        """``p (1 - p)``."""
        p = self.p
        return p * (1.0 - p)

    @property
    def entropy(self) -> Variable:
        """``-p log(p) - (1 - p) log(1 - p)`` (``0`` where ``p`` is ``0`` or ``1``)."""
        p = self.p
        log_p, log_q = self._log_p_and_log_q()
        return -(p * log_p + (1.0 - p) * log_q)

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` int64 samples (constants).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        n = _utils.check_sample_count(n)
        p = _utils.array_of(self.p)
        xp = _utils.xp_of(self.p)
        uniform: Array = xp.random.random_sample((n, *p.shape))
        return Variable((uniform < p).astype(numpy.int64), requires_grad=False)


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p: Bernoulli, q: Bernoulli) -> Variable:
    log_p1, log_q1 = p._log_p_and_log_q()
    log_p2, log_q2 = q._log_p_and_log_q()
    prob = p.p
    kl = prob * (log_p1 - log_p2) + (1.0 - prob) * (log_q1 - log_q2)
    if q._p is None:
        return kl
    # Where q gives probability 0 to a value p can take, the divergence is infinite.
    p_array = _utils.array_of(prob)
    q_array = _utils.array_of(q._p)
    infinite = ((q_array == 0) & (p_array > 0)) | ((q_array == 1) & (p_array < 1))
    return F.where(infinite, kl.dtype.type(numpy.inf), kl)
