"""Stacking along a new axis (:func:`stack`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from . import _shape_check

__all__ = ["Stack", "stack"]


@final
class Stack(FunctionNode):
    """Join inputs of one shape and dtype along a new axis.

    Args:
        axis: Where the new axis goes, in ``[-ndim - 1, ndim]``.
    """

    __slots__ = ("axis",)

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """At least one input; all of one shape and dtype; ``axis`` in range."""
        type_check.expect(in_types.size() > 0)
        x0 = in_types[0]
        _shape_check.expect_insert_axis(x0, self.axis)
        for x in in_types[1:]:
            type_check.expect(x.shape == x0.shape, x.dtype == x0.dtype)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Stack."""
        xp = _shape_check.xp_of(inputs[0])
        return (xp.stack(inputs, axis=self.axis),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Separate the gradient along the new axis."""
        gy = grad_outputs[0]
        assert gy is not None
        return _separate(gy, self.axis)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Separate the gradient along the new axis."""
        gy = grad_outputs[0]
        assert gy is not None
        return _separate_array(gy, self.axis % gy.ndim)


def stack(xs: Sequence[VariableOrArray], axis: int = 0) -> Variable:
    """Stack Variables of one shape along a new axis.

    Args:
        xs: The inputs, all of the same shape and dtype.
        axis: The position of the new axis in the output, in ``[-ndim - 1, ndim]``
            (``ndim`` of the inputs).

    Returns:
        The stacked Variable, with one more dimension than the inputs.

    Raises:
        TypeError: If ``axis`` is not an int.
        kusari.graph.type_check.InvalidType: If ``xs`` is empty, the inputs differ in shape
            or dtype, or ``axis`` is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a, b = numpy.zeros(3, numpy.float32), numpy.ones(3, numpy.float32)
        >>> F.stack((a, b)).array.tolist()
        [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
        >>> F.stack((a, b), axis=1).shape
        (3, 2)
    """
    axis = _shape_check.as_int(axis, "axis")
    return Stack(axis).apply(tuple(xs))[0]


# Imported last: separate's module imports this one (each function's backward is the other).
from .separate import separate as _separate  # noqa: E402
from .separate import separate_array as _separate_array  # noqa: E402
