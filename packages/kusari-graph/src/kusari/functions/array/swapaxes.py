"""Swapping two axes (:func:`swapaxes`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["Swapaxes", "swapaxes"]


@final
class Swapaxes(FunctionNode):
    """Interchange two axes (the output is a view).

    Args:
        axis1: The first axis.
        axis2: The second axis.
    """

    __slots__ = ("axis1", "axis2")

    def __init__(self, axis1: int, axis2: int) -> None:
        self.axis1 = axis1
        self.axis2 = axis2

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input; both axes in range."""
        type_check.argname(in_types, ("x",))
        _shape_check.expect_axis(in_types[0], self.axis1, "axis1")
        _shape_check.expect_axis(in_types[0], self.axis2, "axis2")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Swap."""
        return (inputs[0].swapaxes(self.axis1, self.axis2),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Swap the gradient's axes back."""
        return (swapaxes(_utils.first_grad(grad_outputs), self.axis1, self.axis2),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Swap the gradient's axes back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy.swapaxes(self.axis1, self.axis2),)


def swapaxes(x: VariableOrArray, axis1: int, axis2: int) -> Variable:
    """Interchange two axes of ``x``.

    Args:
        x: The input.
        axis1: The first axis (negative values count from the end).
        axis2: The second axis.

    Returns:
        The Variable with the two axes swapped.

    Raises:
        TypeError: If an axis is not an int.
        kusari.graph.type_check.InvalidType: If an axis is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.swapaxes(numpy.zeros((2, 3, 4)), 0, 2).shape
        (4, 3, 2)
    """
    axis1 = _shape_check.as_int(axis1, "axis1")
    axis2 = _shape_check.as_int(axis2, "axis2")
    return Swapaxes(axis1, axis2).apply((x,))[0]
