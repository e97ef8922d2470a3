"""The :class:`Initializer` base class and the helpers every initializer uses."""

from __future__ import annotations

import abc
import math
from collections.abc import Callable
from typing import Any, Protocol, TypeAlias

import numpy
import numpy.typing as npt

from kusari.devices import Array, DeviceSpec, get_device, using_device
from kusari.graph import get_dtype

__all__ = [
    "Initializer",
    "InitializerLike",
    "RandomGenerator",
    "generate_array",
    "get_fans",
]


class RandomGenerator(Protocol):
    """What an initializer's ``rng`` must provide.

    :class:`numpy.random.Generator`, :class:`numpy.random.RandomState` and CuPy's random
    generators all fit.  Initializers call only ``normal`` and ``uniform`` (and, for a
    0-dimensional :class:`~kusari.initializers.Orthogonal`, ``integers`` or ``randint``).
    """

    def normal(self, loc: float = ..., scale: float = ..., size: Any = ...) -> Any:
        """Draw from a normal distribution."""

    def uniform(self, low: float = ..., high: float = ..., size: Any = ...) -> Any:
        """Draw from a uniform distribution."""


class Initializer(abc.ABC):
    """Base class of the array initializers: a callable that fills an array in place.

    Subclasses implement :meth:`__call__`, which writes into the array given to it; the
    array's shape, dtype and device are the caller's choice (see :func:`generate_array`).

    Args:
        dtype: The dtype this initializer is meant for, or ``None`` for any.  When set,
            filling an array of another dtype raises :class:`ValueError`, and
            :func:`generate_array` creates arrays of this dtype.

    Attributes:
        dtype: The dtype given at construction (as a :class:`numpy.dtype`), or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.initializers import Initializer
        >>> class Arange(Initializer):
        ...     def __call__(self, array):
        ...         self.check_dtype(array)
        ...         array[...] = numpy.arange(array.size).reshape(array.shape)
        >>> a = numpy.empty((2, 2), dtype=numpy.float32)
        >>> Arange()(a)
        >>> a
        array([[0., 1.],
               [2., 3.]], dtype=float32)
    """

    dtype: numpy.dtype[Any] | None

    def __init__(self, dtype: npt.DTypeLike | None = None) -> None:
        self.dtype = None if dtype is None else numpy.dtype(dtype)

    @abc.abstractmethod
    def __call__(self, array: Array) -> None:
        """Fill ``array`` in place.

        Args:
            array: A NumPy or CuPy array; its values are overwritten.

        Raises:
            ValueError: If this initializer has a dtype and ``array`` has another one.
        """

    def check_dtype(self, array: Array) -> None:
        """Raise :class:`ValueError` if ``array`` does not have this initializer's dtype.

        Args:
            array: The array about to be filled.

        Raises:
            ValueError: Naming both dtypes, when :attr:`dtype` is set and differs.
        """
        if self.dtype is not None and array.dtype != self.dtype:
            raise ValueError(
                f"{type(self).__name__} was created for dtype {self.dtype}, "
                f"but the array to fill has dtype {array.dtype}"
            )

    def _repr_fields(self) -> dict[str, object]:
        return {}

    def __repr__(self) -> str:
        fields = dict(self._repr_fields())
        if self.dtype is not None:
            fields["dtype"] = self.dtype.name
        inner = ", ".join(f"{key}={value!r}" for key, value in fields.items())
        return f"{type(self).__name__}({inner})"


InitializerLike: TypeAlias = Initializer | Callable[[Array], object]
"""An :class:`Initializer`, or any callable that fills the array it is given in place."""


def get_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight of the given shape.

    The first axis is the output, the second the input, and the remaining axes (the
    receptive field of a convolution kernel) multiply both:
    ``fan_in = shape[1] * prod(shape[2:])``, ``fan_out = shape[0] * prod(shape[2:])``.

    Args:
        shape: The weight shape, with at least two axes.

    Returns:
        The pair ``(fan_in, fan_out)``.

    Raises:
        TypeError: If ``shape`` is not a tuple.
        ValueError: If it has fewer than two axes.

    Example:
        >>> from kusari.initializers import get_fans
        >>> get_fans((64, 3, 5, 5))
        (75, 1600)
    """
    if not isinstance(shape, tuple):
        raise TypeError(f"shape must be a tuple of ints, got {type(shape).__name__}")
    if len(shape) < 2:
        raise ValueError(
            f"fans are defined for shapes with at least 2 axes (out, in, ...), got {shape}"
        )
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def generate_array(
    initializer: InitializerLike,
    shape: int | tuple[int, ...],
    xp: Any,
    dtype: npt.DTypeLike | None = None,
    device: DeviceSpec | None = None,
) -> Array:
    """Create an array of ``shape`` with ``xp`` and fill it with ``initializer``.

    The dtype is ``dtype`` if given, else the initializer's ``dtype``, else the configured
    default (:func:`kusari.graph.get_dtype`, ``float32`` unless changed).

    Args:
        initializer: An :class:`Initializer` or a callable filling an array in place.
        shape: The shape of the new array.
        xp: The array module, :mod:`numpy` or ``cupy``.
        dtype: The dtype of the new array.
        device: The device to create the array on; it must belong to ``xp``.  ``None``
            means the CPU for NumPy and the current CUDA device for CuPy.

    Returns:
        The new, filled array.

    Raises:
        ValueError: If ``dtype`` and the initializer's dtype disagree, or ``device`` is
            not a device of ``xp``.

    Example:
        >>> import numpy
        >>> from kusari.initializers import One, generate_array
        >>> generate_array(One(), (2,), numpy)
        array([1., 1.], dtype=float32)
    """
    declared = getattr(initializer, "dtype", None)
    if dtype is not None and declared is not None and numpy.dtype(dtype) != numpy.dtype(declared):
        raise ValueError(
            f"dtype mismatch: generate_array was asked for {numpy.dtype(dtype)}, but the "
            f"initializer {initializer!r} is for {numpy.dtype(declared)}"
        )
    resolved = get_dtype(dtype if dtype is not None else declared)
    if device is None:
        array: Array = xp.empty(shape, dtype=resolved)
        initializer(array)
        return array
    target = get_device(device)
    if target.xp is not xp:
        raise ValueError(
            f"xp and device disagree: xp is {xp.__name__} but device {target.name!r} "
            f"uses {target.xp.__name__}"
        )
    with using_device(target):
        array = xp.empty(shape, dtype=resolved)
        initializer(array)
    return array
