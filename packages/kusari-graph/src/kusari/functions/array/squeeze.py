"""Removing axes of length one (:func:`squeeze`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from . import _shape_check
from .reshape import reshape

__all__ = ["Squeeze", "squeeze"]


@final
class Squeeze(FunctionNode):
    """Remove axes of length one.

    Args:
        axis: The axes to remove, or ``None`` for every axis of length one.
    """

    __slots__ = ("_in_shape", "axis")

    def __init__(self, axis: tuple[int, ...] | None) -> None:
        self.axis = axis

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input; every given axis in range and of length one."""
        type_check.argname(in_types, ("x",))
        (x_type,) = in_types
        if self.axis is None:
            return
        for axis in self.axis:
            _shape_check.expect_axis(x_type, axis)
            type_check.expect(x_type.shape[axis] == 1)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Squeeze (a view)."""
        (x,) = inputs
        self._in_shape = x.shape
        axis = self.axis
        if axis is None:
            shape = tuple(n for n in x.shape if n != 1)
        else:
            ndim = x.ndim
            removed = {a % ndim for a in axis}
            shape = tuple(n for i, n in enumerate(x.shape) if i not in removed)
        return (x.reshape(shape),)

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


def squeeze(x: VariableOrArray, axis: int | tuple[int, ...] | None = None) -> Variable:
    """Remove axes of length one from ``x``.

    Args:
        x: The input.
        axis: The axis or axes to remove (each must have length one); ``None`` removes
            every axis of length one.

    Returns:
        The squeezed Variable.

    Raises:
        TypeError: If ``axis`` is not an int, a tuple of ints or ``None``.
        ValueError: If an axis is given twice.
        kusari.graph.type_check.InvalidType: If an axis is out of range or its length is
            not one.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.zeros((1, 3, 1), numpy.float32)
        >>> F.squeeze(x).shape, F.squeeze(x, axis=0).shape, F.squeeze(x, (0, -1)).shape
        ((3,), (3, 1), (3,))
    """
    axes = None if axis is None else _shape_check.as_int_tuple(axis, "axis")
    if axes is not None:
        ndim = len(x.shape)
        in_range = [a % ndim for a in axes if -ndim <= a < ndim]
        if len(set(in_range)) != len(in_range):
            raise ValueError(f"duplicate value in axis: {axis!r}")
    return Squeeze(axes).apply((x,))[0]
