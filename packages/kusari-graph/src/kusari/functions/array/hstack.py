"""Horizontal stacking, as :func:`numpy.hstack` (:func:`hstack`)."""

from __future__ import annotations

from collections.abc import Sequence

from kusari.graph import Variable, VariableOrArray

from .concat import concat
from .reshape import reshape

__all__ = ["hstack"]


def hstack(xs: Sequence[VariableOrArray]) -> Variable:
    """Stack inputs horizontally: along axis 1, or axis 0 for 1-D (and 0-d) inputs.

    Args:
        xs: The inputs; 0-d inputs count as 1-D of length one.

    Returns:
        The concatenation.

    Raises:
        kusari.graph.type_check.InvalidType: If ``xs`` is empty or the inputs do not fit
            together (reported by :func:`concat`).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.hstack([numpy.zeros((2, 1)), numpy.ones((2, 2))]).shape
        (2, 3)
        >>> F.hstack([numpy.zeros(2), numpy.ones(3)]).array.tolist()
        [0.0, 0.0, 1.0, 1.0, 1.0]
    """
    xs = [reshape(x, (1,)) if x.ndim == 0 else x for x in xs]
    axis = 0 if xs and xs[0].ndim == 1 else 1
    return concat(xs, axis=axis)
