"""Firing at regular intervals: :class:`IntervalTrigger`."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from kusari.serializers import AbstractSerializer

from ._util import Unit

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["IntervalTrigger", "check_unit"]


def check_unit(unit: str) -> Unit:
    """Return ``unit`` if it is ``'epoch'`` or ``'iteration'``.

    Raises:
        ValueError: Otherwise.
    """
    if unit == "epoch":
        return "epoch"
    if unit == "iteration":
        return "iteration"
    raise ValueError(f"trigger unit must be either 'epoch' or 'iteration', got {unit!r}")


class IntervalTrigger:
    """Fires every ``period`` epochs or iterations.

    With the unit ``'epoch'`` the period may be fractional: ``(0.5, 'epoch')`` fires at
    every half epoch, that is at the first iteration at or past each boundary.

    Args:
        period: The interval (positive).
        unit: ``'epoch'`` or ``'iteration'``.

    Raises:
        ValueError: If ``unit`` is invalid or ``period`` is not positive.

    Example:
        >>> from kusari.training.triggers import IntervalTrigger
        >>> trigger = IntervalTrigger(2, "iteration")
        >>> trigger.get_training_length()
        (2, 'iteration')
    """

    def __init__(self, period: float, unit: str) -> None:
        self.unit: Unit = check_unit(unit)
        if not period > 0:
            raise ValueError(f"trigger period must be positive, got {period!r}")
        self.period = period
        self._previous_iteration = 0
        self._previous_epoch_detail = 0.0

    def __call__(self, trainer: Trainer) -> bool:
        """Return whether a period boundary was passed since the previous call."""
        updater = trainer.updater
        if self.unit == "epoch":
            epoch_detail = updater.epoch_detail
            previous = self._previous_epoch_detail
            if previous < 0:  # unknown: restored from a snapshot that did not hold it
                previous = updater.previous_epoch_detail or 0.0
            fire = previous // self.period != epoch_detail // self.period
        else:
            iteration = updater.iteration
            previous_iteration = self._previous_iteration
            if previous_iteration < 0:
                previous_iteration = iteration - 1
            fire = previous_iteration // self.period != iteration // self.period
        self._previous_iteration = updater.iteration
        self._previous_epoch_detail = updater.epoch_detail
        return fire

    def get_training_length(self) -> tuple[float, Unit]:
        """Return ``(period, unit)``: how long training runs when this is the stop trigger."""
        return self.period, self.unit

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the position of the previous call (Chainer's keys).

        Args:
            serializer: The serializer or deserializer.
        """
        try:
            self._previous_iteration = int(
                serializer("previous_iteration", self._previous_iteration)
            )
            self._previous_epoch_detail = float(
                serializer("previous_epoch_detail", self._previous_epoch_detail)
            )
        except KeyError:
            warnings.warn(
                "the snapshot holds no state of this IntervalTrigger; it guesses the "
                "previous position from the updater, which is right only if it is called "
                "at every iteration",
                stacklevel=2,
            )
            self._previous_iteration = -1
            self._previous_epoch_detail = -1.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.period}, {self.unit!r})"
