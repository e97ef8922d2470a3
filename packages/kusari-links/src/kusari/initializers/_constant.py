"""Deterministic initializers: Constant, Zero, One, NaN and Identity."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt

from kusari.devices import Array, Scalar, get_array_module, get_device_from_array, using_device

from ._base import Initializer

__all__ = ["NaN", "Constant", "Identity", "One", "Zero"]


class Constant(Initializer):
    """Fill an array with a constant: a scalar, or an array broadcast to the target shape.

    Args:
        fill_value: A scalar or an array (NumPy or CuPy, on any device).
        dtype: The dtype this initializer is for (see :class:`Initializer`).

    Attributes:
        fill_value: The value written by every call.

    Example:
        >>> import numpy
        >>> from kusari.initializers import Constant
        >>> a = numpy.empty((2, 3), dtype=numpy.float32)
        >>> Constant(numpy.arange(3))(a)
        >>> a
        array([[0., 1., 2.],
               [0., 1., 2.]], dtype=float32)
    """

    fill_value: Scalar | Array

    def __init__(self, fill_value: Scalar | Array, dtype: npt.DTypeLike | None = None) -> None:
        super().__init__(dtype)
        self.fill_value = fill_value

    def __call__(self, array: Array) -> None:
        """Fill ``array`` with :attr:`fill_value`, broadcast to its shape.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch, or if :attr:`fill_value` cannot be broadcast
                to ``array``'s shape.
        """
        self.check_dtype(array)
        xp = get_array_module(array)
        value_shape = numpy.shape(self.fill_value)
        try:
            target: tuple[int, ...] | None = numpy.broadcast_shapes(value_shape, array.shape)
        except ValueError:
            target = None
        if target != array.shape:
            raise ValueError(
                f"Constant cannot fill an array of shape {array.shape} with a fill value "
                f"of shape {value_shape}"
            )
        with using_device(get_device_from_array(array)):
            array[...] = xp.asarray(self.fill_value)

    def _repr_fields(self) -> dict[str, object]:
        value = self.fill_value
        shown: object = value if numpy.ndim(value) == 0 else f"<array {numpy.shape(value)}>"
        return {"fill_value": shown}


class Zero(Constant):
    """Fill an array with zeros.

    Args:
        dtype: The dtype this initializer is for (see :class:`Initializer`).

    Example:
        >>> import numpy
        >>> from kusari.initializers import Zero
        >>> a = numpy.ones(3)
        >>> Zero()(a)
        >>> a
        array([0., 0., 0.])
    """

    def __init__(self, dtype: npt.DTypeLike | None = None) -> None:
        super().__init__(0.0, dtype)

    def _repr_fields(self) -> dict[str, object]:
        return {}


class One(Constant):
    """Fill an array with ones.

    Args:
        dtype: The dtype this initializer is for (see :class:`Initializer`).

    Example:
        >>> import numpy
        >>> from kusari.initializers import One
        >>> a = numpy.zeros(2, dtype=numpy.int32)
        >>> One()(a)
        >>> a
        array([1, 1], dtype=int32)
    """

    def __init__(self, dtype: npt.DTypeLike | None = None) -> None:
        super().__init__(1.0, dtype)

    def _repr_fields(self) -> dict[str, object]:
        return {}


class NaN(Constant):
    """Fill an array with NaN (the initial gradient of a :class:`~kusari.links.Parameter`).

    Args:
        dtype: The dtype this initializer is for (see :class:`Initializer`).

    Example:
        >>> import numpy
        >>> from kusari.initializers import NaN
        >>> a = numpy.zeros(2)
        >>> NaN()(a)
        >>> a
        array([nan, nan])
    """

    def __init__(self, dtype: npt.DTypeLike | None = None) -> None:
        super().__init__(numpy.nan, dtype)

    def _repr_fields(self) -> dict[str, object]:
        return {}


class Identity(Initializer):
    """Fill a square matrix with ``scale`` times the identity.

    Args:
        scale: The value on the diagonal.
        dtype: The dtype this initializer is for (see :class:`Initializer`).

    Attributes:
        scale: The value on the diagonal.

    Example:
        >>> import numpy
        >>> from kusari.initializers import Identity
        >>> a = numpy.empty((2, 2), dtype=numpy.float32)
        >>> Identity(scale=3.0)(a)
        >>> a
        array([[3., 0.],
               [0., 3.]], dtype=float32)
    """

    scale: float

    def __init__(self, scale: float = 1.0, dtype: npt.DTypeLike | None = None) -> None:
        super().__init__(dtype)
        self.scale = scale

    def __call__(self, array: Array) -> None:
        """Fill ``array`` with ``scale * I``.

        Args:
            array: A square 2-dimensional array.

        Raises:
            ValueError: If ``array`` is not a square matrix, or on a dtype mismatch.
        """
        self.check_dtype(array)
        shape = array.shape
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(
                f"Identity can only fill a square 2-dimensional array, got shape {shape}"
            )
        xp: Any = get_array_module(array)
        with using_device(get_device_from_array(array)):
            array[...] = xp.identity(shape[0]) * self.scale

    def _repr_fields(self) -> dict[str, object]:
        return {"scale": self.scale}
