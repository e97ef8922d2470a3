"""Contrastive loss of pairs (:func:`contrastive`)."""

from __future__ import annotations

from typing import Final, Literal

from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..activation.relu import relu
from ..array import _shape_check
from ..array.select_item import expect_labels
from ..math.sqrt import sqrt
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce

__all__ = ["contrastive"]

_REDUCE: Final = ("mean", "no")


def _check_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x0", "x1", "y"))
    x0_type, x1_type, y_type = in_types
    type_check.expect(
        x0_type.dtype.kind == "f",
        x0_type.dtype == x1_type.dtype,
        x0_type.ndim == 2,
        x0_type.shape == x1_type.shape,
    )
    expect_labels(y_type, "y")
    type_check.expect(y_type.ndim == 1, x1_type.shape[0] == y_type.shape[0])


def contrastive(
    x0: VariableOrArray,
    x1: VariableOrArray,
    y: VariableOrArray,
    margin: float = 1,
    reduce: Literal["mean", "no"] = "mean",
) -> Variable:
    """The contrastive loss of pairs of embeddings (Hadsell, Chopra and LeCun, 2006).

    With ``d = ||x0[i] - x1[i]||``, a similar pair (``y[i] == 1``) costs ``d**2 / 2`` and a
    dissimilar one (``y[i] == 0``) ``max(margin - d, 0)**2 / 2``.

    Args:
        x0: The ``(B, K)`` first embeddings (floating point).
        x1: The ``(B, K)`` second embeddings.
        y: The ``(B,)`` integer labels: 1 for similar pairs, 0 for dissimilar ones.
        margin: The margin for dissimilar pairs (positive).
        reduce: ``"mean"`` averages over the batch; ``"no"`` keeps one loss per pair.

    Returns:
        The loss, of the inputs' dtype.

    Raises:
        ValueError: If ``margin`` is not positive or ``reduce`` is unknown.
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x0 = numpy.array([[0.0, 0.0], [0.0, 0.0]])
        >>> x1 = numpy.array([[3.0, 4.0], [0.3, 0.4]])
        >>> F.contrastive(x0, x1, numpy.array([1, 0]), reduce="no").array.tolist()
        [12.5, 0.125]
    """
    if margin <= 0:
        raise ValueError(f"margin must be positive, got {margin!r}")
    check_reduce(reduce, _REDUCE)
    labels = array_of(y)
    x0_array = array_of(x0)
    _shape_check.run_type_check(_check_types, (x0_array, array_of(x1), labels), "Contrastive")
    diff = as_variable(x0) - x1
    dist_sq = _sum(diff * diff, axis=1)
    similar = labels.astype(x0_array.dtype)
    apart = relu(margin - sqrt(dist_sq))
    loss = (dist_sq * similar + apart * apart * (1 - similar)) * 0.5
    if reduce == "no":
        return loss
    scale = 1.0 / max(int(x0_array.shape[0]), 1)
    return _sum(loss) * scale
