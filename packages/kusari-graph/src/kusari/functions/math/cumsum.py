"""Cumulative sum along an axis (:func:`cumsum`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.get_item import get_item
from ..array.reshape import reshape
from . import _helpers

__all__ = ["Cumsum", "cumsum", "reversed_along"]


def _reversing(axis: int) -> tuple[slice, ...]:
    return (slice(None),) * axis + (slice(None, None, -1),)


def reversed_along(x: Array, axis: int) -> Array:
    """``x`` reversed along ``axis`` (a view)."""
    return x[_reversing(axis)]


@final
class Cumsum(FunctionNode):
    """The cumulative sum along ``axis``; ``None`` sums the flattened input.

    The gradient is the cumulative sum of the output gradient taken from the other end.

    Args:
        axis: The (non-negative) axis, or ``None``.
    """

    __slots__ = ("_in_shape", "axis")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: int | None = None) -> None:
        self.axis = axis

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum cumulatively."""
        (x,) = inputs
        self._in_shape = x.shape
        return (_helpers.array_module(x).cumsum(x, axis=self.axis),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The reverse cumulative sum of ``gy``."""
        gy = _utils.first_grad(grad_outputs)
        axis = 0 if self.axis is None else self.axis
        flipped = get_item(gy, _reversing(axis))
        gx = get_item(Cumsum(axis).apply((flipped,))[0], _reversing(axis))
        return (reshape(gx, self._in_shape) if self.axis is None else gx,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The reverse cumulative sum of ``gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        axis = 0 if self.axis is None else self.axis
        xp = _helpers.array_module(gy)
        gx = reversed_along(xp.cumsum(reversed_along(gy, axis), axis=axis), axis)
        return (gx.reshape(self._in_shape),)


def cumsum(x: VariableOrArray, axis: int | None = None) -> Variable:
    """Cumulative sum along ``axis``.

    Args:
        x: A floating point input.
        axis: The axis; ``None`` flattens the input first (the result is 1-D).

    Returns:
        The cumulative sums.

    Raises:
        TypeError: If ``axis`` is neither None nor an int.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or has no axis
            ``axis``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.cumsum(numpy.array([[1.0, 2.0], [3.0, 4.0]]), axis=1).array.tolist()
        [[1.0, 3.0], [3.0, 7.0]]
        >>> F.cumsum(numpy.array([[1.0, 2.0], [3.0, 4.0]])).array.tolist()
        [1.0, 3.0, 6.0, 10.0]
    """
    if axis is not None:
        axis = _helpers.check_axis("Cumsum", _helpers.ndim_of(x), axis)
    return Cumsum(axis).apply((x,))[0]
