"""Elementwise sum with a broadcast array (:func:`bias`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from ._broadcast_axis import aligned

__all__ = ["bias"]


def bias(x: VariableOrArray, y: VariableOrArray, axis: int = 1) -> Variable:
    """``x`` plus ``y``, broadcast along the axes of ``x`` from ``axis`` on.

    ``y.shape`` must equal ``x.shape[axis:axis + y.ndim]``; ``y`` is reshaped to line up
    with those axes and broadcast over the others (as in ``chainer.links.Bias``).

    Args:
        x: The input.
        y: The bias, of the dtype of ``x``.
        axis: The first axis of ``x`` that ``y`` covers.

    Returns:
        ``x + y`` with ``y`` broadcast, of the shape of ``x``.

    Raises:
        TypeError: If ``axis`` is not an int.
        kusari.graph.type_check.InvalidType: If the shapes do not line up, or the dtypes
            differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 2.0], [1.0, 2.0]])
        >>> F.bias(x, numpy.array([1.0, 3.0]), axis=0).array.tolist()
        [[2.0, 3.0], [4.0, 5.0]]
    """
    return x + aligned("Bias", x, y, axis)
