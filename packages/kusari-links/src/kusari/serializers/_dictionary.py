"""Flattening an object's state into a dictionary of NumPy arrays."""

from __future__ import annotations

from typing import Any, Self, TypeVar, cast, overload

import numpy
import numpy.typing as npt

from kusari.devices import Array, is_array, to_cpu

from ._base import Serializer

__all__ = ["NONE_MARKER_DTYPE", "DictionarySerializer", "is_none_marker", "none_marker"]

_T = TypeVar("_T")

NONE_MARKER_DTYPE = numpy.dtype([("__kusari_none__", numpy.uint8)])
"""The dtype of the array that stands for a saved ``None``.

Chainer saved ``None`` as ``numpy.asarray(None)``, an object array that can only be read
back by unpickling.  kusari never pickles: ``None`` is saved as a 0-dimensional array of
this one-field structured dtype, which ``numpy.load(..., allow_pickle=False)`` reads.
"""


def none_marker() -> npt.NDArray[numpy.void]:
    """Return the array that stands for ``None`` in a saved dictionary."""
    return numpy.zeros((), dtype=NONE_MARKER_DTYPE)


def is_none_marker(array: npt.NDArray[Any]) -> bool:
    """Return whether ``array`` is the stand-in for a saved ``None``."""
    return array.dtype == NONE_MARKER_DTYPE


class DictionarySerializer(Serializer):
    """Serializer that flattens an object's state into a ``dict`` of NumPy arrays.

    Keys are paths joined with ``/``, such as ``'l1/W'`` or ``'predictor/0/b'``.  Arrays
    are stored as they are (NumPy arrays are not copied; CuPy arrays are copied to the
    host), scalars and strings as 0-dimensional arrays, and ``None`` as the marker array
    described at :data:`NONE_MARKER_DTYPE`.  Values that NumPy can only store as object
    arrays (which would need pickle) are refused.

    Args:
        target: The dictionary to write into; a new one when ``None``.
        path: The prefix of every key written by this serializer (``''`` or ends in
            ``'/'``).

    Attributes:
        target: The dictionary being written.
        path: The key prefix.

    Example:
        >>> import numpy
        >>> from kusari.serializers import DictionarySerializer
        >>> serializer = DictionarySerializer()
        >>> _ = serializer["l1"]("W", numpy.zeros((2, 2), dtype=numpy.float32))
        >>> _ = serializer("epoch", 3)
        >>> sorted(serializer.target)
        ['epoch', 'l1/W']
    """

    target: dict[str, npt.NDArray[Any]]
    path: str

    def __init__(self, target: dict[str, npt.NDArray[Any]] | None = None, path: str = "") -> None:
        self.target = {} if target is None else target
        self.path = path

    def __getitem__(self, key: str) -> Self:
        """Return the serializer of the child ``key``, writing into the same dictionary."""
        return type(self)(self.target, self.path + key.strip("/") + "/")

    @overload
    def __call__(self, key: str, value: None) -> Array | None: ...
    @overload
    def __call__(self, key: str, value: _T) -> _T: ...
    def __call__(self, key: str, value: object) -> object:
        """Store ``value`` under ``path + key`` and return it unchanged.

        Args:
            key: The name of the value.
            value: An array (NumPy or CuPy), a scalar, a string or ``None``.

        Returns:
            ``value``.

        Raises:
            TypeError: If ``value`` could only be saved as a pickled object array.
        """
        full_key = self.path + key.lstrip("/")
        if value is None:
            stored = none_marker()
        elif is_array(value):
            stored = to_cpu(cast(Array, value))
        else:
            stored = numpy.asarray(value)
        if stored.dtype.hasobject:
            raise TypeError(
                f"cannot serialize {full_key!r}: a value of type {type(value).__name__} "
                "would need pickle, which kusari never writes; save arrays, numbers, "
                "strings or None"
            )
        self.target[full_key] = stored
        return value
