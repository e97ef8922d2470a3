"""Small helpers for writing functions."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt

from kusari.devices import Array

__all__ = ["force_array", "force_type"]


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


def force_type(dtype: npt.DTypeLike, value: Any) -> Any:
    """Return ``value`` with dtype ``dtype``: a scalar of that type, or a cast array.

    Python and NumPy scalars become ``dtype``'s scalar type; arrays of another dtype are
    cast (without a copy where possible); arrays of the right dtype pass through.

    Args:
        dtype: The dtype wanted.
        value: A scalar or an array.

    Returns:
        The converted value.

    Example:
        >>> import numpy
        >>> from kusari.graph import force_type
        >>> type(force_type(numpy.float32, 3.0)).__name__
        'float32'
        >>> force_type(numpy.float32, numpy.ones(2)).dtype
        dtype('float32')
    """
    dtype = numpy.dtype(dtype)
    if numpy.isscalar(value):
        scalar_type: Any = dtype.type
        return scalar_type(value)
    if value.dtype != dtype:
        return value.astype(dtype, copy=False)
    return value
