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
    x: VariableOrArray,
    axis: int | tuple[int, ...] | None = None,
    weights: VariableOrArray | None = None,
    keepdims: bool = False,
) -> Variable:
    """Average the elements of a floating point input, optionally weighted.

    With ``weights`` it is :func:`~kusari.functions.average`:
    ``sum(x * weights, axis) / sum(weights)``, differentiable with respect to both.

    Args:
        x: The input.
        axis: The axis or axes to average over; all when ``None``.  With ``weights`` it
            must be ``None`` or an int.
        weights: The weights: of the shape of ``x`` when ``axis`` is ``None``, else 1-D of
            the length of that axis; of the dtype of ``x``.  ``None`` for a plain mean.
        keepdims: Keep the reduced axes with length one.

    Returns:
        The mean.

    Raises:
        ValueError: If a tuple of axes is given with weights, or the weights have the wrong
            shape.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point, an axis is
            out of range or the dtypes of ``x`` and ``weights`` differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 2.0], [3.0, 6.0]])
        >>> F.mean(x, axis=0)
        variable([2., 4.])
        >>> F.mean(x, axis=1, weights=numpy.array([3.0, 1.0])).array.tolist()
        [1.25, 3.75]
    """
    if weights is not None:
        # average() calls mean() for the unweighted case, so it is imported here.
        from .average import average

        return average(x, axis, weights, keepdims)
    axes = _utils.normalize_axis(axis, len(x.shape))
    return Mean(axes, keepdims).apply((x,))[0]
