"""Plotting logged values: :class:`PlotReport` (on matplotlib)."""

from __future__ import annotations

import importlib
import json
import os
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kusari.reporter import DictSummary
from kusari.serializers import AbstractSerializer

from .._atomic import atomic_save
from .._extension import Extension
from ..triggers import TriggerLike, get_trigger

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["PlotReport"]


def _matplotlib_available() -> bool:
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        return False
    return True


class PlotReport(Extension):
    """Plots the means of observed values against the epoch or iteration, to an image.

    Like :class:`LogReport` it averages the values of ``y_keys`` over each period of
    ``trigger``; at the end of a period it appends the means and redraws the whole plot
    with matplotlib's Agg renderer (no display needed), writing the file atomically in
    the trainer's output folder.  The image format follows the file name's extension.

    matplotlib is optional (the ``plot`` extra): without it the extension warns once and
    draws nothing; :meth:`available` tells beforehand.

    Args:
        y_keys: The key or keys to plot, such as ``['main/loss', 'validation/main/loss']``.
        x_key: ``'epoch'`` or ``'iteration'``.
        trigger: When to add a point and redraw.
        postprocess: Called with the figure, the axes and the summary before saving.
        filename: The image file name in ``trainer.out``.
        marker: The matplotlib marker of the points.
        grid: Draw a grid.

    Example:
        >>> from kusari.training.extensions import PlotReport
        >>> PlotReport.available() in (True, False)
        True
    """

    def __init__(
        self,
        y_keys: str | Sequence[str],
        x_key: str = "epoch",
        trigger: TriggerLike = (1, "epoch"),
        postprocess: Callable[[Any, Any, DictSummary], object] | None = None,
        filename: str = "plot.png",
        marker: str | None = "x",
        grid: bool = True,
    ) -> None:
        if x_key not in ("epoch", "iteration"):
            raise ValueError(f"x_key must be 'epoch' or 'iteration', got {x_key!r}")
        self._y_keys = [y_keys] if isinstance(y_keys, str) else list(y_keys)
        self._x_key = x_key
        self._trigger = get_trigger(trigger)
        self._postprocess = postprocess
        self._filename = filename
        self._marker = marker
        self._grid = grid
        self._summary = DictSummary()
        self._data: dict[str, list[tuple[float, float]]] = {k: [] for k in self._y_keys}
        self._available = self.available()
        if not self._available:
            warnings.warn(
                "matplotlib is not installed, so PlotReport draws nothing; install it with: "
                "pip install kusari-training[plot]",
                stacklevel=2,
            )

    @staticmethod
    def available() -> bool:
        """Return whether matplotlib can be imported (so plots can be drawn)."""
        return _matplotlib_available()

    def __call__(self, trainer: Trainer) -> None:
        """Accumulate the values; when the trigger fires, add the means and redraw."""
        observation = trainer.observation
        self._summary.add({k: observation[k] for k in self._y_keys if k in observation})
        if not self._trigger(trainer):
            return
        means = {name: float(value) for name, value in self._summary.compute_mean().items()}
        updater = trainer.updater
        x = float(updater.epoch if self._x_key == "epoch" else updater.iteration)
        for key in self._y_keys:
            if key in means:
                self._data[key].append((x, means[key]))
        if self._available:
            self._draw(os.path.join(trainer.out, self._filename))
        self._summary = DictSummary()

    def _draw(self, path: str) -> None:
        figure_module = importlib.import_module("matplotlib.figure")
        agg = importlib.import_module("matplotlib.backends.backend_agg")
        figure = figure_module.Figure()
        agg.FigureCanvasAgg(figure)
        axes = figure.add_subplot(111)
        axes.set_xlabel(self._x_key)
        if self._grid:
            axes.grid()
        for key in self._y_keys:
            points = self._data[key]
            if points:
                xs, ys = zip(*points, strict=True)
                axes.plot(xs, ys, marker=self._marker, label=key)
        if not axes.has_data():
            return
        if self._postprocess is not None:
            self._postprocess(figure, axes, self._summary)
        legend = axes.legend(bbox_to_anchor=(1.05, 1), loc=2, borderaxespad=0.0)
        image_format = os.path.splitext(self._filename)[1].lstrip(".") or "png"

        def save(temporary: str) -> None:
            figure.savefig(
                temporary,
                format=image_format,
                bbox_extra_artists=(legend,),
                bbox_inches="tight",
            )

        atomic_save(path, save)

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the plotted points (Chainer's key ``_plot_<filename>``).

        Args:
            serializer: The serializer or deserializer.
        """
        key = f"_plot_{self._filename}"
        loaded = json.loads(serializer(key, json.dumps(self._data)))
        self._data = {
            k: [(float(x), float(y)) for x, y in loaded.get(k, [])] for k in self._y_keys
        }
