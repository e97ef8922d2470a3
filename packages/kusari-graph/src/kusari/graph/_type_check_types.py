"""The light-mode values of type checking: :class:`TypeInfo`, and :class:`InvalidType`.

In light mode (every call of ``check_type_forward``) each input is a :class:`TypeInfo` of
plain values, so the conditions are ordinary bools.  A failed condition raises
``_LightModeFailure``, which tells the caller to run the check again in full mode for the
message.
"""

from __future__ import annotations

from typing import Any

import numpy

__all__ = ["InvalidType", "TypeInfo"]


class InvalidType(Exception):
    """Raised when the inputs of a function do not satisfy its type expectations.

    Args:
        expect: The expectation that failed, as text (``"in_types[0].ndim == 2"``).
        actual: The actual values, as text (``"3 != 2"``).
        msg: The full message; built from ``expect`` and ``actual`` when ``None``.

    Attributes:
        expect: The failed expectation.
        actual: The actual values.

    Example:
        >>> from kusari.graph.type_check import InvalidType
        >>> print(InvalidType("x.ndim == 2", "3 != 2"))
        Expect: x.ndim == 2
        Actual: 3 != 2
    """

    def __init__(self, expect: str, actual: str, msg: str | None = None) -> None:
        if msg is None:
            msg = f"Expect: {expect}\nActual: {actual}"
        super().__init__(msg)
        self.expect = expect
        self.actual = actual

    def __reduce__(self) -> tuple[type[InvalidType], tuple[str, str, str]]:
        return type(self), (self.expect, self.actual, str(self))


class TypeInfo:
    """The shape and dtype of one input, as plain values (light mode).

    Args:
        shape: The shape.
        dtype: The dtype (``None`` for an absent optional input).

    Attributes:
        shape: The shape tuple.
        dtype: The :class:`numpy.dtype`.
        ndim: ``len(shape)``.

    Example:
        >>> import numpy
        >>> from kusari.graph.type_check import TypeInfo
        >>> t = TypeInfo((2, 3), numpy.dtype(numpy.float32))
        >>> t.ndim, t.size
        (2, 6)
    """

    __slots__ = ("dtype", "ndim", "shape")

    def __init__(self, shape: tuple[int, ...], dtype: numpy.dtype[Any] | None) -> None:
        self.shape = shape
        self.dtype = dtype
        self.ndim = len(shape)

    @property
    def size(self) -> int:
        """The number of elements."""
        size = 1
        for dim in self.shape:
            size *= dim
        return size

    def __repr__(self) -> str:
        return f"TypeInfo(shape={self.shape}, dtype={self.dtype})"
