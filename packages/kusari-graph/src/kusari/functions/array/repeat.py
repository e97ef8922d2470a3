"""Repeating elements (:func:`repeat`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InvalidType, TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["Repeat", "RepeatGrad", "repeat"]


def _sum_groups(gy: Array, repeats: tuple[int, ...], axis: int, length: int) -> Array:
    """The adjoint of ``repeat``: add up the copies of each element along ``axis``."""
    xp = _shape_check.xp_of(gy)
    if len(repeats) == 1:
        r = repeats[0]
        shape = (*gy.shape[:axis], length, r, *gy.shape[axis + 1 :])
        return gy.reshape(shape).sum(axis=axis + 1)  # type: ignore[no-any-return]
    index = numpy.repeat(numpy.arange(length), repeats)
    moved = xp.moveaxis(gy, axis, 0)
    gx = xp.zeros((length, *moved.shape[1:]), gy.dtype)
    if xp is numpy:
        numpy.add.at(gx, index, moved)
    else:
        import cupyx

        cupyx.scatter_add(gx, xp.asarray(index), moved)
    return xp.moveaxis(gx, 0, axis)  # type: ignore[no-any-return]


@final
class Repeat(FunctionNode):
    """Repeat each element along ``axis`` (the flattened input when ``axis`` is ``None``).

    Args:
        repeats: One count for all elements, or one per element along the axis.
        axis: The axis, or ``None``.
    """

    __slots__ = ("_in_shape", "axis", "repeats")

    def __init__(self, repeats: tuple[int, ...], axis: int | None) -> None:
        self.repeats = repeats
        self.axis = axis

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input; ``axis`` in range; one count per element when several are given."""
        type_check.argname(in_types, ("x",))
        x_type = in_types[0]
        if self.axis is not None:
            _shape_check.expect_axis(x_type, self.axis)
        if len(self.repeats) > 1:
            shape = type_check.eval(x_type.shape)
            length = shape[self.axis] if self.axis is not None else _prod(shape)
            if length != len(self.repeats):
                raise InvalidType(
                    "len(repeats) == 1 or the length of the repeated axis",
                    f"len(repeats) = {len(self.repeats)}, axis length {length}",
                )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Repeat."""
        (x,) = inputs
        self._in_shape = x.shape
        xp = _shape_check.xp_of(x)
        repeats: Any = self.repeats[0] if len(self.repeats) == 1 else list(self.repeats)
        return (xp.repeat(x, repeats, axis=self.axis),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Add up the copies of each element's gradient."""
        gy = _utils.first_grad(grad_outputs)
        return (RepeatGrad(self.repeats, self.axis, self._in_shape).apply((gy,))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Add up the copies of each element's gradient."""
        gy = grad_outputs[0]
        assert gy is not None
        return (_repeat_grad(gy, self.repeats, self.axis, self._in_shape),)


def _prod(shape: tuple[int, ...]) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


def _repeat_grad(
    gy: Array, repeats: tuple[int, ...], axis: int | None, in_shape: tuple[int, ...]
) -> Array:
    if axis is None:
        return _sum_groups(gy, repeats, 0, _prod(in_shape)).reshape(in_shape)
    axis %= len(in_shape)
    return _sum_groups(gy, repeats, axis, in_shape[axis])


@final
class RepeatGrad(FunctionNode):
    """The gradient of :class:`Repeat`: the copies of each element added up.

    Args:
        repeats: The counts of the forward :class:`Repeat`.
        axis: Its axis.
        in_shape: The shape of its input.
    """

    __slots__ = ("axis", "in_shape", "repeats")

    def __init__(
        self, repeats: tuple[int, ...], axis: int | None, in_shape: tuple[int, ...]
    ) -> None:
        self.repeats = repeats
        self.axis = axis
        self.in_shape = in_shape

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Add up the copies."""
        return (_repeat_grad(inputs[0], self.repeats, self.axis, self.in_shape),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Repeat the gradient."""
        ggx = _utils.first_grad(grad_outputs)
        return (Repeat(self.repeats, self.axis).apply((ggx,))[0],)


def repeat(x: VariableOrArray, repeats: int | Sequence[int], axis: int | None = None) -> Variable:
    """Repeat each element of ``x``, as :func:`numpy.repeat`.

    Args:
        x: The input.
        repeats: The number of copies of each element: one count for all, or one per
            element along ``axis`` (each non-negative).
        axis: The axis along which to repeat; ``None`` repeats the flattened input.

    Returns:
        The Variable with repeated elements.

    Raises:
        TypeError: If ``repeats`` or ``axis`` has the wrong type.
        ValueError: If a count is negative.
        kusari.graph.type_check.InvalidType: If ``axis`` is out of range, or the number of
            counts is neither one nor the length of the axis.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 2.0], [3.0, 4.0]])
        >>> F.repeat(x, 2).array.tolist()
        [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]
        >>> F.repeat(x, [1, 2], axis=0).array.tolist()
        [[1.0, 2.0], [3.0, 4.0], [3.0, 4.0]]
    """
    try:
        counts = _shape_check.as_int_tuple(repeats, "repeats")
    except TypeError:
        raise TypeError(
            f"repeats must be an int or a sequence of ints, got {type(repeats).__name__}"
        ) from None
    if not counts:
        raise ValueError("repeats must not be empty")
    if any(r < 0 for r in counts):
        raise ValueError(f"every element of repeats must be zero or larger, got {repeats!r}")
    if axis is not None:
        axis = _shape_check.as_int(axis, "axis")
    return Repeat(counts, axis).apply((x,))[0]
