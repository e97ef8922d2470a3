"""Flattening to one dimension (:func:`flatten`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from .reshape import reshape

__all__ = ["flatten"]


def flatten(x: VariableOrArray) -> Variable:
    """Flatten ``x`` to one dimension (row-major order), differentiably.

    Args:
        x: The input.

    Returns:
        A Variable of shape ``(x.size,)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.flatten(numpy.arange(6.0).reshape(2, 3)).array.tolist()
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    """
    size = 1
    for n in x.shape:
        size *= n
    return reshape(x, (size,))
