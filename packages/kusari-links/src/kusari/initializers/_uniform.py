"""Uniform-distribution initializers: Uniform, LeCunUniform, GlorotUniform, HeUniform."""

from __future__ import annotations

import math

import numpy.typing as npt

from kusari.devices import Array

from ._base import RandomGenerator, get_fans
from ._random import fill_uniform
from ._scaled import FanOption, ScaledInitializer, check_fan_option, select_fan

__all__ = ["GlorotUniform", "HeUniform", "LeCunUniform", "Uniform"]


class Uniform(ScaledInitializer):
    """Fill an array with draws from the uniform distribution ``U(-scale, scale)``.

    Without ``rng`` the values come from the global generator of the array's module
    through ``uniform(low=-scale, high=scale, size=shape)``, exactly Chainer's call.

    Args:
        scale: The half-width of the interval.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        rng: A random generator to draw from instead of the global one.

    Attributes:
        scale: The half-width of the interval.
        rng: The random generator, or ``None`` for the global one.

    Example:
        >>> import numpy
        >>> from kusari.initializers import Uniform
        >>> a = numpy.empty(1000)
        >>> Uniform(scale=0.5, rng=numpy.random.default_rng(0))(a)
        >>> bool(a.min() >= -0.5 and a.max() < 0.5)
        True
    """

    def __init__(
        self,
        scale: float = 0.05,
        dtype: npt.DTypeLike | None = None,
        rng: RandomGenerator | None = None,
    ) -> None:
        super().__init__(scale, dtype, rng)

    def __call__(self, array: Array) -> None:
        """Fill ``array`` with uniform draws.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch.
        """
        self.check_dtype(array)
        fill_uniform(array, self.scale, self.rng)


class LeCunUniform(ScaledInitializer):
    """LeCun's uniform initializer: ``U(-s, s)`` with ``s = scale * sqrt(3 / fan_in)``.

    Args:
        scale: A factor on the half-width.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        rng: A random generator to draw from instead of the global one.

    Attributes:
        scale: A factor on the half-width.
        rng: The random generator, or ``None`` for the global one.

    Example:
        >>> import numpy
        >>> from kusari.initializers import LeCunUniform
        >>> a = numpy.empty((10, 12))
        >>> LeCunUniform(rng=numpy.random.default_rng(0))(a)
        >>> bool(abs(a).max() <= 0.5)  # sqrt(3 / 12)
        True
    """

    def __call__(self, array: Array) -> None:
        """Fill ``array`` (at least 2-dimensional) with scaled uniform draws.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch or an array of fewer than 2 dimensions.
        """
        self.check_dtype(array)
        fan_in, _ = get_fans(array.shape)
        fill_uniform(array, self.scale * math.sqrt(3.0 / fan_in), self.rng)


class GlorotUniform(ScaledInitializer):
    """Glorot (Xavier) uniform initializer: ``s = scale * sqrt(6 / (fan_in + fan_out))``.

    Args:
        scale: A factor on the half-width.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        rng: A random generator to draw from instead of the global one.

    Attributes:
        scale: A factor on the half-width.
        rng: The random generator, or ``None`` for the global one.

    Example:
        >>> import numpy
        >>> from kusari.initializers import GlorotUniform
        >>> a = numpy.empty((2, 4))
        >>> GlorotUniform(rng=numpy.random.default_rng(0))(a)
        >>> bool(abs(a).max() <= 1.0)  # sqrt(6 / 6)
        True
    """

    def __call__(self, array: Array) -> None:
        """Fill ``array`` (at least 2-dimensional) with scaled uniform draws.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch or an array of fewer than 2 dimensions.
        """
        self.check_dtype(array)
        fan_in, fan_out = get_fans(array.shape)
        fill_uniform(array, self.scale * math.sqrt(6.0 / (fan_in + fan_out)), self.rng)


class HeUniform(ScaledInitializer):
    """He (Kaiming) uniform initializer: ``s = scale * sqrt(6 / fan)``.

    The half-width ``sqrt(6 / fan)`` gives the variance ``2 / fan`` of :class:`HeNormal`.
    ``fan_option`` is a keyword-only kusari addition (Chainer always uses ``fan_in``).

    Args:
        scale: A factor on the half-width.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        rng: A random generator to draw from instead of the global one.
        fan_option: Which fan to use, ``'fan_in'`` (Chainer's) or ``'fan_out'``.

    Attributes:
        scale: A factor on the half-width.
        fan_option: ``'fan_in'`` or ``'fan_out'``.
        rng: The random generator, or ``None`` for the global one.

    Raises:
        ValueError: If ``fan_option`` is neither ``'fan_in'`` nor ``'fan_out'``.

    Example:
        >>> import numpy
        >>> from kusari.initializers import HeUniform
        >>> a = numpy.empty((3, 24))
        >>> HeUniform(rng=numpy.random.default_rng(0))(a)
        >>> bool(abs(a).max() <= 0.5)  # sqrt(6 / 24)
        True
    """

    fan_option: FanOption

    def __init__(
        self,
        scale: float = 1.0,
        dtype: npt.DTypeLike | None = None,
        rng: RandomGenerator | None = None,
        *,
        fan_option: FanOption = "fan_in",
    ) -> None:
        super().__init__(scale, dtype, rng)
        self.fan_option = check_fan_option(fan_option)

    def __call__(self, array: Array) -> None:
        """Fill ``array`` (at least 2-dimensional) with scaled uniform draws.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch or an array of fewer than 2 dimensions.
        """
        self.check_dtype(array)
        fan = select_fan(array.shape, self.fan_option)
        fill_uniform(array, self.scale * math.sqrt(6.0 / fan), self.rng)

    def _repr_fields(self) -> dict[str, object]:
        return {"scale": self.scale, "fan_option": self.fan_option}
