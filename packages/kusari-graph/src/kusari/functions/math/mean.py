"""Mean of elements (:func:`mean`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.broadcast_to import broadcast_to
from ..array.reshape import reshape
from .sum import _kept_shape

__all__ = ["Mean", "mean"]


@final
class Mean(FunctionNode):
    """The mean over ``axis`` (all axes when ``None``).

    Args:
        axis: The axes to average over (normalized, sorted), or ``None``.
        keepdims: Keep the reduced axes with length one.
    """

    __slots__ = ("_in_shape", "_scale", "axis", "keepdims")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: tuple[int, ...] | None = None, keepdims: bool = False) -> None:
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Average."""
        (x,) = inputs
        self._in_shape = x.shape
        if self.axis is None:
            count = x.size
        else:
            count = 1
            for a in self.axis:
                count *= x.shape[a]
        self._scale = x.dtype.type(1.0 / count) if count else x.dtype.type("nan")
        return (x.mean(axis=self.axis, keepdims=self.keepdims),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Spread the gradient evenly over the averaged elements."""
        gy = _utils.first_grad(grad_outputs)
        if not self.keepdims:
            gy = reshape(gy, _kept_shape(self._in_shape, self.axis))
        return (broadcast_to(gy * self._scale, self._in_shape),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Spread the gradient evenly over the averaged elements."""
        gy = grad_outputs[0]
        assert gy is not None
        if not self.keepdims:
            gy = gy.reshape(_kept_shape(self._in_shape, self.axis))
        return (_utils.broadcast_array(gy * self._scale, self._in_shape),)


def mean(
    x: VariableOrArray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Variable:
    """Average the elements of a floating point input.

    Args:
        x: The input.
        axis: The axis or axes to average over; all when ``None``.
        keepdims: Keep the reduced axes with length one.

    Returns:
        The mean.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.mean(numpy.array([[1.0, 2.0], [3.0, 6.0]]), axis=0)
        variable([2., 4.])
    """
    axes = _utils.normalize_axis(axis, len(x.shape))
    return Mean(axes, keepdims).apply((x,))[0]
