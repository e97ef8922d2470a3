"""Firing at given points: :class:`ManualScheduleTrigger`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kusari.serializers import AbstractSerializer

from ._interval import check_unit

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["ManualScheduleTrigger"]


class ManualScheduleTrigger:
    """Fires when training reaches each of the given epochs or iterations.

    Args:
        points: One point or a sequence of points (epochs may be fractional).
        unit: ``'epoch'`` or ``'iteration'``.

    Attributes:
        finished: Whether the last point was passed (the trainer then skips the
            initializer of an extension with this trigger when resuming).

    Raises:
        ValueError: If ``unit`` is invalid or ``points`` is empty.

    Example:
        >>> from kusari.training.triggers import ManualScheduleTrigger
        >>> trigger = ManualScheduleTrigger([100, 50], "iteration")
        >>> trigger.points
        [50, 100]
    """

    def __init__(self, points: float | Sequence[float], unit: str) -> None:
        self.unit = check_unit(unit)
        self.points = sorted(points) if isinstance(points, Sequence) else [points]
        if not self.points:
            raise ValueError("ManualScheduleTrigger needs at least one point")
        self.finished = False
        self._previous_iteration = 0
        self._previous_epoch_detail = 0.0

    def __call__(self, trainer: Trainer) -> bool:
        """Return whether a point was passed since the previous call."""
        updater = trainer.updater
        if self.unit == "epoch":
            now: float = updater.epoch_detail
            previous: float = self._previous_epoch_detail
            if previous < 0:
                previous = updater.previous_epoch_detail or 0.0
        else:
            now = updater.iteration
            previous = self._previous_iteration
            if previous < 0:
                previous = now - 1
        fire = any(previous < point <= now for point in self.points)
        if fire and now >= self.points[-1]:
            self.finished = True
        self._previous_iteration = updater.iteration
        self._previous_epoch_detail = updater.epoch_detail
        return fire

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the previous position and :attr:`finished` (Chainer's keys).

        Args:
            serializer: The serializer or deserializer.
        """
        self._previous_iteration = int(serializer("previous_iteration", self._previous_iteration))
        self._previous_epoch_detail = float(
            serializer("previous_epoch_detail", self._previous_epoch_detail)
        )
        self.finished = bool(serializer("finished", self.finished))
