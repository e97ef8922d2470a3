"""The array types kusari accepts, recognised without importing CuPy."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy
import numpy.typing as npt

from ._cupy import cupy_if_imported, cupy_or_none

__all__ = ["Array", "Scalar", "get_array_types", "is_array"]

Array: TypeAlias = npt.NDArray[Any]
"""An array kusari accepts: a :class:`numpy.ndarray` or a ``cupy.ndarray``.

CuPy ships no type information, so to mypy a CuPy array is ``Any`` and fits this alias.
"""

Scalar: TypeAlias = bool | int | float | complex | numpy.generic
"""A scalar that a device turns into a 0-dimensional array of its own kind."""

_array_types: tuple[type, ...] | None = None


def get_array_types() -> tuple[type, ...]:
    """Return the array types kusari supports: ``numpy.ndarray``, plus ``cupy.ndarray``.

    ``cupy.ndarray`` is included when CuPy can be imported (imported on the first call);
    the result is computed once.

    Returns:
        A tuple of types, usable with :func:`isinstance`.

    Example:
        >>> import numpy
        >>> from kusari.devices import get_array_types
        >>> numpy.ndarray in get_array_types()
        True
    """
    global _array_types
    if _array_types is None:
        cupy = cupy_or_none()
        types_: tuple[type, ...] = (numpy.ndarray,)
        if cupy is not None:
            types_ += (cupy.ndarray,)
        _array_types = types_
    return _array_types


def is_array(value: object) -> bool:
    """Return whether ``value`` is a NumPy or CuPy array (never imports CuPy).

    Args:
        value: Any object.

    Returns:
        ``True`` for ``numpy.ndarray`` (and subclasses) and ``cupy.ndarray``.

    Example:
        >>> import numpy
        >>> from kusari.devices import is_array
        >>> is_array(numpy.zeros(3)), is_array([0.0, 0.0]), is_array(numpy.float32(1))
        (True, False, False)
    """
    if isinstance(value, numpy.ndarray):
        return True
    cupy = cupy_if_imported()
    return cupy is not None and isinstance(value, cupy.ndarray)
