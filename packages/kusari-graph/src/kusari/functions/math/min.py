"""Minimum of elements along axes (:func:`min`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from . import _helpers
from .max import SelectionReduce

__all__ = ["Min", "min"]


@final
class Min(SelectionReduce):
    """The minimum over ``axis`` (all axes when ``None``)."""

    __slots__ = ()

    def _reduce(self, x: Array) -> Array:
        return x.min(axis=self.axis, keepdims=self.keepdims)  # type: ignore[no-any-return]


def min(
    x: VariableOrArray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Variable:
    """Minimum of the elements of a floating point input.

    The gradient goes to every element equal to the minimum.

    Args:
        x: The input.
        axis: The axis or axes to reduce; all when ``None``.
        keepdims: Keep the reduced axes with length one.

    Returns:
        The minimum.

    Raises:
        TypeError: If ``axis`` is not None, an int or a tuple of ints.
        ValueError: If an axis is repeated, or the reduction is over no element.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or an axis is
            out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 4.0], [3.0, 2.0]])
        >>> F.min(x).array.tolist(), F.min(x, axis=0, keepdims=True).array.tolist()
        (1.0, [[1.0, 2.0]])
    """
    axes = _helpers.check_axes("Min", _helpers.ndim_of(x), axis)
    return Min(axes, keepdims).apply((x,))[0]
