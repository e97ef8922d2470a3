"""Plotting statistics of parameters and gradients over time: :class:`VariableStatisticsPlot`."""

from __future__ import annotations

import importlib
import numbers
import operator
import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy
import numpy.typing as npt

from kusari.devices import Array, get_array_module
from kusari.graph import Variable
from kusari.links import Link

from .._atomic import atomic_save
from .._extension import Extension
from ..triggers import TriggerLike, get_trigger
from ._plot_report import _matplotlib_available

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["VariableStatisticsPlot"]

Targets: TypeAlias = "Variable | Link | Sequence[Variable | Link]"
"""What :class:`VariableStatisticsPlot` watches: variables, links, or a list of both."""

_PERCENTILE_SIGMAS = (0.0, 0.13, 2.28, 15.87, 50.0, 84.13, 97.72, 99.87, 100.0)


class _Reservoir:
    """A uniform random sample of at most ``size`` of the items added (Vitter's R)."""

    __slots__ = ("_indices", "_rng", "_rows", "count", "size")

    def __init__(self, size: int, rng: numpy.random.Generator | None = None) -> None:
        self.size = size
        self.count = 0
        self._rng = numpy.random.default_rng() if rng is None else rng
        self._indices: list[int] = []
        self._rows: list[npt.NDArray[numpy.float64]] = []

    def add(self, index: int, row: npt.NDArray[numpy.float64]) -> None:
        self.count += 1
        if len(self._rows) < self.size:
            self._indices.append(index)
            self._rows.append(row)
            return
        # The new item replaces a kept one with probability size / count.
        slot = int(self._rng.integers(self.count))
        if slot < self.size:
            self._indices[slot] = index
            self._rows[slot] = row

    def get(
        self, row_shape: tuple[int, ...]
    ) -> tuple[npt.NDArray[numpy.int64], npt.NDArray[numpy.float64]]:
        order = numpy.argsort(self._indices, kind="stable")
        indices = numpy.asarray(self._indices, dtype=numpy.int64)[order]
        rows = numpy.empty((len(order), *row_shape), dtype=numpy.float64)
        for position, kept in enumerate(order):
            rows[position] = self._rows[kept]
        return indices, rows


def _variables(targets: Targets) -> list[Variable]:
    items = [targets] if isinstance(targets, (Variable, Link)) else list(targets)
    found: list[Variable] = []
    for item in items:
        if isinstance(item, Link):
            found.extend(item.params())
        elif isinstance(item, Variable):
            found.append(item)
        else:
            raise TypeError(
                f"targets must be Variables, Links or a list of them, got an item of type "
                f"{type(item).__name__}"
            )
    return found


def _sigmas(percentile_sigmas: float | Sequence[float]) -> tuple[float, ...]:
    values: tuple[object, ...] = (
        tuple(percentile_sigmas)
        if isinstance(percentile_sigmas, Sequence)
        else (percentile_sigmas,)
    )
    checked: list[float] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            checked.append(numpy.nan)
        else:
            checked.append(float(value))
    if not all(0.0 <= value <= 100.0 for value in checked):  # NaN fails too
        raise ValueError(
            f"percentile_sigmas must be numbers in [0, 100], got {percentile_sigmas!r}"
        )
    return tuple(sorted(checked))


def _grad(variable: Variable, data: Array) -> Array:
    try:
        grad = variable.grad
    except RuntimeError:  # an uninitialized parameter
        grad = None
    # As in Chainer, a variable without a gradient counts as zeros.
    return get_array_module(data).zeros_like(data) if grad is None else grad


