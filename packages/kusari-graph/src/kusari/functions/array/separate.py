"""Separating along an axis (:func:`separate`)."""

from __future__ import annotations

from typing import Any, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from . import _shape_check

__all__ = ["Separate", "separate", "separate_array"]


def separate_array(x: Array, axis: int) -> tuple[Array, ...]:
    """The slices of ``x`` along ``axis`` (a non-negative axis), as views (0-d ones too)."""
    prefix: tuple[Any, ...] = (slice(None),) * axis
    return tuple(x[(*prefix, i, Ellipsis)] for i in range(x.shape[axis]))


@final
class Separate(FunctionNode):
    """Split the input along ``axis`` into its slices, removing that axis.

    Args:
        axis: The axis to separate along.
    """

    __slots__ = ("_dtype", "_out_shape", "axis")

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input, with ``axis`` in range."""
        type_check.argname(in_types, ("x",))
        _shape_check.expect_axis(in_types[0], self.axis)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Slice (the outputs are views)."""
        (x,) = inputs
        axis = self.axis % x.ndim
        self._dtype = x.dtype
        self._out_shape = x.shape[:axis] + x.shape[axis + 1 :]
        return separate_array(x, axis)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Stack the output gradients (zeros where an output has none)."""
        xp = next(g.xp for g in grad_outputs if g is not None)
        shapes = [self._out_shape] * len(grad_outputs)
        gys = _shape_check.zero_filled(grad_outputs, shapes, self._dtype, xp)
        return (_stack(gys, self.axis),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Stack the output gradients (zeros where an output has none)."""
        xp = _shape_check.xp_of(next(g for g in grad_outputs if g is not None))
        shapes = [self._out_shape] * len(grad_outputs)
        gys = _shape_check.zero_filled_arrays(grad_outputs, shapes, self._dtype, xp)
        return (xp.stack(gys, axis=self.axis),)


def separate(x: VariableOrArray, axis: int = 0) -> tuple[Variable, ...]:
    """Split ``x`` into its slices along ``axis``; the inverse of :func:`stack`.

    Args:
        x: The input.
        axis: The axis to separate along (removed from the outputs).

    Returns:
        ``x.shape[axis]`` Variables (views of ``x``'s data).

    Raises:
        TypeError: If ``axis`` is not an int.
        kusari.graph.type_check.InvalidType: If ``axis`` is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(6.0).reshape(2, 3)
        >>> [y.array.tolist() for y in F.separate(x, axis=1)]
        [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    """
    axis = _shape_check.as_int(axis, "axis")
    return Separate(axis).apply((x,))


# Imported last: stack's module imports this one (each function's backward is the other).
from .stack import stack as _stack  # noqa: E402
