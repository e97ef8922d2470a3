"""Inserting an axis of length one (:func:`expand_dims`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from . import _shape_check
from .reshape import reshape

__all__ = ["ExpandDims", "expand_dims"]


@final
class ExpandDims(FunctionNode):
    """Insert an axis of length one at ``axis``.

    Args:
        axis: The position of the new axis in the output, in ``[-ndim - 1, ndim]``.
    """

    __slots__ = ("_in_shape", "axis")

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input; ``axis`` in range."""
        type_check.argname(in_types, ("x",))
        _shape_check.expect_insert_axis(in_types[0], self.axis)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Insert the axis (a view)."""
        (x,) = inputs
        shape = x.shape
        self._in_shape = shape
        axis = self.axis % (x.ndim + 1)
        return (x.reshape((*shape[:axis], 1, *shape[axis:])),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Reshape the gradient back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (reshape(gy, self._in_shape),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Reshape the gradient back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy.reshape(self._in_shape),)


def expand_dims(x: VariableOrArray, axis: int) -> Variable:
    """Insert an axis of length one into ``x``.

    Args:
        x: The input.
        axis: The position of the new axis in the output, in ``[-x.ndim - 1, x.ndim]``.

    Returns:
        A Variable with one more dimension.

    Raises:
        TypeError: If ``axis`` is not an int.
        kusari.graph.type_check.InvalidType: If ``axis`` is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.zeros((2, 3), numpy.float32)
        >>> F.expand_dims(x, 0).shape, F.expand_dims(x, -1).shape
        ((1, 2, 3), (2, 3, 1))
    """
    axis = _shape_check.as_int(axis, "axis")
    return ExpandDims(axis).apply((x,))[0]
