"""Hyperparameter schedules: exponential, linear, step, polynomial, inverse, warmup, multistep."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from kusari.optimizers import Optimizer

from ._shift_base import ScheduleExtension, bound

__all__ = [
    "ExponentialShift",
    "InverseShift",
    "LinearShift",
    "MultistepShift",
    "PolynomialShift",
    "StepShift",
    "WarmupShift",
]


class ExponentialShift(ScheduleExtension):
    """Multiplies an optimizer attribute by ``rate`` at every call: ``init * rate**t``.

    Typically triggered every few epochs, e.g. halving the learning rate:
    ``trainer.extend(ExponentialShift('lr', 0.5), trigger=(10, 'epoch'))``.

    Args:
        attr: The optimizer attribute.
        rate: The factor (non-negative).
        init: The starting value; ``None`` reads the optimizer's.
        target: A bound the value stops at (a cap if ``rate > 1``, a floor otherwise).
        optimizer: The optimizer; ``None`` uses the ``'main'`` one.

    Raises:
        ValueError: If ``rate`` is negative.

    Example:
        >>> from kusari.training.extensions import ExponentialShift
        >>> shift = ExponentialShift("lr", 0.5, init=0.1, target=0.02)
        >>> [shift.value_at(t) for t in range(4)]
        [0.1, 0.05, 0.025, 0.02]
    """

    def __init__(
        self,
        attr: str,
        rate: float,
        init: float | None = None,
        target: float | None = None,
        optimizer: Optimizer | None = None,
    ) -> None:
        if rate < 0:
            raise ValueError(f"ExponentialShift does not support a negative rate, got {rate}")
        super().__init__(attr, init, optimizer)
        self._rate = rate
        self._target = target

    def value_at(self, t: int) -> float:
        """Return ``init * rate**t``, stopped at ``target``."""
        return bound(self.init * self._rate**t, self._target, self._rate > 1)


class LinearShift(ScheduleExtension):
    """Moves an attribute linearly from ``v1`` to ``v2`` between calls ``t1`` and ``t2``.

    The value is ``v1`` up to ``t1``, ``v2`` from ``t2`` on, and in between
    ``v1 + (t - t1) / (t2 - t1) * (v2 - v1)``.

    Args:
        attr: The optimizer attribute.
        value_range: ``(v1, v2)``.
        time_range: ``(t1, t2)`` in calls of the extension (``t1 < t2``).
        optimizer: The optimizer; ``None`` uses the ``'main'`` one.

    Raises:
        ValueError: If ``t1 >= t2``.

    Example:
        >>> from kusari.training.extensions import LinearShift
        >>> shift = LinearShift("lr", (1.0, 0.0), (2, 6))
        >>> [shift.value_at(t) for t in range(8)]
        [1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    def __init__(
        self,
        attr: str,
        value_range: tuple[float, float],
        time_range: tuple[int, int],
        optimizer: Optimizer | None = None,
    ) -> None:
        t1, t2 = time_range
        if not t1 < t2:
            raise ValueError(f"time_range must be (t1, t2) with t1 < t2, got {time_range}")
        super().__init__(attr, value_range[0], optimizer)
        self._value_range = value_range
        self._time_range = time_range

    def value_at(self, t: int) -> float:
        """Return the linearly interpolated value."""
        (v1, v2), (t1, t2) = self._value_range, self._time_range
        if t <= t1:
            return v1
        if t >= t2:
            return v2
        return v1 + (t - t1) / (t2 - t1) * (v2 - v1)


class StepShift(ScheduleExtension):
    """Multiplies an attribute by ``gamma`` every ``step`` calls: ``init * gamma**(t // step)``.

    Args:
        attr: The optimizer attribute.
        gamma: The factor.
        step: The number of calls between changes (positive).
        init: The starting value; ``None`` reads the optimizer's.
        target: A bound the value stops at (a cap if ``gamma > 1``, a floor otherwise).
        optimizer: The optimizer; ``None`` uses the ``'main'`` one.

    Raises:
        ValueError: If ``step`` is not positive.

    Example:
        >>> from kusari.training.extensions import StepShift
        >>> shift = StepShift("lr", 0.1, 2, init=1.0)
        >>> [round(shift.value_at(t), 6) for t in range(5)]
        [1.0, 1.0, 0.1, 0.1, 0.01]
    """

    def __init__(
        self,
        attr: str,
        gamma: float,
        step: int,
        init: float | None = None,
        target: float | None = None,
        optimizer: Optimizer | None = None,
    ) -> None:
        if step < 1:
            raise ValueError(f"step must be positive, got {step}")
        super().__init__(attr, init, optimizer)
        self._gamma = gamma
        self._step = step
        self._target = target

    def value_at(self, t: int) -> float:
        """Return ``init * gamma**(t // step)``, stopped at ``target``."""
        return bound(self.init * self._gamma ** (t // self._step), self._target, self._gamma > 1)


class PolynomialShift(ScheduleExtension):
    """Decays an attribute polynomially to zero: ``init * max(1 - t / max_count, 0)**rate``.

    Args:
        attr: The optimizer attribute.
        rate: The exponent.
        max_count: The number of calls after which the value is zero (positive).
        init: The starting value; ``None`` reads the optimizer's.
        target: A bound the value stops at (a floor if ``rate > 0``, a cap otherwise).
        optimizer: The optimizer; ``None`` uses the ``'main'`` one.

    Raises:
        ValueError: If ``max_count`` is not positive.

    Example:
        >>> from kusari.training.extensions import PolynomialShift
        >>> shift = PolynomialShift("lr", 2, 4, init=1.0)
        >>> [shift.value_at(t) for t in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    def __init__(
        self,
        attr: str,
        rate: float,
        max_count: int,
        init: float | None = None,
        target: float | None = None,
        optimizer: Optimizer | None = None,
    ) -> None:
        if max_count < 1:
            raise ValueError(f"max_count must be positive, got {max_count}")
        super().__init__(attr, init, optimizer)
        self._rate = rate
        self._max_count = max_count
        self._target = target

    def value_at(self, t: int) -> float:
        """Return ``init * max(1 - t / max_count, 0)**rate``, stopped at ``target``."""
        decay = max(1 - t / self._max_count, 0.0)
        return bound(self.init * decay**self._rate, self._target, self._rate <= 0)


class InverseShift(ScheduleExtension):
    """Decays an attribute as ``init * (1 + gamma * t)**(-power)``.

    Args:
        attr: The optimizer attribute.
        gamma: The speed of the decay (non-negative).
        power: The exponent.
        init: The starting value; ``None`` reads the optimizer's.
        target: A bound the value stops at (a cap if ``power < 0``, a floor otherwise).
        optimizer: The optimizer; ``None`` uses the ``'main'`` one.

    Raises:
        ValueError: If ``gamma`` is negative.

    Example:
        >>> from kusari.training.extensions import InverseShift
        >>> shift = InverseShift("lr", 1.0, 1.0, init=1.0)
        >>> [shift.value_at(t) for t in range(4)]
        [1.0, 0.5, 0.3333333333333333, 0.25]
    """

    def __init__(
        self,
        attr: str,
        gamma: float,
        power: float,
        init: float | None = None,
        target: float | None = None,
        optimizer: Optimizer | None = None,
    ) -> None:
        if gamma < 0:
            raise ValueError(f"InverseShift does not support a negative gamma, got {gamma}")
        super().__init__(attr, init, optimizer)
        self._gamma = gamma
        self._power = power
        self._target = target

    def value_at(self, t: int) -> float:
        """Return ``init * (1 + gamma * t)**(-power)``, stopped at ``target``."""
        value = self.init * (1 + self._gamma * t) ** (-self._power)
        return bound(value, self._target, self._power < 0)


class WarmupShift(ScheduleExtension):
    """Raises an attribute linearly from ``warmup_start`` to ``init`` over ``warmup_iter`` calls.

    The value is ``warmup_start + (init - warmup_start) * t / warmup_iter`` until
    ``t = warmup_iter``, then stays at ``init`` (the extension stops changing it, so
    another schedule can take over).

    Args:
        attr: The optimizer attribute.
        warmup_start: The value at ``t = 0``.
        warmup_iter: The length of the warmup in calls (positive).
        init: The value reached; ``None`` reads the optimizer's.
        optimizer: The optimizer; ``None`` uses the ``'main'`` one.

    Raises:
        ValueError: If ``warmup_iter`` is not positive.

    Example:
        >>> from kusari.training.extensions import WarmupShift
        >>> shift = WarmupShift("lr", 0.0, 4, init=0.1)
        >>> [round(shift.value_at(t), 6) for t in range(6)]
        [0.0, 0.025, 0.05, 0.075, 0.1, 0.1]
    """

    def __init__(
        self,
        attr: str,
        warmup_start: float,
        warmup_iter: int,
        init: float | None = None,
        optimizer: Optimizer | None = None,
    ) -> None:
        if warmup_iter < 1:
            raise ValueError(f"warmup_iter must be positive, got {warmup_iter}")
        super().__init__(attr, init, optimizer)
        self._warmup_start = warmup_start
        self._warmup_iter = warmup_iter

    def value_at(self, t: int) -> float:
        """Return the warmup value at ``t``."""
        if t >= self._warmup_iter:
            return self.init
        return self._warmup_start + (self.init - self._warmup_start) * t / self._warmup_iter

    def changes_at(self, t: int) -> bool:
        """Return whether ``t`` is within the warmup (later calls change nothing)."""
        return t <= self._warmup_iter


class MultistepShift(ScheduleExtension):
    """Multiplies an attribute by ``gamma`` at each of the given steps.

    The value is ``init * gamma**k`` where ``k`` counts the entries of ``step_value``
    that are ``<= t``.

    Args:
        attr: The optimizer attribute.
        gamma: The factor.
        step_value: The calls at which the value changes (sorted).
        init: The starting value; ``None`` reads the optimizer's.
        optimizer: The optimizer; ``None`` uses the ``'main'`` one.

    Example:
        >>> from kusari.training.extensions import MultistepShift
        >>> shift = MultistepShift("lr", 0.1, [2, 4], 1.0)
        >>> [round(shift.value_at(t), 6) for t in range(6)]
        [1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
    """

    def __init__(
        self,
        attr: str,
        gamma: float,
        step_value: Sequence[int],
        init: float | None,
        optimizer: Optimizer | None = None,
    ) -> None:
        super().__init__(attr, init, optimizer)
        self._gamma = gamma
        self._step_value = sorted(step_value)

    def value_at(self, t: int) -> float:
        """Return ``init * gamma**(number of steps <= t)``."""
        return self.init * self._gamma ** bisect.bisect_right(self._step_value, t)
