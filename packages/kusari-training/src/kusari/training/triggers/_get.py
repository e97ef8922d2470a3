"""Turning a trigger description into a trigger: :func:`get_trigger`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._interval import IntervalTrigger
from ._util import Trigger, TriggerLike

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["get_trigger"]


def _never_fire(trainer: Trainer) -> bool:
    return False


def get_trigger(trigger: TriggerLike) -> Trigger:
    """Return the trigger that ``trigger`` describes.

    Args:
        trigger: A callable (returned as it is), a ``(period, unit)`` tuple such as
            ``(10, 'epoch')`` (an :class:`~kusari.training.triggers.IntervalTrigger`), or
            ``None`` (a trigger that never fires).

    Returns:
        The trigger.

    Raises:
        TypeError: If ``trigger`` is none of those.
        ValueError: If the unit of a tuple is neither ``'epoch'`` nor ``'iteration'``.

    Example:
        >>> from kusari.training import get_trigger
        >>> get_trigger((10, "epoch"))
        IntervalTrigger(10, 'epoch')
    """
    if callable(trigger):
        return trigger
    if trigger is None:
        return _never_fire
    candidate: object = trigger
    if isinstance(candidate, tuple) and len(candidate) == 2:
        return IntervalTrigger(*candidate)
    raise TypeError(
        "a trigger must be a callable, None or a (period, unit) tuple such as (1, 'epoch'), "
        f"got {type(trigger).__name__}: {trigger!r}"
    )
