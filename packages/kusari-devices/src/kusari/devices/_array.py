"""The array types kusari accepts, recognised without importing CuPy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

import numpy
import numpy.typing as npt

from ._cupy import cupy_if_imported, cupy_or_none

__all__ = ["Array", "Scalar", "get_array_types", "is_array", "is_arrays_compatible"]

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


def is_arrays_compatible(arrays: Iterable[Array | None]) -> bool:
    """Return whether the arrays can meet in one computation: all NumPy or all CuPy.

    ``None`` entries are skipped, so an empty or all-``None`` collection is compatible.
    Devices are not compared: two CuPy arrays on different GPUs count as compatible, as in
    Chainer.

    Args:
        arrays: Arrays, or ``None`` for missing ones (an absent gradient, say).

    Returns:
        ``True`` when every array is of the first array's kind.

    Raises:
        TypeError: If an entry is neither an array nor ``None``.

    Example:
        >>> import numpy
        >>> from kusari.devices import is_arrays_compatible
        >>> is_arrays_compatible([numpy.zeros(2), None, numpy.ones(3)])
        True
        >>> is_arrays_compatible([])
        True
    """
    kinds = set()
    for index, array in enumerate(arrays):
        value: object = array  # CuPy arrays are Array to mypy too: check at run time
        if value is None:
            continue
        if isinstance(value, numpy.ndarray):
            kinds.add("numpy")
        elif is_array(value):
            kinds.add("cupy")
        else:
            raise TypeError(
                f"is_arrays_compatible: entry {index} is a {type(value).__name__}, expected an "
                "array or None"
            )
    return len(kinds) <= 1
