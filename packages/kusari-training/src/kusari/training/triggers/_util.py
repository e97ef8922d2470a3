"""The types of triggers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["Trigger", "TriggerLike", "Unit"]

Unit: TypeAlias = Literal["epoch", "iteration"]
"""The unit of a trigger's period."""

Trigger: TypeAlias = "Callable[[Trainer], bool]"
"""A trigger: called with the trainer each iteration, returns whether to fire."""

TriggerLike: TypeAlias = "Trigger | tuple[float, Unit] | tuple[float, str] | None"
"""What :func:`get_trigger` accepts: a trigger, ``(period, unit)``, or ``None`` (never)."""
