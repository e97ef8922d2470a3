"""What the hyperparameter schedules share: :class:`ScheduleExtension`."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from kusari.optimizers import Optimizer
from kusari.serializers import AbstractSerializer

from .._extension import Extension

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["ScheduleExtension", "bound"]


def bound(value: float, target: float | None, growing: bool) -> float:
    """Stop ``value`` at ``target``: ``value`` moves away from zero if ``growing``.

    Chainer's rule, which works for negative values too: a growing schedule is capped at
    ``target`` and a shrinking one floored at it, by magnitude.
    """
    if target is None:
        return value
    if growing:
        return target if abs(value) > abs(target) else value
    return target if abs(value) < abs(target) else value


class ScheduleExtension(Extension):
    """Base of the extensions that set an optimizer attribute from a schedule.

    At every call the step count ``t`` goes up by one and ``optimizer.<attr>`` is set to
    :meth:`value_at` ``(t)``.  :meth:`initialize` sets the starting value (or, after
    resuming, the last value set).  ``t`` and the last value are saved in snapshots
    (Chainer's keys ``_t`` and ``_last_value``).

    Args:
        attr: The optimizer attribute, such as ``'lr'`` or ``'alpha'``.
        init: The value at ``t = 0``; ``None`` reads it from the optimizer when training
            starts.
        optimizer: The optimizer; ``None`` uses the updater's ``'main'`` optimizer.
    """

    def __init__(self, attr: str, init: float | None, optimizer: Optimizer | None) -> None:
        self._attr = attr
        self._init = init
        self._optimizer = optimizer
        self._t = 0
        self._last_value: float | None = None

    @abc.abstractmethod
    def value_at(self, t: int) -> float:
        """Return the value after ``t`` calls (``self._init`` is set)."""

    def changes_at(self, t: int) -> bool:
        """Return whether the call that reaches ``t`` sets the attribute (always here)."""
        return True

    def _get_optimizer(self, trainer: Trainer) -> Optimizer:
        return self._optimizer or trainer.updater.get_optimizer("main")

    def _set(self, optimizer: Optimizer, value: float) -> None:
        setattr(optimizer, self._attr, value)
        self._last_value = value

    def initialize(self, trainer: Trainer) -> None:
        """Set the starting value (or the last value, when resuming)."""
        optimizer = self._get_optimizer(trainer)
        if self._init is None:
            self._init = float(getattr(optimizer, self._attr))
        if self._last_value is not None:
            self._set(optimizer, self._last_value)
        else:
            self._set(optimizer, self.value_at(0))

    def __call__(self, trainer: Trainer) -> None:
        """Advance the schedule by one step and set the attribute."""
        optimizer = self._get_optimizer(trainer)
        if self._init is None:
            self._init = float(getattr(optimizer, self._attr))
        self._t += 1
        if self.changes_at(self._t):
            self._set(optimizer, self.value_at(self._t))

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the step count and the last value.

        Args:
            serializer: The serializer or deserializer.
        """
        self._t = int(serializer("_t", self._t))
        last = serializer("_last_value", self._last_value)
        self._last_value = None if last is None else float(last)

    @property
    def init(self) -> float:
        """The value at ``t = 0`` (known once training has started)."""
        if self._init is None:
            raise RuntimeError(
                f"the initial value of {self._attr!r} is read from the optimizer when "
                "training starts"
            )
        return self._init
