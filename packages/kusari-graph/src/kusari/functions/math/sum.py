"""Sum of elements (:func:`sum`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.broadcast_to import broadcast_to
from ..array.reshape import reshape

__all__ = ["Sum", "sum"]


def _kept_shape(in_shape: tuple[int, ...], axis: tuple[int, ...] | None) -> tuple[int, ...]:
    if axis is None:
        return (1,) * len(in_shape)
    return tuple(1 if i in axis else n for i, n in enumerate(in_shape))


@final
class Sum(FunctionNode):
    """The sum over ``axis`` (all axes when ``None``).

    Args:
        axis: The axes to sum over (normalized, sorted), or ``None``.
        keepdims: Keep the reduced axes with length one.
    """

    __slots__ = ("_in_shape", "axis", "keepdims")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: tuple[int, ...] | None = None, keepdims: bool = False) -> None:
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum."""
        (x,) = inputs
        self._in_shape = x.shape
        return (x.sum(axis=self.axis, keepdims=self.keepdims),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Broadcast the gradient over the summed axes."""
        gy = _utils.first_grad(grad_outputs)
        if not self.keepdims:
            gy = reshape(gy, _kept_shape(self._in_shape, self.axis))
        return (broadcast_to(gy, self._in_shape),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Broadcast the gradient over the summed axes."""
        gy = grad_outputs[0]
        assert gy is not None
        if not self.keepdims:
            gy = gy.reshape(_kept_shape(self._in_shape, self.axis))
        return (_utils.broadcast_array(gy, self._in_shape),)


def sum(
    x: VariableOrArray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Variable:
    """Sum the elements of a floating point input.

    Args:
        x: The input.
        axis: The axis or axes to sum over; all when ``None``.
        keepdims: Keep the reduced axes with length one.

    Returns:
        The sum.

    Raises:
        ValueError: If an axis is out of range or repeated.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(6.0).reshape(2, 3)
        >>> F.sum(x)
        variable(15.)
        >>> F.sum(x, axis=1, keepdims=True)
        variable([[ 3.],
                  [12.]])
    """
    axes = _utils.normalize_axis(axis, len(x.shape))
    return Sum(axes, keepdims).apply((x,))[0]
