"""Rolling an axis to a position (:func:`rollaxis`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check
from .transpose import transpose

__all__ = ["Rollaxis", "rollaxis"]


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    inverse = [0] * len(axes)
    for i, a in enumerate(axes):
        inverse[a] = i
    return tuple(inverse)


@final
class Rollaxis(FunctionNode):
    """Move ``axis`` so that it lies before ``start`` (NumPy's ``rollaxis``).

    Args:
        axis: The axis to move.
        start: The position it goes before, in ``[-ndim, ndim]``.
    """

    __slots__ = ("_axes", "axis", "start")

    def __init__(self, axis: int, start: int) -> None:
        self.axis = axis
        self.start = start

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input; ``axis`` in range and ``start`` in ``[-ndim, ndim]``."""
        type_check.argname(in_types, ("x",))
        x_type = in_types[0]
        _shape_check.expect_axis(x_type, self.axis)
        start = _shape_check.named(x_type, self.start, "start")
        type_check.expect(x_type.ndim >= start, -x_type.ndim <= start)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Roll (a view)."""
        (x,) = inputs
        ndim = x.ndim
        axis = self.axis % ndim
        start = self.start + ndim if self.start < 0 else self.start
        order = [a for a in range(ndim) if a != axis]
        order.insert(start - 1 if axis < start else start, axis)
        self._axes = tuple(order)
        return (x.transpose(self._axes),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Permute the gradient's axes back."""
        return (transpose(_utils.first_grad(grad_outputs), _inverse(self._axes)),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Permute the gradient's axes back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy.transpose(_inverse(self._axes)),)


def rollaxis(x: VariableOrArray, axis: int, start: int = 0) -> Variable:
    """Roll ``axis`` backwards until it lies before position ``start``.

    Args:
        x: The input.
        axis: The axis to move.
        start: The axis is rolled until it lies before this position, in
            ``[-x.ndim, x.ndim]``.

    Returns:
        The Variable with permuted axes (as :func:`numpy.rollaxis`).

    Raises:
        TypeError: If ``axis`` or ``start`` is not an int.
        kusari.graph.type_check.InvalidType: If one of them is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.zeros((2, 3, 4, 5))
        >>> F.rollaxis(x, 3, 1).shape, F.rollaxis(x, 1, 4).shape
        ((2, 5, 3, 4), (2, 4, 5, 3))
    """
    axis = _shape_check.as_int(axis, "axis")
    start = _shape_check.as_int(start, "start")
    return Rollaxis(axis, start).apply((x,))[0]
