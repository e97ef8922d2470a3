"""Triggers: when extensions run and when training stops.

A trigger is a callable that takes the trainer and returns whether to fire.  Anywhere a
trigger is expected, ``(period, unit)`` (an :class:`IntervalTrigger`) and ``None``
(never) are accepted too; :func:`get_trigger` does the conversion.

Example:
    >>> from kusari.training.triggers import IntervalTrigger, get_trigger
    >>> isinstance(get_trigger((5, "iteration")), IntervalTrigger)
    True
"""

from ._best_value import BestValueTrigger as BestValueTrigger
from ._best_value import MaxValueTrigger as MaxValueTrigger
from ._best_value import MinValueTrigger as MinValueTrigger
from ._early_stopping import EarlyStoppingTrigger as EarlyStoppingTrigger
from ._get import get_trigger as get_trigger
from ._interval import IntervalTrigger as IntervalTrigger
from ._manual import ManualScheduleTrigger as ManualScheduleTrigger
from ._once import OnceTrigger as OnceTrigger
from ._time import TimeTrigger as TimeTrigger
from ._util import Trigger as Trigger
from ._util import TriggerLike as TriggerLike
from ._util import Unit as Unit

__all__ = [
    "BestValueTrigger",
    "EarlyStoppingTrigger",
    "IntervalTrigger",
    "ManualScheduleTrigger",
    "MaxValueTrigger",
    "MinValueTrigger",
    "OnceTrigger",
    "TimeTrigger",
    "Trigger",
    "TriggerLike",
    "Unit",
    "get_trigger",
]
