"""Negative log-likelihood of a Bernoulli distribution (:func:`bernoulli_nll`)."""

from __future__ import annotations

from typing import Final, Literal

from kusari.graph import Variable, VariableOrArray, as_variable

from ..activation.softplus import softplus
from ..math.mean import mean as _mean
from ..math.sum import sum as _sum
from ._checks import check_reduce, check_same_float_inputs

__all__ = ["bernoulli_nll"]

_REDUCE: Final = ("sum", "mean", "no")


def bernoulli_nll(
    x: VariableOrArray, y: VariableOrArray, reduce: Literal["sum", "mean", "no"] = "sum"
) -> Variable:
    """``-log B(x; p)`` with ``p = sigmoid(y)``, computed stably as ``softplus(y) - x * y``.

    Args:
        x: The observations (in ``[0, 1]``, floating point).
        y: The logits of the Bernoulli parameters, of ``x``'s shape and dtype.
        reduce: ``"sum"`` or ``"mean"`` over all elements, or ``"no"``.

    Returns:
        The negative log-likelihood, of ``x``'s dtype.

    Raises:
        ValueError: If ``reduce`` is unknown.
        kusari.graph.type_check.InvalidType: If the inputs are not floating point arrays
            of one shape and dtype.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> nll = F.bernoulli_nll(numpy.array([1.0, 0.0]), numpy.zeros(2), reduce="no")
        >>> numpy.allclose(nll.array, numpy.log(2.0))
        True
    """
    check_reduce(reduce, _REDUCE)
    check_same_float_inputs((x, y), ("x", "y"), "BernoulliNLL")
    loss = softplus(y) - as_variable(x) * y
    if reduce == "sum":
        return _sum(loss)
    if reduce == "mean":
        return _mean(loss)
    return loss
