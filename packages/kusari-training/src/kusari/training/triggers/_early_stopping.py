"""Stopping when a monitored value stops improving: :class:`EarlyStoppingTrigger`."""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING, Literal

from kusari.reporter import DictSummary
from kusari.serializers import AbstractSerializer

from .._util import serialize_if_serializable
from ._get import get_trigger
from ._util import TriggerLike, Unit

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["EarlyStoppingTrigger"]


class EarlyStoppingTrigger:
    """A stop trigger that fires when ``monitor`` has not improved for ``patience`` checks.

    At each firing of ``check_trigger`` the mean of ``monitor`` since the previous check is
    compared with the best so far; after ``patience`` checks without improvement the
    trigger fires (training stops).  It also fires when ``max_trigger`` does.

    Args:
        check_trigger: When to compare.
        monitor: The observation key, such as ``'validation/main/loss'``.
        patience: The number of checks without improvement to tolerate.
        mode: ``'max'``, ``'min'``, or ``'auto'`` (``'max'`` if ``'accuracy'`` is in
            ``monitor``, else ``'min'``).
        verbose: Print a line when stopping early.
        max_trigger: The longest training (``get_training_length`` reports it).

    Raises:
        ValueError: If ``mode`` is invalid or ``patience`` is negative.

    Example:
        >>> from kusari.training.triggers import EarlyStoppingTrigger
        >>> trigger = EarlyStoppingTrigger(monitor="validation/main/accuracy", patience=2)
        >>> trigger.mode, trigger.get_training_length()
        ('max', (100, 'epoch'))
    """

    def __init__(
        self,
        check_trigger: TriggerLike = (1, "epoch"),
        monitor: str = "main/loss",
        patience: int = 3,
        mode: Literal["auto", "max", "min"] = "auto",
        verbose: bool = False,
        max_trigger: TriggerLike = (100, "epoch"),
    ) -> None:
        if mode == "auto":
            mode = "max" if "accuracy" in monitor else "min"
        if mode not in ("max", "min"):
            raise ValueError(f"mode must be 'auto', 'max' or 'min', got {mode!r}")
        if patience < 0:
            raise ValueError(f"patience must be non-negative, got {patience}")
        self.mode: Literal["max", "min"] = mode
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.check_trigger = get_trigger(check_trigger)
        self.max_trigger = get_trigger(max_trigger)
        self._compare = operator.gt if mode == "max" else operator.lt
        self.best = -math.inf if mode == "max" else math.inf
        self.count = 0
        self._summary = DictSummary()

    def __call__(self, trainer: Trainer) -> bool:
        """Return whether training should stop."""
        observation = trainer.observation
        if self.monitor in observation:
            self._summary.add({self.monitor: observation[self.monitor]})
        if self.max_trigger(trainer):
            return True
        if not self.check_trigger(trainer):
            return False
        means = self._summary.compute_mean()
        self._summary = DictSummary()
        if self.monitor not in means:
            return False
        current = float(means[self.monitor])
        if self._compare(current, self.best):
            self.best = current
            self.count = 0
        else:
            self.count += 1
        if self.count >= self.patience:
            if self.verbose:
                print(f"Epoch {trainer.updater.epoch}: early stopping")
            return True
        return False

    def get_training_length(self) -> tuple[float, Unit]:
        """Return the length of ``max_trigger`` (an interval trigger)."""
        length = getattr(self.max_trigger, "get_training_length", None)
        if length is None:
            raise TypeError("max_trigger has no get_training_length()")
        result: tuple[float, Unit] = length()
        return result

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the count, the best value, the running mean and the triggers.

        Args:
            serializer: The serializer or deserializer.
        """
        serialize_if_serializable(self.check_trigger, serializer["check_trigger"])
        serialize_if_serializable(self.max_trigger, serializer["max_trigger"])
        self._summary.serialize(serializer["summary"])
        self.count = int(serializer("count", self.count))
        self.best = float(serializer("best", self.best))
