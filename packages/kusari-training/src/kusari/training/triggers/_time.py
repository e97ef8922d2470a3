"""Firing by wall-clock time: :class:`TimeTrigger`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.serializers import AbstractSerializer

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["TimeTrigger"]


class TimeTrigger:
    """Fires once every ``period`` seconds of training time (:attr:`Trainer.elapsed_time`).

    Args:
        period: The interval in seconds.

    Raises:
        ValueError: If ``period`` is not positive.

    Example:
        >>> from kusari.training.triggers import TimeTrigger
        >>> TimeTrigger(60.0).period
        60.0
    """

    def __init__(self, period: float) -> None:
        if not period > 0:
            raise ValueError(f"period must be positive, got {period!r}")
        self.period = float(period)
        self._next_time = self.period

    def __call__(self, trainer: Trainer) -> bool:
        """Return whether the next multiple of the period has passed."""
        if self._next_time < trainer.elapsed_time:
            self._next_time += self.period
            return True
        return False

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the time of the next firing (Chainer's key ``next_time``).

        Args:
            serializer: The serializer or deserializer.
        """
        self._next_time = float(serializer("next_time", self._next_time))
