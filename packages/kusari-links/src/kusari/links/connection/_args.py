"""Argument checks shared by the standard links (private)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["check_size", "int_tuple"]


def check_size(name: str, value: object, allow_none: bool = False) -> None:
    """Raise ``ValueError`` unless ``value`` is a positive int (or ``None`` if allowed)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


def int_tuple(name: str, value: int | Sequence[int], ndim: int) -> tuple[int, ...]:
    """``value`` as a tuple of ``ndim`` ints (an int is repeated).

    Raises:
        ValueError: If a sequence of another length is given.
        TypeError: If an entry is not an int.
    """
    values = (value,) * ndim if isinstance(value, int) else tuple(value)
    if len(values) != ndim:
        raise ValueError(f"{name} must be an int or a tuple of {ndim} ints, got {value!r}")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"{name} must be an int or a tuple of {ndim} ints, got {value!r}")
    return values
