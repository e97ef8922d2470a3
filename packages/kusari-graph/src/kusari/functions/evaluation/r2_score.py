"""Coefficient of determination (:func:`r2_score`)."""

from __future__ import annotations

from typing import Literal, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from ..math import _helpers

__all__ = ["R2Score", "r2_score"]


@final
class R2Score(FunctionNode):
    """``1 - SS_res / SS_tot`` per output column (0 where ``SS_tot`` is 0); no gradient.

    Args:
        raw_values: Return one score per output instead of their mean.
    """

    __slots__ = ("raw_values",)
    input_spec = InputSpec("pred", "true", kinds="f", same_dtype=True, same_shape=True)

    def __init__(self, raw_values: bool = False) -> None:
        self.raw_values = raw_values

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Score the predictions."""
        pred, true = inputs
        xp = _helpers.array_module(pred)
        residual = ((true - pred) ** 2).sum(axis=0)
        total = ((true - true.mean(axis=0)) ** 2).sum(axis=0)
        nonzero = total != 0
        score = xp.where(nonzero, 1 - residual / xp.where(nonzero, total, 1), 0)
        if not self.raw_values:
            score = score.mean()
        return (xp.asarray(score, dtype=pred.dtype),)


def r2_score(
    pred: VariableOrArray,
    true: VariableOrArray,
    sample_weight: None = None,
    multioutput: Literal["uniform_average", "raw_values"] = "uniform_average",
) -> Variable:
    """R² (coefficient of determination) of regression predictions, per column of axis 0.

    ``1 - sum((true - pred)**2) / sum((true - mean(true))**2)`` over the samples (axis 0);
    a column whose ``true`` is constant scores 0 (as in Chainer).  It has no gradient.

    Args:
        pred: The predictions ``(N, ...)``.
        true: The targets, of the shape and dtype of ``pred``.
        sample_weight: Not supported (as in Chainer); must be ``None``.
        multioutput: ``'uniform_average'`` averages the scores of all outputs;
            ``'raw_values'`` returns one per output.

    Returns:
        The score, of the dtype of ``pred``.

    Raises:
        NotImplementedError: If ``sample_weight`` is given.
        ValueError: If ``multioutput`` is neither of the two values.
        kusari.graph.type_check.InvalidType: If the shapes or dtypes differ, or they are not
            floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> pred = numpy.array([1.0, 2.0, 3.0], numpy.float32)
        >>> true = numpy.array([1.0, 2.5, 3.0], numpy.float32)
        >>> round(float(F.r2_score(pred, true).array), 6)
        0.884615
    """
    if sample_weight is not None:
        raise NotImplementedError("r2_score does not support sample_weight (as in Chainer)")
    if multioutput not in ("uniform_average", "raw_values"):
        raise ValueError(
            f"invalid multioutput argument {multioutput!r}; use 'uniform_average' or 'raw_values'"
        )
    return R2Score(multioutput == "raw_values").apply((pred, true))[0]
