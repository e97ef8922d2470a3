"""Maxout (:func:`maxout`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from ..array.reshape import reshape
from ..math import _helpers
from ..math.max import max as _max

__all__ = ["maxout"]


def maxout(x: VariableOrArray, pool_size: int, axis: int = 1) -> Variable:
    """Maxout: the maximum over groups of ``pool_size`` consecutive elements along ``axis``.

    The axis of length ``M * pool_size`` becomes one of length ``M``; group ``i`` holds the
    elements ``i * pool_size`` to ``(i + 1) * pool_size - 1``.  It is a reshape followed by
    :func:`~kusari.functions.max` (the gradient goes to the maximum of each group).

    Args:
        x: A floating point input.
        pool_size: The group size.
        axis: The axis to group.

    Returns:
        The maxima.

    Raises:
        TypeError: If ``pool_size`` or ``axis`` is not an int.
        ValueError: If ``pool_size`` is not positive.
        kusari.graph.type_check.InvalidType: If ``x`` has no axis ``axis`` or its length is
            not a multiple of ``pool_size``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.maxout(numpy.arange(12.0).reshape(2, 6), 3).array.tolist()
        [[2.0, 5.0], [8.0, 11.0]]
    """
    if isinstance(pool_size, bool) or not isinstance(pool_size, int):
        raise TypeError(f"pool_size must be an int, got {type(pool_size).__name__}")
    if pool_size <= 0:
        raise ValueError(f"pool_size must be a positive integer, got {pool_size}")
    shape = tuple(x.shape)
    axis = _helpers.check_axis("Maxout", len(shape), axis)
    if shape[axis] % pool_size:
        raise _helpers.invalid_type(
            "Maxout",
            f"x.shape[{axis}] % pool_size == 0",
            f"{shape[axis]} % {pool_size} == {shape[axis] % pool_size}",
        )
    grouped = (*shape[:axis], shape[axis] // pool_size, pool_size, *shape[axis + 1 :])
    return _max(reshape(x, grouped), axis=axis + 1)
