"""Statistics of the parameters and gradients: :class:`ParameterStatistics`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy

from kusari.devices import Array, get_array_module, is_array
from kusari.links import Link
from kusari.reporter import DictSummary, report

from .._extension import PRIORITY_WRITER, Extension
from ..triggers import TriggerLike, get_trigger

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["ParameterStatistics"]

Statistic = Callable[[Array], Any]
"""Computes a number (or a 1-D array of numbers) from a flattened parameter array."""

_PERCENTILE_SIGMAS: Final = (0.13, 2.28, 15.87, 50.0, 84.13, 97.72, 99.87)


def _mean(x: Array) -> Any:
    return get_array_module(x).mean(x)


def _std(x: Array) -> Any:
    return get_array_module(x).std(x)


def _min(x: Array) -> Any:
    return get_array_module(x).min(x)


def _max(x: Array) -> Any:
    return get_array_module(x).max(x)


def _zeros(x: Array) -> Any:
    return get_array_module(x).count_nonzero(x == 0)


def _percentile(x: Array) -> Any:
    return get_array_module(x).percentile(x, _PERCENTILE_SIGMAS)


class ParameterStatistics(Extension):
    """Reports statistics of the parameters (and their gradients) of links.

    For every parameter of the links, for its data (``'data'``) and gradient
    (``'grad'``), each statistic is computed on the flattened array and accumulated;
    when ``trigger`` fires, the means are reported as
    ``'<prefix>/<link name>/<param path>/<data|grad>/<statistic>'`` (the parts that are
    empty are left out).  A statistic giving several numbers (``percentile``) gets an
    index: ``.../percentile/0``.  The defaults are ``mean``, ``std``, ``min``, ``max``,
    ``zeros`` (the count of zeros) and ``percentile`` (at the ±1, 2 and 3 sigma points
    and the median).

    Args:
        links: A link or several.
        statistics: ``'default'``, ``None`` (none; add with :meth:`register_statistics`)
            or a dict of name to function.
        report_params: Report statistics of the parameter data.
        report_grads: Report statistics of the gradients.
        prefix: Prepended to every key.
        trigger: When to report.
        skip_nan_params: Report NaN instead of computing statistics of arrays with NaN.

    Example:
        >>> import numpy
        >>> from kusari.links import Link, Parameter
        >>> from kusari.training.extensions import ParameterStatistics
        >>> link = Link()
        >>> with link.init_scope():
        ...     link.w = Parameter(numpy.array([1.0, 3.0]))
        >>> extension = ParameterStatistics(link, {"mean": numpy.mean}, report_grads=False)
        >>> {key: float(value) for key, value in extension.compute().items()}
        {'w/data/mean': 2.0}
    """

    priority = PRIORITY_WRITER
    default_name = "parameter_statistics"
    default_statistics: Mapping[str, Statistic] = {
        "mean": _mean,
        "std": _std,
        "min": _min,
        "max": _max,
        "zeros": _zeros,
        "percentile": _percentile,
    }

    def __init__(
        self,
        links: Link | Sequence[Link],
        statistics: Literal["default"] | Mapping[str, Statistic] | None = "default",
        report_params: bool = True,
        report_grads: bool = True,
        prefix: str | None = None,
        trigger: TriggerLike = (1, "epoch"),
        skip_nan_params: bool = False,
    ) -> None:
        self._links = [links] if isinstance(links, Link) else list(links)
        if statistics is None:
            self._statistics: dict[str, Statistic] = {}
        elif statistics == "default":
            self._statistics = dict(self.default_statistics)
        else:
            self._statistics = dict(statistics)
        self._attrs = [
            attr for attr, wanted in (("data", report_params), ("grad", report_grads)) if wanted
        ]
        self._prefix = prefix
        self._trigger = get_trigger(trigger)
        self._skip_nan_params = skip_nan_params
        self._summary = DictSummary()

    def register_statistics(self, name: str, function: Statistic) -> None:
        """Add a statistic.

        Args:
            name: Its name in the keys.
            function: Computes it from a flattened array.
        """
        self._statistics[name] = function

    def compute(self) -> dict[str, Any]:
        """Return the statistics of the current parameters (without reporting them)."""
        statistics: dict[str, Any] = {}
        for link in self._links:
            for param_name, param in link.namedparams():
                for attr in self._attrs:
                    array = param.array if attr == "data" else _grad_or_none(param)
                    if array is None:
                        continue
                    flat = array.ravel()
                    has_nan = self._skip_nan_params and bool(
                        get_array_module(flat).isnan(flat).any()
                    )
                    parts = [self._prefix, link.name, param_name.strip("/"), attr]
                    stem = "/".join(part for part in parts if part)
                    for function_name, function in self._statistics.items():
                        value: Any = numpy.nan if has_nan else function(flat)
                        key = f"{stem}/{function_name}"
                        if is_array(value) and value.size > 1:
                            for index, item in enumerate(value):
                                statistics[f"{key}/{index}"] = item
                        else:
                            statistics[key] = value
        return statistics

    def __call__(self, trainer: Trainer) -> None:
        """Accumulate the statistics; when the trigger fires, report their means."""
        self._summary.add(self.compute())
        if self._trigger(trainer):
            report(self._summary.compute_mean())
            self._summary = DictSummary()


def _grad_or_none(param: Any) -> Array | None:
    try:
        grad: Array | None = param.grad
    except RuntimeError:  # an uninitialized parameter before cleargrad()
        return None
    return grad
