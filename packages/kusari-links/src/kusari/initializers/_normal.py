"""Normal-distribution initializers: Normal, LeCunNormal, GlorotNormal and HeNormal."""

from __future__ import annotations

import math

import numpy.typing as npt

from kusari.devices import Array

from ._base import RandomGenerator, get_fans
from ._random import fill_normal
from ._scaled import FanOption, ScaledInitializer, check_fan_option, select_fan

__all__ = ["GlorotNormal", "HeNormal", "LeCunNormal", "Normal"]


class Normal(ScaledInitializer):
    """Fill an array with draws from the normal distribution ``N(0, scale**2)``.

    Without ``rng``, the values come from the global generator of the array's module
    (``numpy.random`` on the CPU) through ``normal(loc=0.0, scale=scale, size=shape)``,
    exactly Chainer's call, so a seeded run reproduces Chainer's weights.

    Args:
        scale: The standard deviation.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        rng: A random generator to draw from instead of the global one, such as
            ``numpy.random.default_rng(0)``.

    Attributes:
        scale: The standard deviation.
        rng: The random generator, or ``None`` for the global one.

    Example:
        >>> import numpy
        >>> from kusari.initializers import Normal
        >>> a = numpy.empty((1000, 100), dtype=numpy.float32)
        >>> Normal(scale=2.0, rng=numpy.random.default_rng(0))(a)
        >>> round(float(a.std()), 1)
        2.0
    """

    def __init__(
        self,
        scale: float = 0.05,
        dtype: npt.DTypeLike | None = None,
        rng: RandomGenerator | None = None,
    ) -> None:
        super().__init__(scale, dtype, rng)

    def __call__(self, array: Array) -> None:
        """Fill ``array`` with normal draws.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch.
        """
        self.check_dtype(array)
        fill_normal(array, self.scale, self.rng, self.dtype)


class LeCunNormal(ScaledInitializer):
    """LeCun's normal initializer: ``N(0, s**2)`` with ``s = scale * sqrt(1 / fan_in)``.

    The default initializer of the weights of the standard links.

    Args:
        scale: A factor on the standard deviation.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        rng: A random generator to draw from instead of the global one.

    Attributes:
        scale: A factor on the standard deviation.
        rng: The random generator, or ``None`` for the global one.

    Example:
        >>> import numpy
        >>> from kusari.initializers import LeCunNormal
        >>> a = numpy.empty((400, 100), dtype=numpy.float32)
        >>> LeCunNormal(rng=numpy.random.default_rng(0))(a)
        >>> round(float(a.std()), 2)  # sqrt(1 / 100)
        0.1
    """

    def __call__(self, array: Array) -> None:
        """Fill ``array`` (at least 2-dimensional) with scaled normal draws.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch or an array of fewer than 2 dimensions.
        """
        self.check_dtype(array)
        fan_in, _ = get_fans(array.shape)
        fill_normal(array, self.scale * math.sqrt(1.0 / fan_in), self.rng)


class GlorotNormal(ScaledInitializer):
    """Glorot (Xavier) normal initializer: ``s = scale * sqrt(2 / (fan_in + fan_out))``.

    Args:
        scale: A factor on the standard deviation.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        rng: A random generator to draw from instead of the global one.

    Attributes:
        scale: A factor on the standard deviation.
        rng: The random generator, or ``None`` for the global one.

    Example:
        >>> import numpy
        >>> from kusari.initializers import GlorotNormal
        >>> a = numpy.empty((300, 500), dtype=numpy.float32)
        >>> GlorotNormal(rng=numpy.random.default_rng(0))(a)
        >>> round(float(a.std()), 3)  # sqrt(2 / 800)
        0.05
    """

    def __call__(self, array: Array) -> None:
        """Fill ``array`` (at least 2-dimensional) with scaled normal draws.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch or an array of fewer than 2 dimensions.
        """
        self.check_dtype(array)
        fan_in, fan_out = get_fans(array.shape)
        fill_normal(array, self.scale * math.sqrt(2.0 / (fan_in + fan_out)), self.rng)


class HeNormal(ScaledInitializer):
    """He (Kaiming) normal initializer: ``s = scale * sqrt(2 / fan)``.

    Args:
        scale: A factor on the standard deviation.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        fan_option: Which fan to use, ``'fan_in'`` or ``'fan_out'``.
        rng: A random generator to draw from instead of the global one.

    Attributes:
        scale: A factor on the standard deviation.
        fan_option: ``'fan_in'`` or ``'fan_out'``.
        rng: The random generator, or ``None`` for the global one.

    Raises:
        ValueError: If ``fan_option`` is neither ``'fan_in'`` nor ``'fan_out'``.

    Example:
        >>> import numpy
        >>> from kusari.initializers import HeNormal
        >>> a = numpy.empty((200, 50), dtype=numpy.float32)
        >>> HeNormal(rng=numpy.random.default_rng(0))(a)
        >>> round(float(a.std()), 1)  # sqrt(2 / 50)
        0.2
    """

    fan_option: FanOption

    def __init__(
        self,
        scale: float = 1.0,
        dtype: npt.DTypeLike | None = None,
        fan_option: FanOption = "fan_in",
        rng: RandomGenerator | None = None,
    ) -> None:
        super().__init__(scale, dtype, rng)
        self.fan_option = check_fan_option(fan_option)

    def __call__(self, array: Array) -> None:
        """Fill ``array`` (at least 2-dimensional) with scaled normal draws.

        Args:
            array: The array to overwrite.

        Raises:
            ValueError: On a dtype mismatch or an array of fewer than 2 dimensions.
        """
        self.check_dtype(array)
        fan = select_fan(array.shape, self.fan_option)
        fill_normal(array, self.scale * math.sqrt(2.0 / fan), self.rng)

    def _repr_fields(self) -> dict[str, object]:
        return {"scale": self.scale, "fan_option": self.fan_option}
