"""Accuracy of binary classification (:func:`binary_accuracy`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from ..math import _helpers

__all__ = ["BinaryAccuracy", "binary_accuracy"]


@final
class BinaryAccuracy(FunctionNode):
    """The fraction of ``(y >= 0) == t`` over the labels other than -1; not differentiable."""

    __slots__ = ()
    input_spec = InputSpec("x", "t")

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` holds float scores, ``t`` int labels of the same shape."""
        type_check.argname(in_types, ("x", "t"))
        x_type, t_type = in_types
        type_check.expect(
            x_type.dtype.kind == "f",
            t_type.dtype.kind == "i",
            t_type.shape == x_type.shape,
        )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Count the correct predictions among the labelled samples."""
        y, t = inputs
        xp = _helpers.array_module(y)
        kept = t != -1
        count = int(kept.sum())
        if count == 0:
            return (xp.asarray(0.0, dtype=y.dtype),)
        correct = (((y >= 0) == t) & kept).sum()
        return (xp.asarray(correct / count, dtype=y.dtype),)


def binary_accuracy(y: VariableOrArray, t: VariableOrArray) -> Variable:
    """Accuracy of binary predictions: ``y >= 0`` predicts 1, ``y < 0`` predicts 0.

    Elements whose label is -1 are left out; when all are, the result is 0.

    Args:
        y: Scores (floating point).
        t: Labels 0, 1 or -1 (signed integers), of the shape of ``y``.

    Returns:
        A scalar of the dtype of ``y``, without gradient.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = numpy.array([2.0, -1.0, 0.5, 3.0])
        >>> t = numpy.array([1, 0, 0, -1], numpy.int32)
        >>> float(F.binary_accuracy(y, t).array)
        0.6666666666666666
    """
    return BinaryAccuracy().apply((y, t))[0]
