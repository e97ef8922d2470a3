"""Logging the means of the observations: :class:`LogReport`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kusari.reporter import DictSummary
from kusari.serializers import AbstractSerializer

from .._atomic import atomic_save
from .._extension import Extension
from .._util import serialize_if_serializable
from ..triggers import TriggerLike, get_trigger

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["LogReport"]


class LogReport(Extension):
    """Averages the observations over each period and appends the means to a JSON log.

    Called every iteration, it accumulates the scalar values of the observation (or of
    ``keys``); when ``trigger`` fires it computes their means, adds ``epoch``,
    ``iteration`` and ``elapsed_time``, appends the entry to :attr:`log` and rewrites the
    log file (a JSON list, written atomically) in the trainer's output folder.

    Args:
        keys: The observation keys to log; ``None`` logs every scalar.
        trigger: When to output an entry.
        postprocess: Called with each entry (a dict) before it is stored; it may edit it.
        filename: The log file name in ``trainer.out`` (it may use the entry's values,
            ``'log_{epoch}'``); ``None`` writes no file.

    Example:
        >>> from kusari.training.extensions import LogReport
        >>> log_report = LogReport(keys=["main/loss"], trigger=(1, "epoch"))
        >>> log_report.log
        []
    """

    def __init__(
        self,
        keys: Iterable[str] | None = None,
        trigger: TriggerLike = (1, "epoch"),
        postprocess: Callable[[dict[str, Any]], object] | None = None,
        filename: str | None = "log",
    ) -> None:
        self._keys = None if keys is None else list(keys)
        self._trigger = get_trigger(trigger)
        self._postprocess = postprocess
        self._log_name = filename
        self._log: list[dict[str, Any]] = []
        self._summary = DictSummary()

    @property
    def log(self) -> list[dict[str, Any]]:
        """The entries so far (each a dict of floats and ints)."""
        return self._log

    def __call__(self, trainer: Trainer) -> None:
        """Accumulate the observation; when the trigger fires, log the means."""
        observation = trainer.observation
        if self._keys is None:
            self._summary.add(observation)
        else:
            self._summary.add({k: observation[k] for k in self._keys if k in observation})
        if not self._trigger(trainer):
            return
        entry: dict[str, Any] = {
            name: float(value) for name, value in self._summary.compute_mean().items()
        }
        updater = trainer.updater
        entry["epoch"] = updater.epoch
        entry["iteration"] = updater.iteration
        entry["elapsed_time"] = trainer.elapsed_time
        if self._postprocess is not None:
            self._postprocess(entry)
        self._log.append(entry)
        if self._log_name is not None:
            path = os.path.join(trainer.out, self._log_name.format(**entry))
            text = json.dumps(self._log, indent=4)

            def write(temporary: str) -> None:
                with open(temporary, "w", encoding="utf-8") as stream:
                    stream.write(text)

            atomic_save(path, write)
        self._summary = DictSummary()

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the trigger, the running means and the log (Chainer's keys).

        Args:
            serializer: The serializer or deserializer.
        """
        serialize_if_serializable(self._trigger, serializer["_trigger"])
        self._summary.serialize(serializer["_summary"])
        self._log = json.loads(serializer("_log", json.dumps(self._log)))
