"""Running statistics of reported values: :class:`Summary` and :class:`DictSummary`."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from typing import Any, TypeAlias

import numpy

from kusari.devices import Array, get_array_module, is_array
from kusari.graph import Variable
from kusari.serializers import AbstractSerializer

__all__ = ["DictSummary", "Summary", "SummaryValue"]

SummaryValue: TypeAlias = float | int | numpy.generic | Array | Variable
"""A value :class:`Summary` accepts: a number, an array, or a Variable (its array)."""

_NUMBER_TYPES = (int, float, numpy.number, numpy.bool_)


def _unwrap(value: Any) -> Any:
    return value.array if isinstance(value, Variable) else value


def _saveable(value: Any) -> Any:
    # Scalars (Python, NumPy or 1-element arrays on any device) are saved as floats so that
    # a fresh Summary, which holds 0.0, can load them.
    if is_array(value):
        return value if value.size != 1 else float(value.reshape(()))
    return float(value)


class Summary:
    """The weighted mean and standard deviation of a stream of values.

    Values may be Python or NumPy numbers, arrays (element-wise statistics) or
    Variables (their arrays).  Array values stay on their device: nothing is copied to
    the host until the statistic is converted with ``float``.

    Example:
        >>> from kusari.reporter import Summary
        >>> summary = Summary()
        >>> summary.add(1.0)
        >>> summary.add(4.0, weight=2)
        >>> float(summary.compute_mean())
        3.0
        >>> mean, std = summary.make_statistics()
        >>> float(mean), round(float(std), 4)
        (3.0, 1.4142)
    """

    __slots__ = ("_n", "_x", "_x2")

    def __init__(self) -> None:
        self._x: Any = 0.0
        self._x2: Any = 0.0
        self._n: Any = 0

    def add(self, value: SummaryValue, weight: SummaryValue = 1) -> None:
        """Add one value.

        Args:
            value: The observed value.
            weight: Its weight (a number, or an array like ``value``).
        """
        x: Any = _unwrap(value)
        w: Any = _unwrap(weight)
        weighted = w * x
        self._x += weighted
        self._x2 += weighted * x
        self._n += w

    def compute_mean(self) -> Any:
        """Return the weighted mean: a number, or an array on the values' device.

        Raises:
            ZeroDivisionError: If nothing was added.
        """
        self._check_not_empty()
        return self._x / self._n

    def make_statistics(self) -> tuple[Any, Any]:
        """Return the weighted mean and the standard deviation of the values.

        Raises:
            ZeroDivisionError: If nothing was added.
        """
        self._check_not_empty()
        x, n = self._x, self._n
        mean = x / n
        xp = get_array_module(mean)
        # Rounding can make the variance of equal values slightly negative.
        variance = xp.maximum(self._x2 / n - mean * mean, 0.0)
        return mean, xp.sqrt(variance)

    def _check_not_empty(self) -> None:
        if isinstance(self._n, _NUMBER_TYPES) and self._n == 0:
            raise ZeroDivisionError("the Summary is empty: add() values before computing its mean")

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the running sums (keys ``_x``, ``_x2`` and ``_n``, as in Chainer).

        A snapshot without them leaves the summary as it is, with a warning.

        Args:
            serializer: The serializer or deserializer.
        """
        try:
            x = serializer("_x", _saveable(self._x))
            x2 = serializer("_x2", _saveable(self._x2))
            n = serializer("_n", _saveable(self._n))
        except KeyError:
            warnings.warn("the snapshot holds no statistics of this Summary", stacklevel=2)
            return
        self._x, self._x2, self._n = x, x2, n


class DictSummary:
    """A :class:`Summary` per key: the running statistics of whole observations.

    :meth:`add` takes an observation dict.  Only scalar values count (numbers, and arrays
    or Variables of one element); a value may be given as ``(value, weight)``.  Other
    values (strings, larger arrays) are skipped, so a whole observation can be added.

    Example:
        >>> from kusari.reporter import DictSummary
        >>> summary = DictSummary()
        >>> summary.add({"loss": 1.0, "accuracy": 0.5, "note": "skipped"})
        >>> summary.add({"loss": 3.0, "accuracy": (1.0, 3)})
        >>> {k: float(v) for k, v in summary.compute_mean().items()}
        {'loss': 2.0, 'accuracy': 0.875}
    """

    __slots__ = ("_summaries",)

    def __init__(self) -> None:
        self._summaries: dict[str, Summary] = {}

    def add(self, d: Mapping[str, Any]) -> None:
        """Add the scalar values of an observation.

        Args:
            d: Values by name; a value may be a ``(value, weight)`` tuple.
        """
        summaries = self._summaries
        for key, item in d.items():
            weight: Any = 1
            value = item
            if isinstance(item, tuple):
                value, weight = item
            value = _unwrap(value)
            if is_array(value):
                if value.size != 1 or value.dtype.kind not in "biuf":
                    continue
                value = value.reshape(())  # a (1,)-shaped loss gives a 0-d statistic
            elif not isinstance(value, _NUMBER_TYPES):
                continue
            summary = summaries.get(key)
            if summary is None:
                summary = summaries[key] = Summary()
            summary.add(value, weight)

    def compute_mean(self) -> dict[str, Any]:
        """Return the mean of each key."""
        return {name: summary.compute_mean() for name, summary in self._summaries.items()}

    def make_statistics(self) -> dict[str, Any]:
        """Return the mean of each key, and its standard deviation under ``key + '.std'``."""
        statistics: dict[str, Any] = {}
        for name, summary in self._summaries.items():
            mean, std = summary.make_statistics()
            statistics[name] = mean
            statistics[name + ".std"] = std
        return statistics

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load every summary (Chainer's keys: ``_names``, ``_summaries/<i>/...``).

        Loading replaces the set of keys with the saved one.

        Args:
            serializer: The serializer or deserializer.
        """
        current = self._summaries
        try:
            names = json.loads(serializer("_names", json.dumps(list(current))))
        except KeyError:
            warnings.warn("the snapshot holds no statistics of this DictSummary", stacklevel=2)
            return
        children = serializer["_summaries"]
        summaries: dict[str, Summary] = {}
        for index, name in enumerate(names):
            summary = current.get(name) or Summary()
            summary.serialize(children[str(index)])
            summaries[name] = summary
        self._summaries = summaries
