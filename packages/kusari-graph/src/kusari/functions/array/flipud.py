"""Reversing the rows (:func:`flipud`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from .flip import Flip

__all__ = ["flipud"]


def flipud(a: VariableOrArray) -> Variable:
    """Reverse ``a`` along axis 0 (up/down), as :func:`numpy.flipud`.

    Args:
        a: An input with at least one dimension.

    Returns:
        The reversed Variable.

    Raises:
        kusari.graph.type_check.InvalidType: If ``a`` is 0-dimensional.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.flipud(numpy.array([[1.0, 2.0], [3.0, 4.0]])).array.tolist()
        [[3.0, 4.0], [1.0, 2.0]]
    """
    return Flip((0,), "FlipUD").apply((a,))[0]
