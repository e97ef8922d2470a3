"""Small helpers shared by the trainer, the updaters, the triggers and the extensions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kusari.serializers import AbstractSerializer

__all__ = ["named_with_main", "serialize_if_serializable"]


def serialize_if_serializable(obj: object, serializer: AbstractSerializer) -> None:
    """Call ``obj.serialize(serializer)`` when ``obj`` has that method (triggers may not)."""
    serialize = getattr(obj, "serialize", None)
    if serialize is not None:
        serialize(serializer)


def named_with_main(value: Any, kind: type, what: str, kind_name: str) -> dict[str, Any]:
    """Return ``value`` as a dict with a ``'main'`` entry (a single value becomes ``main``).

    Raises:
        ValueError: If a dict has no ``'main'`` entry.
        TypeError: If an entry is not a ``kind``.
    """
    named: dict[str, Any] = dict(value) if isinstance(value, Mapping) else {"main": value}
    if "main" not in named:
        raise ValueError(f"the {what} dict must have a 'main' entry, got {sorted(named)}")
    for name, item in named.items():
        if not isinstance(item, kind):
            raise TypeError(f"{what} {name!r} must be a {kind_name}, got {type(item).__name__}")
    return named
