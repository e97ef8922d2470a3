"""Concatenation along an axis (:func:`concat`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from . import _shape_check

__all__ = ["Concat", "concat"]


@final
class Concat(FunctionNode):
    """Join the inputs along ``axis``; all other dimensions and the dtype must agree.

    Args:
        axis: The axis to join along (negative counts from the end).
    """

    __slots__ = ("_indices", "axis")

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """At least one input; same dtype and ndim; equal sizes off ``axis``."""
        type_check.expect(in_types.size() > 0)
        x0 = in_types[0]
        _shape_check.expect_axis(x0, self.axis)
        ndim = type_check.eval(x0.ndim)
        axis = self.axis % ndim
        for x in in_types[1:]:
            type_check.expect(x0.dtype == x.dtype, x0.ndim == x.ndim)
            for d in range(ndim):
                if d != axis:
                    type_check.expect(x0.shape[d] == x.shape[d])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Concatenate (the split points are kept for backward)."""
        axis = self.axis
        indices = []
        offset = 0
        for x in inputs[:-1]:
            offset += x.shape[axis]
            indices.append(offset)
        self._indices = indices
        xp = _shape_check.xp_of(inputs[0])
        return (xp.concatenate(inputs, axis=axis),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Split the gradient at the input boundaries."""
        gy = grad_outputs[0]
        assert gy is not None
        if len(self.inputs) == 1:
            return (gy,)
        return _split_axis(gy, self._indices, self.axis)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Split the gradient at the input boundaries."""
        gy = grad_outputs[0]
        assert gy is not None
        if len(self.inputs) == 1:
            return (gy,)
        xp = _shape_check.xp_of(gy)
        return tuple(xp.split(gy, self._indices, axis=self.axis))


def concat(xs: Sequence[VariableOrArray], axis: int = 1) -> Variable:
    """Concatenate Variables along an axis.

    Args:
        xs: The inputs: same dtype, same number of dimensions, and the same size along
            every axis but ``axis``.
        axis: The axis to join along; negative values count from the end.

    Returns:
        The concatenation.

    Raises:
        TypeError: If ``axis`` is not an int.
        kusari.graph.type_check.InvalidType: If ``xs`` is empty, ``axis`` is out of range,
            or the inputs do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.zeros((2, 1), numpy.float32)
        >>> b = numpy.ones((2, 2), numpy.float32)
        >>> F.concat((a, b)).array.tolist()
        [[0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]
        >>> F.concat((a, a), axis=0).shape
        (4, 1)
    """
    axis = _shape_check.as_int(axis, "axis")
    return Concat(axis).apply(tuple(xs))[0]


# Imported last: split_axis's module imports this one (each function's backward is the other).
from .split_axis import split_axis as _split_axis  # noqa: E402
