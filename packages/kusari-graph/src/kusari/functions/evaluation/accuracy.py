"""Classification accuracy (:func:`accuracy`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from ..math import _helpers

__all__ = ["Accuracy", "accuracy"]


@final
class Accuracy(FunctionNode):
    """The fraction of samples whose highest score is at the true label; not differentiable.

    Args:
        ignore_label: A label whose samples are left out of the count, or ``None``.
    """

    __slots__ = ("ignore_label",)
    input_spec = InputSpec("x", "t")

    def __init__(self, ignore_label: int | None = None) -> None:
        self.ignore_label = ignore_label

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` holds float scores ``(N, C, ...)``, ``t`` int labels ``(N, ...)``."""
        type_check.argname(in_types, ("x", "t"))
        x_type, t_type = in_types
        type_check.expect(
            x_type.dtype.kind == "f",
            t_type.dtype.kind == "i",
            t_type.ndim == x_type.ndim - 1,
            x_type.shape[0] == t_type.shape[0],
        )
        for i in range(2, type_check.eval(x_type.ndim)):
            type_check.expect(x_type.shape[i] == t_type.shape[i - 1])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Count the correct predictions."""
        y, t = inputs
        xp = _helpers.array_module(y)
        dtype = y.dtype
        pred = y.argmax(axis=1).reshape(t.shape)
        if self.ignore_label is None:
            return (xp.asarray((pred == t).mean(), dtype=dtype),)
        kept = t != self.ignore_label
        count = int(kept.sum())
        if count == 0:
            return (xp.asarray(0.0, dtype=dtype),)
        correct = ((pred == t) & kept).sum()
        return (xp.asarray(correct / count, dtype=dtype),)


def accuracy(y: VariableOrArray, t: VariableOrArray, ignore_label: int | None = None) -> Variable:
    """The fraction of samples classified correctly: ``mean(argmax(y, axis=1) == t)``.

    Args:
        y: Scores of shape ``(N, C, ...)`` (floating point); the class axis is 1.
        t: True labels of shape ``(N, ...)`` (signed integers).
        ignore_label: Samples with this label are left out; when all are, the result is 0.

    Returns:
        A scalar of the dtype of ``y``, without gradient.

    Raises:
        TypeError: If ``ignore_label`` is neither an int nor ``None``.
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = numpy.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], numpy.float32)
        >>> t = numpy.array([1, 1, -1], numpy.int32)
        >>> float(F.accuracy(y, t).array), float(F.accuracy(y, t, ignore_label=-1).array)
        (0.3333333432674408, 0.5)
    """
    if ignore_label is not None and (
        isinstance(ignore_label, bool) or not isinstance(ignore_label, int)
    ):
        raise TypeError(f"ignore_label must be an int or None, got {type(ignore_label).__name__}")
    return Accuracy(ignore_label).apply((y, t))[0]
