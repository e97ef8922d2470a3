"""Small helpers for writing functions."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt

from kusari.devices import Array

__all__ = ["force_array"]


def force_array(x: Any, dtype: npt.DTypeLike | None = None) -> Array:
    """Return ``x`` as an array: NumPy reductions return scalars for 0-dimensional results.

    Arrays pass through unchanged (cast when ``dtype`` is given).

    Args:
        x: An array or a NumPy scalar.
        dtype: The dtype to cast to, if any.

    Returns:
        An array.

    Example:
        >>> import numpy
        >>> from kusari.graph import force_array
        >>> force_array(numpy.float32(2.0))
        array(2., dtype=float32)
    """
    if isinstance(x, numpy.generic) or not hasattr(x, "ndim"):
        return numpy.asarray(x, dtype=dtype)
    if dtype is not None and x.dtype != dtype:
        return x.astype(dtype, copy=False)  # type: ignore[no-any-return]
    return x  # type: ignore[no-any-return]
