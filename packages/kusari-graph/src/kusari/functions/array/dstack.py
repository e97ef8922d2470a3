"""Depth-wise stacking, as :func:`numpy.dstack` (:func:`dstack`)."""

from __future__ import annotations

from collections.abc import Sequence

from kusari.graph import Variable, VariableOrArray

from .concat import concat
from .reshape import reshape

__all__ = ["dstack"]


def _at_least_3d(x: VariableOrArray) -> VariableOrArray:
    if x.ndim == 0:
        return reshape(x, (1, 1, 1))
    if x.ndim == 1:
        return reshape(x, (1, x.shape[0], 1))
    if x.ndim == 2:
        return reshape(x, (*x.shape, 1))
    return x


def dstack(xs: Sequence[VariableOrArray]) -> Variable:
    """Stack inputs along the third axis, after making them at least 3-D.

    A 1-D input of length ``n`` becomes ``(1, n, 1)``, a 2-D ``(m, n)`` one ``(m, n, 1)``.

    Args:
        xs: The inputs.

    Returns:
        The concatenation along axis 2.

    Raises:
        kusari.graph.type_check.InvalidType: If ``xs`` is empty or the inputs do not fit
            together (reported by :func:`concat`).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.dstack([numpy.zeros((2, 3)), numpy.ones((2, 3))]).shape
        (2, 3, 2)
    """
    return concat([_at_least_3d(x) for x in xs], axis=2)
