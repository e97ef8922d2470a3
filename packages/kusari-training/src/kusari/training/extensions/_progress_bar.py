"""A progress bar for the training loop: :class:`ProgressBar` (on tqdm)."""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any, TextIO

from .._extension import Extension

if TYPE_CHECKING:
    from .._trainer import Trainer
    from .._updater import Updater
    from ..triggers import Unit

__all__ = ["ProgressBar"]


def _require_tqdm() -> types.ModuleType:
    try:
        return importlib.import_module("tqdm.auto")
    except ImportError as error:
        raise ImportError(
            "ProgressBar draws its bar with tqdm, which is not installed; install it with: "
            "pip install kusari-training[progress]"
        ) from error


class ProgressBar(Extension):
    """Shows how far training has come, with tqdm (the ``progress`` extra).

    The bar runs from 0 to the training length (iterations or epochs, from the stop
    trigger's ``get_training_length()`` unless given) and shows the iteration, the epoch
    and tqdm's rate and time estimate.  It is redrawn every ``update_interval``
    iterations, and once more when training ends, so that it stops at the final iteration
    even when the run length is not a multiple of ``update_interval``.  Past the planned
    length (a longer stop trigger than ``training_length``) the bar stays full while the
    counts beside it go on.

    Args:
        training_length: ``(length, unit)``, such as ``(20, 'epoch')``; ``None`` asks the
            trainer's stop trigger.
        update_interval: Redraw every this many iterations.
        bar_length: The width of the bar itself, in characters.
        out: Where to draw; ``sys.stdout`` when omitted.

    Raises:
        ImportError: If tqdm is not installed (naming the extra to install).
        ValueError: If ``update_interval`` or ``bar_length`` is not positive.

    Example:
        >>> from kusari.training.extensions import ProgressBar
        >>> bar = ProgressBar(training_length=(10, "epoch"))  # doctest: +SKIP
    """

    def __init__(
        self,
        training_length: tuple[float, Unit] | None = None,
        update_interval: int = 100,
        bar_length: int = 50,
        out: TextIO | None = None,
    ) -> None:
        self._tqdm = _require_tqdm()
        if update_interval < 1:
            raise ValueError(f"update_interval must be positive, got {update_interval}")
        if bar_length < 1:
            raise ValueError(f"bar_length must be positive, got {bar_length}")
        self._training_length = training_length
        self._update_interval = update_interval
        self._bar_length = bar_length
        self._out = out
        self._bar: Any = None
        self._length: tuple[float, Unit] | None = None
        self._updater: Updater | None = None  # for the final redraw in finalize()
        self._drawn_iteration = -1

    def _open(self, trainer: Trainer) -> Any:
        length = self._training_length
        if length is None:
            get_length = getattr(trainer.stop_trigger, "get_training_length", None)
            if get_length is None:
                raise TypeError(
                    "ProgressBar needs training_length=(length, unit): the stop trigger "
                    f"{trainer.stop_trigger!r} has no get_training_length()"
                )
            length = get_length()
        self._length = length
        total, unit = length
        return self._tqdm.tqdm(
            total=total,
            unit="iter" if unit == "iteration" else "epoch",
            file=sys.stdout if self._out is None else self._out,
            bar_format=f"{{l_bar}}{{bar:{self._bar_length}}}{{r_bar}}",
            mininterval=0,
            dynamic_ncols=True,
        )

    def __call__(self, trainer: Trainer) -> None:
        """Redraw the bar every ``update_interval`` iterations."""
        if self._bar is None:
            self._bar = self._open(trainer)
        updater = self._updater = trainer.updater
        if updater.iteration % self._update_interval == 0:
            self._draw(updater)

    def _draw(self, updater: Updater) -> None:
        assert self._length is not None
        total, unit = self._length
        iteration = updater.iteration
        position = iteration if unit == "iteration" else round(updater.epoch_detail, 6)
        # tqdm warns (and clamps) when n passes total; the text beside the bar says how far.
        self._bar.n = min(position, total)
        self._bar.set_postfix_str(
            f"{iteration} iter, {updater.epoch} epoch / {total} {unit}s", refresh=False
        )
        self._bar.refresh()
        self._drawn_iteration = iteration

    def finalize(self) -> None:
        """Draw the final position (if not drawn yet) and close the bar."""
        if self._bar is not None:
            updater = self._updater
            if updater is not None and updater.iteration != self._drawn_iteration:
                self._draw(updater)
            self._bar.close()
            self._bar = None
        self._updater = None
