"""Negative log-likelihood of a diagonal Gaussian (:func:`gaussian_nll`)."""

from __future__ import annotations

import math
from typing import Final, Literal

from kusari.graph import Variable, VariableOrArray, as_variable

from ..math.exp import exp
from ..math.mean import mean as _mean
from ..math.sum import sum as _sum
from ._checks import check_reduce, check_same_float_inputs

__all__ = ["gaussian_nll"]

_REDUCE: Final = ("sum", "mean", "no")
_LOG_2PI: Final = math.log(2 * math.pi)


def gaussian_nll(
    x: VariableOrArray,
    mean: VariableOrArray,
    ln_var: VariableOrArray,
    reduce: Literal["sum", "mean", "no"] = "sum",
) -> Variable:
    """``-log N(x; mean, exp(ln_var))`` for independent Gaussians, per element.

    Each element contributes ``(log(2 pi) + ln_var + (x - mean)**2 * exp(-ln_var)) / 2``.

    Args:
        x: The observations (floating point).
        mean: The means, of ``x``'s shape and dtype.
        ln_var: The logarithms of the variances, likewise.
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
        >>> nll = F.gaussian_nll(numpy.zeros(1), numpy.zeros(1), numpy.zeros(1), reduce="no")
        >>> numpy.allclose(nll.array, 0.5 * numpy.log(2 * numpy.pi))
        True
    """
    check_reduce(reduce, _REDUCE)
    check_same_float_inputs((x, mean, ln_var), ("x", "mean", "ln_var"), "GaussianNLL")
    diff = as_variable(x) - mean
    loss = (diff * diff * exp(-ln_var) + ln_var + _LOG_2PI) * 0.5
    if reduce == "sum":
        return _sum(loss)
    if reduce == "mean":
        return _mean(loss)
    return loss
