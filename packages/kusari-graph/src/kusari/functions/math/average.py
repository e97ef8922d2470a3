"""Weighted average (:func:`average`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from ..array.reshape import reshape
from . import _helpers
from .mean import mean
from .sum import sum as _sum

__all__ = ["average"]


def average(
    x: VariableOrArray,
    axis: int | tuple[int, ...] | None = None,
    weights: VariableOrArray | None = None,
    keepdims: bool = False,
) -> Variable:
    """Weighted average of the elements: ``sum(x * weights, axis) / sum(weights)``.

    Without weights it is :func:`~kusari.functions.mean`.  It is differentiable with respect
    to ``x`` and to ``weights`` (built from differentiable functions).

    Args:
        x: A floating point input.
        axis: The axis or axes to average over; all when ``None``.  With weights it must be
            ``None`` or an int.
        weights: The weights: of the shape of ``x`` when ``axis`` is ``None``, else 1-D of
            the length of that axis; of the dtype of ``x``.
        keepdims: Keep the reduced axes with length one.

    Returns:
        The average.

    Raises:
        ValueError: If a tuple of axes is given with weights, or the weights have the wrong
            shape.
        TypeError: If ``axis`` is of an unsupported type.
        kusari.graph.type_check.InvalidType: If an axis is out of range or the dtypes differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
        >>> y = F.average(x, axis=1, weights=numpy.array([1.0, 2.0, 3.0]))
        >>> numpy.allclose(y.array, [8.0 / 6.0, 26.0 / 6.0])
        True
    """
    if weights is None:
        return mean(x, axis, keepdims=keepdims)
    ndim = _helpers.ndim_of(x)
    if isinstance(axis, tuple):
        raise ValueError("tuple axis is not supported when weights is given")
    w_shape = tuple(weights.shape)
    x_shape = tuple(x.shape)
    if axis is None:
        if w_shape != x_shape:
            raise ValueError(
                f"weights must have the shape of x {x_shape} when axis is None, got {w_shape}"
            )
        w = weights
        axes = None
    else:
        axis_ = _helpers.check_axis("Average", ndim, axis)
        if w_shape != (x_shape[axis_],):
            raise ValueError(
                f"weights must be 1-D of length x.shape[{axis}] = {x_shape[axis_]}, "
                f"got shape {w_shape}"
            )
        w = reshape(weights, tuple(n if i == axis_ else 1 for i, n in enumerate(x_shape)))
        axes = axis_
    total = _sum(x * w, axis=axes, keepdims=keepdims)
    return total / _sum(w)