class VariableStatisticsPlot(Extension):
    """Plots the mean, standard deviation and percentiles of parameters and gradients.

    Every time it runs (each iteration by default) the extension takes all the values
    of the watched variables -- the data, and the gradients -- as one flat sample and
    computes its mean, standard deviation and the percentiles ``percentile_sigmas``
    (with several variables, the statistics are those of all their values together; a
    missing gradient counts as zeros, an uninitialized parameter is left out).  It keeps
    a uniform random sample of at most ``max_sample_size`` of these per-iteration
    statistics (reservoir sampling), and when ``trigger`` fires it plots them against
    the iteration with matplotlib's Agg renderer into ``filename`` in the trainer's
    output folder, written atomically.

    The figure has one column per kind (``'data'``, ``'grad'``) and up to two rows: the
    mean with a band of one standard deviation around it, and the percentiles as
    nested bands (the median as a line).  matplotlib is optional (the ``plot`` extra):
    without it the extension warns once and only computes the statistics;
    :meth:`available` tells beforehand.

    Args:
        targets: A :class:`~kusari.graph.Variable` or :class:`~kusari.links.Link` (all
            its parameters), or a list of them.
        max_sample_size: The most per-iteration statistics kept for the plot.
        report_data: Compute and plot statistics of the values.
        report_grad: Compute and plot statistics of the gradients.
        plot_mean: Compute and plot the mean.
        plot_std: Compute and plot the standard deviation.
        percentile_sigmas: The percentiles, in ``[0, 100]`` (a number or several).
        trigger: When to redraw the image (the extension's own trigger decides when to
            sample).
        filename: The image file name in ``trainer.out``; its extension picks the
            format.
        figsize: The figure size in inches, ``(width, height)``; ``None`` for
            matplotlib's default.
        marker: The matplotlib marker of the mean and median lines.
        grid: Draw a grid.

    Raises:
        TypeError: If a target is neither a Variable nor a Link.
        ValueError: If ``max_sample_size`` is not positive, a percentile is outside
            ``[0, 100]``, or nothing is left to compute.

    Example:
        >>> import numpy
        >>> from kusari.links import Link, Parameter
        >>> from kusari.training.extensions import VariableStatisticsPlot
        >>> link = Link()
        >>> with link.init_scope():
        ...     link.w = Parameter(numpy.array([1.0, 3.0, 5.0]))
        >>> plot = VariableStatisticsPlot(link, percentile_sigmas=(0, 50, 100))
        >>> plot.keys, plot.statistic_names
        (('data', 'grad'), ('mean', 'std', 'percentile 0', 'percentile 50', 'percentile 100'))
        >>> plot.compute().round(4).tolist()
        [[3.0, 1.633, 1.0, 3.0, 5.0], [0.0, 0.0, 0.0, 0.0, 0.0]]
    """

    def __init__(
        self,
        targets: Targets,
        max_sample_size: int = 1000,
        report_data: bool = True,
        report_grad: bool = True,
        plot_mean: bool = True,
        plot_std: bool = True,
        percentile_sigmas: float | Sequence[float] = _PERCENTILE_SIGMAS,
        trigger: TriggerLike = (1, "epoch"),
        filename: str = "statistics.png",
        figsize: tuple[float, float] | None = None,
        marker: str | None = None,
        grid: bool = True,
    ) -> None:
        if isinstance(max_sample_size, bool) or operator.index(max_sample_size) < 1:
            raise ValueError(
                f"max_sample_size must be a positive integer, got {max_sample_size!r}"
            )
        sigmas = _sigmas(percentile_sigmas)
        keys = tuple(
            key for key, wanted in (("data", report_data), ("grad", report_grad)) if wanted
        )
        names = (
            *(["mean"] if plot_mean else []),
            *(["std"] if plot_std else []),
            *(f"percentile {sigma:g}" for sigma in sigmas),
        )
        if not keys or not names:
            raise ValueError(
                "VariableStatisticsPlot has nothing to compute: set report_data or "
                "report_grad, and plot_mean, plot_std or some percentile_sigmas"
            )
        self._variables = _variables(targets)
        self.keys: tuple[str, ...] = keys
        """The kinds of values sampled, in order: ``'data'`` and/or ``'grad'``."""
        self.statistic_names: tuple[str, ...] = names
        """The statistics of each kind, in order (``'mean'``, ``'std'``, percentiles)."""
        self._plot_mean = plot_mean
        self._plot_std = plot_std
        self._sigmas = sigmas
        self._trigger = get_trigger(trigger)
        self._filename = filename
        self._figsize = figsize
        self._marker = marker
        self._grid = grid
        self._reservoir = _Reservoir(operator.index(max_sample_size))
        self._available = self.available()
        if not self._available:
            warnings.warn(
                "matplotlib is not installed, so VariableStatisticsPlot draws nothing; "
                "install it with: pip install kusari-training[plot]",
                stacklevel=2,
            )

    @staticmethod
    def available() -> bool:
        """Return whether matplotlib can be imported (so plots can be drawn)."""
        return _matplotlib_available()

    def compute(self) -> npt.NDArray[numpy.float64] | None:
        """Return the statistics of the current values, without recording them.

        Returns:
            An array of shape ``(len(keys), len(statistic_names))``, or ``None`` when
            no watched variable holds an array yet.
        """
        datas = [variable.array for variable in self._variables]
        arrays = [data for data in datas if data is not None]
        if not arrays:
            return None
        result = numpy.empty((len(self.keys), len(self.statistic_names)), dtype=numpy.float64)
        for row, key in enumerate(self.keys):
            if key == "data":
                values = arrays
            else:
                values = [
                    _grad(variable, data)
                    for variable, data in zip(self._variables, datas, strict=True)
                    if data is not None
                ]
            result[row] = self._statistics(values)
        return result

    def _statistics(self, arrays: list[Array]) -> list[float]:
        xp = get_array_module(arrays[0])
        flat = xp.concatenate([xp.ravel(array) for array in arrays])
        found: list[float] = []
        if self._plot_mean:
            found.append(float(xp.mean(flat, dtype=numpy.float64)))
        if self._plot_std:
            found.append(float(xp.std(flat, dtype=numpy.float64)))
        if self._sigmas:
            percentiles = xp.percentile(flat.astype(numpy.float64), self._sigmas)
            found.extend(float(value) for value in percentiles.tolist())
        return found

    def samples(self) -> tuple[npt.NDArray[numpy.int64], npt.NDArray[numpy.float64]]:
        """Return the kept statistics, oldest first.

        Returns:
            The iterations, shape ``(n,)``, and their statistics, shape
            ``(n, len(keys), len(statistic_names))``.
        """
        return self._reservoir.get((len(self.keys), len(self.statistic_names)))

    def __call__(self, trainer: Trainer) -> None:
        """Sample the statistics; when ``trigger`` fires, redraw the image."""
        statistics = self.compute()
        if statistics is not None:
            self._reservoir.add(trainer.updater.iteration, statistics)
        if self._trigger(trainer) and self._available and self._reservoir.count:
            self._draw(os.path.join(trainer.out, self._filename))

    def _draw(self, path: str) -> None:
        figure_module = importlib.import_module("matplotlib.figure")
        agg = importlib.import_module("matplotlib.backends.backend_agg")
        figure = figure_module.Figure(figsize=self._figsize)
        agg.FigureCanvasAgg(figure)
        iterations, values = self.samples()
        rows = [
            kind
            for kind, wanted in (
                ("moments", self._plot_mean or self._plot_std),
                ("percentiles", bool(self._sigmas)),
            )
            if wanted
        ]
        axes = figure.subplots(len(rows), len(self.keys), sharex=True, squeeze=False)
        for column, key in enumerate(self.keys):
            for row, kind in enumerate(rows):
                ax = axes[row][column]
                if kind == "moments":
                    self._draw_moments(ax, iterations, values[:, column])
                else:
                    self._draw_percentiles(ax, iterations, values[:, column])
                if row == 0:
                    ax.set_title(key)
                if row == len(rows) - 1:
                    ax.set_xlabel("iteration")
                if self._grid:
                    ax.grid()
                    ax.set_axisbelow(True)
                ax.legend(fontsize="small")
        image_format = os.path.splitext(self._filename)[1].lstrip(".") or "png"
        atomic_save(path, lambda temporary: figure.savefig(temporary, format=image_format))

    def _draw_moments(
        self, ax: Any, x: npt.NDArray[numpy.int64], values: npt.NDArray[numpy.float64]
    ) -> None:
        if self._plot_mean:
            mean = values[:, 0]
            (line,) = ax.plot(x, mean, marker=self._marker, label="mean")
            if self._plot_std:
                std = values[:, 1]
                ax.fill_between(
                    x, mean - std, mean + std, color=line.get_color(), alpha=0.2, label="± std"
                )
        else:
            ax.plot(x, values[:, 0], marker=self._marker, label="std")

    def _draw_percentiles(
        self, ax: Any, x: npt.NDArray[numpy.int64], values: npt.NDArray[numpy.float64]
    ) -> None:
        first = int(self._plot_mean) + int(self._plot_std)
        percentiles = values[:, first:]
        n = len(self._sigmas)
        color = "C1"
        for low in range(n // 2):
            high = n - 1 - low
            ax.fill_between(
                x,
                percentiles[:, low],
                percentiles[:, high],
                color=color,
                alpha=0.2,
                linewidth=0,
                # One legend entry for the nested bands: the outermost one.
                label=(
                    f"{self._sigmas[0]:g}-{self._sigmas[-1]:g}% ({n // 2} bands)"
                    if low == 0
                    else "_nolegend_"
                ),
            )
        if n % 2:
            middle = n // 2
            ax.plot(
                x,
                percentiles[:, middle],
                color=color,
                marker=self._marker,
                label=f"{self._sigmas[middle]:g}%",
            )
