"""Reversing the columns (:func:`fliplr`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from .flip import Flip

__all__ = ["fliplr"]


def fliplr(a: VariableOrArray) -> Variable:
    """Reverse ``a`` along axis 1 (left/right), as :func:`numpy.fliplr`.

    Args:
        a: An input with at least two dimensions.

    Returns:
        The reversed Variable.

    Raises:
        kusari.graph.type_check.InvalidType: If ``a`` has fewer than two dimensions.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.fliplr(numpy.array([[1.0, 2.0], [3.0, 4.0]])).array.tolist()
        [[2.0, 1.0], [4.0, 3.0]]
    """
    return Flip((1,), "FlipLR").apply((a,))[0]
