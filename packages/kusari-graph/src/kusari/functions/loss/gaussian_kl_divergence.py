"""KL divergence of a Gaussian from the standard normal (:func:`gaussian_kl_divergence`)."""

from __future__ import annotations

from typing import Final, Literal

from kusari.graph import Variable, VariableOrArray, as_variable

from ..math.exp import exp
from ..math.mean import mean as _mean
from ..math.sum import sum as _sum
from ._checks import check_reduce, check_same_float_inputs

__all__ = ["gaussian_kl_divergence"]

_REDUCE: Final = ("sum", "mean", "no")


def gaussian_kl_divergence(
    mean: VariableOrArray,
    ln_var: VariableOrArray,
    reduce: Literal["sum", "mean", "no"] = "sum",
) -> Variable:
    """``KL(N(mean, exp(ln_var)) || N(0, 1))`` for independent Gaussians, per element.

    Each element contributes ``(mean**2 + exp(ln_var) - ln_var - 1) / 2``.

    Args:
        mean: The means (floating point).
        ln_var: The logarithms of the variances, of ``mean``'s shape and dtype.
        reduce: ``"sum"`` or ``"mean"`` over all elements, or ``"no"``.

    Returns:
        The divergence, of ``mean``'s dtype.

    Raises:
        ValueError: If ``reduce`` is unknown.
        kusari.graph.type_check.InvalidType: If the inputs are not floating point arrays
            of one shape and dtype.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.gaussian_kl_divergence(numpy.zeros(3), numpy.zeros(3)).array.tolist()
        0.0
        >>> kl = F.gaussian_kl_divergence(numpy.array([2.0]), numpy.zeros(1), reduce="no")
        >>> kl.array.tolist()
        [2.0]
    """
    check_reduce(reduce, _REDUCE)
    check_same_float_inputs((mean, ln_var), ("mean", "ln_var"), "GaussianKLDivergence")
    mean = as_variable(mean)
    loss = (mean * mean + exp(ln_var) - ln_var - 1.0) * 0.5
    if reduce == "sum":
        return _sum(loss)
    if reduce == "mean":
        return _mean(loss)
    return loss
