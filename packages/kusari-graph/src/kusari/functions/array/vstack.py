"""Vertical stacking, as :func:`numpy.vstack` (:func:`vstack`)."""

from __future__ import annotations

from collections.abc import Sequence

from kusari.graph import Variable, VariableOrArray

from .concat import concat
from .reshape import reshape

__all__ = ["vstack"]


def vstack(xs: Sequence[VariableOrArray]) -> Variable:
    """Stack inputs vertically: along axis 0, after making them at least 2-D.

    A 1-D input of length ``n`` becomes a row ``(1, n)``; a 0-d input ``(1, 1)``.

    Args:
        xs: The inputs.

    Returns:
        The concatenation.

    Raises:
        kusari.graph.type_check.InvalidType: If ``xs`` is empty or the inputs do not fit
            together (reported by :func:`concat`).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.vstack([numpy.zeros(3), numpy.ones(3)]).array.tolist()
        [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
    """
    return concat([reshape(x, (1, -1)) if x.ndim < 2 else x for x in xs], axis=0)
