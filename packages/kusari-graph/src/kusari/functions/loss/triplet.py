"""Triplet loss (:func:`triplet`)."""

from __future__ import annotations

from typing import Final, Literal

from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..activation.relu import relu
from ..array import _shape_check
from ..math.mean import mean
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce

__all__ = ["triplet"]

_REDUCE: Final = ("mean", "no")


def _check_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("anchor", "positive", "negative"))
    a_type, p_type, n_type = in_types
    type_check.expect(a_type.dtype.kind == "f", a_type.ndim >= 2)
    for other in (p_type, n_type):
        type_check.expect(a_type.dtype == other.dtype, a_type.shape == other.shape)


def triplet(
    anchor: VariableOrArray,
    positive: VariableOrArray,
    negative: VariableOrArray,
    margin: float = 0.2,
    reduce: Literal["mean", "no"] = "mean",
) -> Variable:
    """The triplet loss of anchor, positive and negative embeddings (Schroff et al., 2015).

    Each sample costs ``max(||a - p||**2 - ||a - n||**2 + margin, 0)``, the squared
    distances summed over axis 1.

    Args:
        anchor: The ``(B, K, ...)`` anchor embeddings (floating point).
        positive: Embeddings of the same class, of the anchor's shape and dtype.
        negative: Embeddings of other classes, likewise.
        margin: The margin (positive).
        reduce: ``"mean"`` averages the losses; ``"no"`` keeps them (shape
            ``(B, ...)``).

    Returns:
        The loss, of the inputs' dtype.

    Raises:
        ValueError: If ``margin`` is not positive or ``reduce`` is unknown.
        kusari.graph.type_check.InvalidType: If the inputs are not floating point arrays
            of one shape and dtype with at least two axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.array([[0.0, 0.0]])
        >>> p = numpy.array([[1.0, 0.0]])
        >>> n = numpy.array([[0.0, 0.5]])
        >>> F.triplet(a, p, n, margin=0.5, reduce="no").array.tolist()
        [1.25]
    """
    if margin <= 0:
        raise ValueError(f"margin must be positive, got {margin!r}")
    check_reduce(reduce, _REDUCE)
    arrays = (array_of(anchor), array_of(positive), array_of(negative))
    _shape_check.run_type_check(_check_types, arrays, "Triplet")
    anchor = as_variable(anchor)
    to_positive = anchor - positive
    to_negative = anchor - negative
    gap = _sum(to_positive * to_positive, axis=1) - _sum(to_negative * to_negative, axis=1)
    loss = relu(gap + margin)
    if reduce == "no":
        return loss
    return mean(loss)
