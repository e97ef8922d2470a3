"""Reversing the order of elements along axes (:func:`flip`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["Flip", "flip", "flip_array"]


def flip_array(x: Array, axes: tuple[int, ...]) -> Array:
    """``x`` reversed along ``axes`` (a view)."""
    index = [slice(None)] * x.ndim
    for a in axes:
        index[a] = slice(None, None, -1)
    return x[tuple(index)]


@final
class Flip(FunctionNode):
    """Reverse the input along ``axis`` (the output is a view).

    Args:
        axis: The axes to reverse.
        label_name: The name shown in type errors.
    """

    __slots__ = ("_label", "axis")

    def __init__(self, axis: tuple[int, ...], label_name: str = "Flip") -> None:
        self.axis = axis
        self._label = label_name

    @property
    def label(self) -> str:
        """``Flip``, ``FlipLR`` or ``FlipUD``."""
        return self._label

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input; every axis in range."""
        type_check.argname(in_types, ("x",))
        for a in self.axis:
            _shape_check.expect_axis(in_types[0], a)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Reverse."""
        return (flip_array(inputs[0], self.axis),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Reverse the gradient."""
        gy = _utils.first_grad(grad_outputs)
        return (Flip(self.axis, self._label).apply((gy,))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Reverse the gradient."""
        gy = grad_outputs[0]
        assert gy is not None
        return (flip_array(gy, self.axis),)


def flip(x: VariableOrArray, axis: int | tuple[int, ...]) -> Variable:
    """Reverse the order of the elements of ``x`` along an axis.

    Args:
        x: The input.
        axis: The axis to reverse (negative values count from the end); a tuple reverses
            several (a kusari extension).

    Returns:
        The reversed Variable.

    Raises:
        TypeError: If ``axis`` is not an int or a tuple of ints.
        kusari.graph.type_check.InvalidType: If an axis is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.flip(numpy.arange(6.0).reshape(2, 3), 1).array.tolist()
        [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]
    """
    return Flip(_shape_check.as_int_tuple(axis, "axis")).apply((x,))[0]
