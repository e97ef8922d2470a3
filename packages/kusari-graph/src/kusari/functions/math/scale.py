"""Elementwise product with a broadcast array (:func:`scale`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from ._broadcast_axis import aligned

__all__ = ["scale"]


def scale(x: VariableOrArray, y: VariableOrArray, axis: int = 1) -> Variable:
    """``x`` multiplied by ``y``, broadcast along the axes of ``x`` from ``axis`` on.

    ``y.shape`` must equal ``x.shape[axis:axis + y.ndim]``; ``y`` is reshaped to line up
    with those axes and broadcast over the others (as in ``chainer.links.Scale``).

    Args:
        x: The input.
        y: The factor, of the dtype of ``x``.
        axis: The first axis of ``x`` that ``y`` covers.

    Returns:
        ``x * y`` with ``y`` broadcast, of the shape of ``x``.

    Raises:
        TypeError: If ``axis`` is not an int.
        kusari.graph.type_check.InvalidType: If the shapes do not line up, or the dtypes
            differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 2.0], [1.0, 2.0]])
        >>> F.scale(x, numpy.array([1.0, 3.0]), axis=0).array.tolist()
        [[1.0, 2.0], [3.0, 6.0]]
    """
    return x * aligned("Scale", x, y, axis)
