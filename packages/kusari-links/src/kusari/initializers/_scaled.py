"""The state shared by the scaled random initializers (normal and uniform families)."""

from __future__ import annotations

from typing import Literal

import numpy.typing as npt

from ._base import Initializer, RandomGenerator, get_fans

__all__ = ["FanOption", "ScaledInitializer", "check_fan_option", "select_fan"]

FanOption = Literal["fan_in", "fan_out"]


class ScaledInitializer(Initializer):
    """An initializer with a ``scale`` factor and an optional random generator ``rng``.

    Args:
        scale: The factor (or the deviation, or the half-width) the subclass scales by.
        dtype: The dtype this initializer is for (see :class:`Initializer`).
        rng: A random generator to draw from instead of the global one.
    """

    scale: float
    rng: RandomGenerator | None

    def __init__(
        self,
        scale: float = 1.0,
        dtype: npt.DTypeLike | None = None,
        rng: RandomGenerator | None = None,
    ) -> None:
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def _repr_fields(self) -> dict[str, object]:
        return {"scale": self.scale}


def check_fan_option(fan_option: str) -> FanOption:
    """Return ``fan_option`` if it is ``'fan_in'`` or ``'fan_out'``, else raise ValueError."""
    if fan_option == "fan_in":
        return "fan_in"
    if fan_option == "fan_out":
        return "fan_out"
    raise ValueError(f"fan_option must be 'fan_in' or 'fan_out', got {fan_option!r}")


def select_fan(shape: tuple[int, ...], fan_option: FanOption) -> int:
    """Return the ``fan_in`` or the ``fan_out`` (see :func:`get_fans`) of ``shape``."""
    fan_in, fan_out = get_fans(shape)
    return fan_in if fan_option == "fan_in" else fan_out
