"""Firing when a reported value improves: :class:`MaxValueTrigger`, :class:`MinValueTrigger`."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING

from kusari.reporter import DictSummary
from kusari.serializers import AbstractSerializer

from .._util import serialize_if_serializable
from ._get import get_trigger
from ._util import TriggerLike

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["BestValueTrigger", "MaxValueTrigger", "MinValueTrigger"]


class BestValueTrigger:
    """Fires when the mean of a reported value beats the best so far.

    The values of ``key`` are averaged over each period of ``trigger``; at the end of a
    period the trigger fires if the mean is better than every previous period's
    (``compare(best, new)`` is true), and always for the first period.

    Args:
        key: The observation key, such as ``'validation/main/loss'``.
        compare: ``compare(best, new)`` tells whether ``new`` is better.
        trigger: When to compare (see :func:`~kusari.training.get_trigger`).

    Attributes:
        best_value: The best mean so far (``None`` before the first comparison).
    """

    def __init__(
        self,
        key: str,
        compare: Callable[[float, float], bool],
        trigger: TriggerLike = (1, "epoch"),
    ) -> None:
        self._key = key
        self._compare = compare
        self._interval_trigger = get_trigger(trigger)
        self._summary = DictSummary()
        self.best_value: float | None = None

    def __call__(self, trainer: Trainer) -> bool:
        """Accumulate the value; at the end of a period, return whether it improved."""
        key = self._key
        observation = trainer.observation
        if key in observation:
            self._summary.add({key: observation[key]})
        if not self._interval_trigger(trainer):
            return False
        means = self._summary.compute_mean()
        self._summary = DictSummary()
        if key not in means:
            return False
        value = float(means[key])
        if self.best_value is None or self._compare(self.best_value, value):
            self.best_value = value
            return True
        return False

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the interval trigger, the running mean and the best value.

        Args:
            serializer: The serializer or deserializer.
        """
        serialize_if_serializable(self._interval_trigger, serializer["interval_trigger"])
        self._summary.serialize(serializer["summary"])
        best = serializer("best_value", self.best_value)
        self.best_value = None if best is None else float(best)


class MaxValueTrigger(BestValueTrigger):
    """Fires when the mean of ``key`` over a period is the largest so far.

    Args:
        key: The observation key, such as ``'validation/main/accuracy'``.
        trigger: When to compare (see :func:`~kusari.training.get_trigger`).

    Example:
        >>> from kusari.training.triggers import MaxValueTrigger
        >>> trigger = MaxValueTrigger("validation/main/accuracy", trigger=(1, "epoch"))
        >>> trigger.best_value is None
        True
    """

    def __init__(self, key: str, trigger: TriggerLike = (1, "epoch")) -> None:
        super().__init__(key, operator.lt, trigger)  # best < new


class MinValueTrigger(BestValueTrigger):
    """Fires when the mean of ``key`` over a period is the smallest so far.

    Args:
        key: The observation key, such as ``'validation/main/loss'``.
        trigger: When to compare (see :func:`~kusari.training.get_trigger`).

    Example:
        >>> from kusari.training.triggers import MinValueTrigger
        >>> trigger = MinValueTrigger("validation/main/loss")
        >>> trigger.best_value is None
        True
    """

    def __init__(self, key: str, trigger: TriggerLike = (1, "epoch")) -> None:
        super().__init__(key, operator.gt, trigger)  # best > new
