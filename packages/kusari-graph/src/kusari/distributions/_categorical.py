"""The categorical distributions: :class:`Categorical` and :class:`OneHotCategorical`."""

from __future__ import annotations

from typing import final

import numpy

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _utils
from ._distribution import Distribution
from ._kl import register_kl

__all__ = ["Categorical", "OneHotCategorical"]


class _ClassProbabilities(Distribution):
    """The shared state of the categorical distributions: ``p`` or ``logit`` on the last axis."""

    __slots__ = ("_logit", "_p")

    _p: Variable | None
    _logit: Variable | None

    def _init_probabilities(
        self, owner: str, p: VariableOrArray | None, logit: VariableOrArray | None
    ) -> None:
        if (p is None) == (logit is None):
            raise ValueError(
                f"{owner}: give exactly one of p and logit "
                f"(got {'both' if p is not None else 'neither'})"
            )
        name = "p" if p is not None else "logit"
        param = _utils.as_param(p if p is not None else logit, name, owner)
        if param.ndim == 0:
            raise ValueError(f"{owner}: {name} needs a class axis (the last), got a 0-d array")
        if p is not None:
            _utils.check_unit_interval(p, "p", owner, closed=True)
            self._p, self._logit = param, None
        else:
            self._p, self._logit = None, param

    def _param(self) -> Variable:
        return self._p if self._p is not None else self._logit  # type: ignore[return-value]

    @property
    def p(self) -> Variable:
        """The class probabilities (``softmax(logit)`` when built from ``logit``)."""
        if self._p is not None:
            return self._p
        return F.exp(self.log_p)

    @property
    def log_p(self) -> Variable:
        """The log-probabilities of the classes (``-inf`` for a class of probability 0)."""
        if self._logit is not None:
            return F.log_softmax(self._logit, axis=-1)
        assert self._p is not None
        p = self._p
        array = _utils.array_of(p)
        minus_inf: Array = _utils.xp_of(p).where(array == 0, array.dtype.type(-numpy.inf), 0)
        return _utils.safe_log(p) + minus_inf.astype(array.dtype)

    def _finite_log_p(self) -> tuple[Variable, Array]:
        """``log_p`` with ``0`` for impossible classes, and the mask of those classes."""
        log_p = self.log_p
        array = _utils.array_of(log_p)
        impossible = array == -numpy.inf
        return F.where(impossible, array.dtype.type(0), log_p), impossible

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The shape of ``p`` without its last (class) axis."""
        return self._param().shape[:-1]

    @property
    def params(self) -> dict[str, Variable]:
        """``{'p': ...}`` (as in Chainer, also when built from ``logit``)."""
        return {"p": self.p}

    def _entropy(self) -> Variable:
        log_p, _ = self._finite_log_p()
        return -F.sum(self.p * log_p, axis=-1)

    def _draw(self, n: int) -> Array:
        """``n`` class indices per distribution by the Gumbel-max trick (int64)."""
        n = _utils.check_sample_count(n)
        log_p = _utils.array_of(self.log_p)
        xp = _utils.xp_of(self._param())
        noise: Array = xp.random.gumbel(size=(n, *log_p.shape)).astype(log_p.dtype)
        indices: Array = xp.argmax(log_p + noise, axis=-1).astype(numpy.int64)
        return indices

    def _log_prob_of_one_hot(self, one_hot: Variable) -> Variable:
        log_p, impossible = self._finite_log_p()
        result = F.sum(one_hot * log_p, axis=-1)
        hits = (_utils.array_of(one_hot) != 0) & impossible
        if not hits.any():
            return result
        return F.where(hits.any(axis=-1), result.dtype.type(-numpy.inf), result)


@final
class Categorical(_ClassProbabilities):
    """The categorical distribution over the classes ``0 .. k - 1`` (the last axis of ``p``).

    Give the class probabilities ``p`` or, as a keyword, unnormalized ``logit`` (the
    log-probabilities are then ``log_softmax(logit)``).  Points and samples are class
    indices; samples are int64 constants.

    Args:
        p: The class probabilities; they sum to 1 along the last axis.
        logit: Unnormalized log-probabilities (keyword only).

    Raises:
        ValueError: If both or neither of ``p`` and ``logit`` are given, the parameter is
            0-d, or ``p`` is a constant array with a value outside ``[0, 1]``.
        TypeError: If the parameter is not a floating point Variable or array.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.Categorical(numpy.array([[0.25, 0.75], [0.5, 0.5]]))
        >>> numpy.exp(d.log_prob(numpy.array([1, 0])).array).tolist()
        [0.75, 0.5]
        >>> d.batch_shape, d.sample_n(3).shape
        ((2,), (3, 2))
    """

    __slots__ = ()

    def __init__(
        self, p: VariableOrArray | None = None, *, logit: VariableOrArray | None = None
    ) -> None:
        self._init_probabilities("Categorical", p, logit)

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``()``: a point is one class index."""
        return ()

    @property
    def entropy(self) -> Variable:
        """``-sum(p log(p))`` over the classes."""
        return self._entropy()

    def log_prob(self, x: VariableOrArray) -> Variable:
        """The log-probability of the class indices ``x``.

        Args:
            x: Integer class indices, broadcastable to ``batch_shape`` (leading sample axes
                are allowed).

        Returns:
            ``log_p[..., x]``, of the broadcast shape of ``x`` and ``batch_shape``.

        Raises:
            TypeError: If ``x`` is not an integer array.
        """
        indices = _utils.array_of(x) if isinstance(x, Variable) else x
        if indices.dtype.kind not in "iu":
            raise TypeError(
                f"Categorical.log_prob: x must hold class indices, got {indices.dtype}"
            )
        param = self._param()
        xp = _utils.xp_of(param)
        classes = xp.arange(param.shape[-1])
        one_hot = (indices[..., None] == classes).astype(param.dtype)
        return self._log_prob_of_one_hot(Variable(one_hot, requires_grad=False))

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` class indices per distribution (int64 constants).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape``.
        """
        return Variable(self._draw(n), requires_grad=False)


@final
class OneHotCategorical(_ClassProbabilities):
    """The categorical distribution with one-hot points: event shape ``(k,)``.

    Args:
        p: The class probabilities; they sum to 1 along the last axis.
        logit: Unnormalized log-probabilities (keyword only; kusari's addition).

    Raises:
        ValueError: If both or neither of ``p`` and ``logit`` are given, the parameter is
            0-d, or ``p`` is a constant array with a value outside ``[0, 1]``.
        TypeError: If the parameter is not a floating point Variable or array.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> d = D.OneHotCategorical(numpy.array([0.25, 0.75]))
        >>> float(numpy.exp(d.log_prob(numpy.array([0.0, 1.0])).array))
        0.75
        >>> d.event_shape, d.sample_n(3).shape
        ((2,), (3, 2))
    """

    __slots__ = ()

    def __init__(
        self, p: VariableOrArray | None = None, *, logit: VariableOrArray | None = None
    ) -> None:
        self._init_probabilities("OneHotCategorical", p, logit)

    @property
    def event_shape(self) -> tuple[int, ...]:
        """``(k,)``: a point is a one-hot vector over the classes."""
        return self._param().shape[-1:]

    @property
    def mean(self) -> Variable:
        """``p``."""
        return self.p

    @property
    def variance(self) -> Variable:
        """``p (1 - p)`` (the diagonal of the covariance)."""
        p = self.p
        return p * (1.0 - p)

    @property
    def entropy(self) -> Variable:
        """``-sum(p log(p))`` over the classes (kusari's addition)."""
        return self._entropy()

    def log_prob(self, x: VariableOrArray) -> Variable:
        """The log-probability of the one-hot points ``x``: ``sum(x log_p)`` over the classes.

        Args:
            x: One-hot vectors of shape ``batch_shape + (k,)`` (leading sample axes are
                allowed).

        Returns:
            The log-probabilities, of the points' shape without the class axis.
        """
        return self._log_prob_of_one_hot(_utils.as_value(x, self._param()))

    def sample_n(self, n: int) -> Variable:
        """Draw ``n`` one-hot vectors per distribution (constants of ``p``'s dtype).

        Args:
            n: The number of samples.

        Returns:
            Samples of shape ``(n,) + batch_shape + (k,)``.
        """
        indices = self._draw(n)
        param = self._param()
        xp = _utils.xp_of(param)
        one_hot = (indices[..., None] == xp.arange(param.shape[-1])).astype(param.dtype)
        return Variable(one_hot, requires_grad=False)


def _kl_classes(p: _ClassProbabilities, q: _ClassProbabilities) -> Variable:
    log_p, _ = p._finite_log_p()
    log_q, q_impossible = q._finite_log_p()
    prob = p.p
    kl = F.sum(prob * (log_p - log_q), axis=-1)
    infinite: Array = (q_impossible & (_utils.array_of(prob) > 0)).any(axis=-1)  # type: ignore[assignment]
    return _utils.mask_outside(kl, infinite, numpy.inf)


@register_kl(Categorical, Categorical)
def _kl_categorical(p: Categorical, q: Categorical) -> Variable:
    return _kl_classes(p, q)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_one_hot_categorical(p: OneHotCategorical, q: OneHotCategorical) -> Variable:
    return _kl_classes(p, q)
