"""The training loop: :class:`Trainer`."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from typing import TypeAlias

from kusari.reporter import Observation, Reporter
from kusari.serializers import AbstractSerializer, Deserializer

from ._extension import PRIORITY_READER, Extension
from ._updater import Updater
from ._util import serialize_if_serializable
from .triggers import Trigger, TriggerLike, get_trigger

__all__ = ["ExtensionLike", "Trainer"]

ExtensionLike: TypeAlias = "Extension | Callable[[Trainer], object]"
"""An extension: an :class:`Extension`, or a function of the trainer (see
:func:`~kusari.training.make_extension`)."""


@dataclasses.dataclass(slots=True)
class _Entry:
    extension: ExtensionLike
    priority: int
    trigger: Trigger
    call_before_training: bool


class Trainer:
    """Runs the training loop: update, then run the extensions whose trigger fires.

    Each iteration calls ``updater.update()`` inside a fresh observation (a dict that
    everything reported during the iteration lands in, :attr:`observation`), then every
    extension whose trigger fires, in order of priority (ties in the order they were
    added).  The loop stops when ``stop_trigger`` fires; it is checked before each
    iteration.

    The trainer's reporter registers each optimizer's target link under the optimizer's
    name (``'main'``) and its child links below it, so a model reporting ``loss`` gives
    ``'main/loss'``.

    Args:
        updater: The updater.
        stop_trigger: When to stop, such as ``(20, 'epoch')``; ``None`` never stops.
        out: The folder extensions write to (created by :meth:`run`).
        extensions: Extensions to add at once (with their default names and triggers).

    Attributes:
        updater: The updater.
        stop_trigger: The stop trigger.
        out: The output folder.
        reporter: The reporter used during training.
        observation: What was reported in the current iteration.

    Example:
        >>> import numpy
        >>> from kusari.datasets import TupleDataset
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.links import Link, Parameter
        >>> from kusari.optimizers import SGD
        >>> from kusari.reporter import report
        >>> from kusari.training import StandardUpdater, Trainer, make_extension
        >>> class Mean(Link):
        ...     def __init__(self):
        ...         super().__init__()
        ...         with self.init_scope():
        ...             self.w = Parameter(numpy.zeros(1, numpy.float32))
        ...     def forward(self, x):
        ...         loss = ((self.w - x) * (self.w - x)).mean()
        ...         report({"loss": loss}, self)
        ...         return loss
        >>> model = Mean()
        >>> data = numpy.full((8, 1), 3.0, numpy.float32)
        >>> updater = StandardUpdater(SerialIterator(data, 4), SGD(lr=0.25).setup(model))
        >>> losses = []
        >>> @make_extension(trigger=(1, "epoch"))
        ... def record(trainer):
        ...     losses.append(float(trainer.observation["main/loss"].array))
        >>> trainer = Trainer(updater, (3, "epoch"), out="result-doctest")
        >>> trainer.extend(record)
        >>> trainer.run()
        >>> updater.iteration, [round(loss, 4) for loss in losses]
        (6, [2.25, 0.1406, 0.0088])
        >>> import shutil; shutil.rmtree("result-doctest")
    """

    def __init__(
        self,
        updater: Updater,
        stop_trigger: TriggerLike = None,
        out: str | os.PathLike[str] = "result",
        extensions: Iterable[ExtensionLike] | None = None,
    ) -> None:
        if not isinstance(updater, Updater):
            raise TypeError(
                f"updater must be a kusari.training.Updater, got {type(updater).__name__}"
            )
        self.updater = updater
        self.stop_trigger: Trigger = get_trigger(stop_trigger)
        self.observation: Observation = {}
        self.out = os.fspath(out)
        reporter = Reporter()
        for name, optimizer in updater.get_all_optimizers().items():
            target = optimizer.target
            if target is not None:
                reporter.add_observer(name, target)
                reporter.add_observers(name, target.namedlinks(skipself=True))
        self.reporter = reporter
        self._extensions: dict[str, _Entry] = {}
        self._done = False
        self._start_at: float | None = None
        self._snapshot_elapsed_time = 0.0
        self._final_elapsed_time: float | None = None
        updater.connect_trainer(self)
        for extension in extensions or ():
            self.extend(extension)

    @property
    def elapsed_time(self) -> float:
        """Seconds of training so far, including the time before a resumed snapshot.

        Raises:
            RuntimeError: If training has not started.
        """
        if self._done:
            assert self._final_elapsed_time is not None
            return self._final_elapsed_time
        if self._start_at is None:
            raise RuntimeError("training has not been started yet")
        return time.perf_counter() - self._start_at + self._snapshot_elapsed_time

    @property
    def is_before_training(self) -> bool:
        """Whether no update has been done yet."""
        return self.updater.iteration == 0

    def extend(
        self,
        extension: ExtensionLike,
        name: str | None = None,
        trigger: TriggerLike = None,
        priority: int | None = None,
        *,
        call_before_training: bool = False,
    ) -> None:
        """Add an extension.

        The name, trigger and priority default to the extension's own ``name`` (or
        ``default_name``, or ``__name__``), ``trigger`` and ``priority`` attributes.  A
        name already in use gets a suffix: ``'LogReport_1'``.

        Args:
            extension: An :class:`Extension` or a function of the trainer.
            name: The name.
            trigger: When to run it (see :func:`~kusari.training.get_trigger`).
            priority: Higher runs first within an iteration.
            call_before_training: Also run it once before the first iteration.

        Raises:
            TypeError: If no name can be found or ``extension`` is not callable.
            ValueError: If the name is ``'training'`` (reserved).
        """
        if not callable(extension):
            raise TypeError(f"an extension must be callable, got {type(extension).__name__}")
        if name is None:
            name = (
                getattr(extension, "name", None)
                or getattr(extension, "default_name", None)
                or getattr(extension, "__name__", None)
            )
            if not isinstance(name, str):
                raise TypeError(
                    f"no name is given for the extension {extension!r} and it has none of "
                    "name, default_name and __name__"
                )
        if name == "training":
            raise ValueError('the name "training" is reserved and cannot name an extension')
        if trigger is None:
            trigger = getattr(extension, "trigger", (1, "iteration"))
        if priority is None:
            priority = getattr(extension, "priority", PRIORITY_READER)
        unique = name
        ordinal = 0
        while unique in self._extensions:
            ordinal += 1
            unique = f"{name}_{ordinal}"
        entry = _Entry(extension, priority, get_trigger(trigger), call_before_training)
        extension.name = unique  # type: ignore[union-attr]
        self._extensions[unique] = entry

    def get_extension(self, name: str) -> ExtensionLike:
        """Return the extension called ``name``.

        Raises:
            ValueError: If there is none.
        """
        entry = self._extensions.get(name)
        if entry is None:
            raise ValueError(
                f"extension {name!r} not found; the trainer has {sorted(self._extensions)}"
            )
        return entry.extension

    def run(self, show_loop_exception_msg: bool = True) -> None:
        """Run the training loop until the stop trigger fires.

        On an exception every extension's ``on_error`` is called, then it propagates;
        the extensions' ``finalize`` and the updater's ``finalize`` run in any case.

        Args:
            show_loop_exception_msg: Print the exception and its traceback to stderr
                before the extensions are finalized (so that it shows up even if a
                finalizer hangs).

        Raises:
            RuntimeError: If the loop already ran to completion.
        """
        if self._done:
            raise RuntimeError("cannot run the training loop of a Trainer more than once")
        os.makedirs(self.out, exist_ok=True)
        extensions = sorted(
            self._extensions.items(), key=lambda item: item[1].priority, reverse=True
        )
        self._start_at = time.perf_counter()
        # Snapshots that resume the training load first, so that the other extensions
        # initialize from the restored state.
        by_loading = sorted(
            extensions, key=lambda item: not getattr(item[1].extension, "autoload", False)
        )
        for _, entry in by_loading:
            initialize = getattr(entry.extension, "initialize", None)
            if initialize and not getattr(entry.trigger, "finished", False):
                initialize(self)
        update = self.updater.update
        reporter = self.reporter
        stop_trigger = self.stop_trigger
        try:
            self.observation = {}
            with reporter.scope(self.observation):
                for _, entry in extensions:
                    if entry.call_before_training:
                        entry.extension(self)
            while not stop_trigger(self):
                self.observation = {}
                with reporter.scope(self.observation):
                    update()
                    for _, entry in extensions:
                        if entry.trigger(self):
                            entry.extension(self)
        except Exception as error:
            if show_loop_exception_msg:
                print(f"Exception in main training loop: {error}", file=sys.stderr)
                print("Traceback (most recent call last):", file=sys.stderr)
                traceback.print_tb(error.__traceback__, file=sys.stderr)
                print(
                    "Will finalize trainer extensions and updater before reraising the exception.",
                    file=sys.stderr,
                )
            for _, entry in extensions:
                on_error = getattr(entry.extension, "on_error", None)
                if on_error:
                    try:
                        on_error(self, error, error.__traceback__)
                    except Exception as handler_error:  # every handler runs; errors are shown
                        print(f"Exception in error handler: {handler_error}", file=sys.stderr)
                        print("Traceback (most recent call last):", file=sys.stderr)
                        traceback.print_tb(handler_error.__traceback__, file=sys.stderr)
            raise
        finally:
            # Every extension and the updater are finalized even if one fails (an
            # asynchronous snapshot writer reports a failed write here); then the first
            # failure is raised.
            failures: list[Exception] = []
            for _, entry in extensions:
                finalize = getattr(entry.extension, "finalize", None)
                if finalize:
                    try:
                        finalize()
                    except Exception as failure:
                        failures.append(failure)
            self.updater.finalize()
            if failures:
                raise failures[0]
        self._final_elapsed_time = self.elapsed_time
        self._done = True

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the whole training state (what a trainer snapshot holds).

        The keys are Chainer's: ``updater/``, ``stop_trigger/``, ``extensions/<name>/``,
        ``extension_triggers/<name>/`` and ``_snapshot_elapsed_time``.  Loading before
        :meth:`run` resumes the training where the snapshot was taken.

        Args:
            serializer: The serializer or deserializer.
        """
        self.updater.serialize(serializer["updater"])
        serialize_if_serializable(self.stop_trigger, serializer["stop_trigger"])
        extensions = serializer["extensions"]
        triggers = serializer["extension_triggers"]
        for name, entry in self._extensions.items():
            serialize_if_serializable(entry.extension, extensions[name])
            serialize_if_serializable(entry.trigger, triggers[name])
        elapsed = self._current_elapsed_time()
        loaded = float(serializer("_snapshot_elapsed_time", elapsed))
        if isinstance(serializer, Deserializer):
            self._snapshot_elapsed_time = loaded
            if self._start_at is not None:
                self._start_at = time.perf_counter()

    def _current_elapsed_time(self) -> float:
        if self._done and self._final_elapsed_time is not None:
            return self._final_elapsed_time
        if self._start_at is None:
            return self._snapshot_elapsed_time
        return time.perf_counter() - self._start_at + self._snapshot_elapsed_time
