"""Evaluating a model on a validation set: :class:`Evaluator`."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kusari.devices import DeviceSpec, get_device
from kusari.graph import no_backprop_mode, using_config
from kusari.iterators import Iterator
from kusari.links import Link
from kusari.reporter import DictSummary, Observation, Reporter, report, report_scope

from .._convert import call_converter, concat_examples
from .._extension import PRIORITY_WRITER, Extension
from .._util import named_with_main

if TYPE_CHECKING:
    from .._trainer import Trainer
    from ..triggers import TriggerLike

__all__ = ["Evaluator"]


class Evaluator(Extension):
    """Runs a model over a validation set and reports the means of what it reports.

    Each call resets the ``'main'`` iterator and goes through it once; every batch is
    converted and passed to ``eval_func`` (the ``'main'`` target by default) in
    ``no_backprop_mode`` with ``config.train = False``.  The values reported meanwhile
    are averaged, prefixed with the extension's name: a classifier reporting ``loss``
    gives ``'validation/main/loss'`` in the trainer's observation.

    Use an iterator with ``repeat=False`` (a warning says so otherwise: the sweep would
    never end).

    Args:
        iterator: The validation iterator, or a dict of iterators with a ``'main'`` one.
        target: The model (a link), or a dict of links with a ``'main'`` one.
        converter: Turns a batch into arrays.
        device: Where to send the arrays (the model is not moved).
        eval_hook: Called with the evaluator before each evaluation.
        eval_func: Called on each batch instead of the ``'main'`` target.

    Attributes:
        converter: The converter.
        device: The device, or ``None``.
        eval_hook: The hook, or ``None``.
        eval_func: The evaluation function, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.links import Link
        >>> from kusari.reporter import report
        >>> from kusari.training.extensions import Evaluator
        >>> class Echo(Link):
        ...     def forward(self, x):
        ...         report({"value": float(x.mean())}, self)
        >>> data = numpy.arange(4.0).reshape(4, 1)
        >>> evaluator = Evaluator(SerialIterator(data, 2, repeat=False, shuffle=False), Echo())
        >>> evaluator()
        {'main/value': 1.5}
    """

    trigger: TriggerLike = (1, "epoch")
    priority = PRIORITY_WRITER
    default_name = "validation"

    def __init__(
        self,
        iterator: Iterator[Any] | Mapping[str, Iterator[Any]],
        target: Link | Mapping[str, Link],
        converter: Callable[..., Any] = concat_examples,
        device: DeviceSpec | None = None,
        eval_hook: Callable[[Evaluator], object] | None = None,
        eval_func: Callable[..., object] | None = None,
    ) -> None:
        iterators = named_with_main(iterator, Iterator, "iterator", "kusari.iterators.Iterator")
        targets = named_with_main(target, Link, "target", "kusari.links.Link")
        for name, it in iterators.items():
            if getattr(it, "repeat", False):
                warnings.warn(
                    f"the iterator {name!r} of the Evaluator repeats (repeat=True): an "
                    "evaluation sweeps an iterator until it stops, so it may never end; "
                    "build validation iterators with repeat=False",
                    stacklevel=2,
                )
        self._iterators: dict[str, Iterator[Any]] = iterators
        self._targets: dict[str, Link] = targets
        self.converter = converter
        self.device = None if device is None else get_device(device)
        self.eval_hook = eval_hook
        self.eval_func = eval_func

    def get_iterator(self, name: str) -> Iterator[Any]:
        """Return the iterator called ``name``."""
        return self._iterators[name]

    def get_all_iterators(self) -> dict[str, Iterator[Any]]:
        """Return a new dict of every iterator by name."""
        return dict(self._iterators)

    def get_target(self, name: str) -> Link:
        """Return the target link called ``name``."""
        return self._targets[name]

    def get_all_targets(self) -> dict[str, Link]:
        """Return a new dict of every target by name."""
        return dict(self._targets)

    def __call__(self, trainer: Trainer | None = None) -> dict[str, Any]:
        """Evaluate, report the means to the current reporter and return them.

        Args:
            trainer: The trainer (unused; the evaluator can run on its own).

        Returns:
            The mean of each reported value, keyed ``'<name>/<observer>/<key>'``.
        """
        reporter = Reporter()
        prefix = "" if self.name is None else self.name + "/"
        for name, target in self._targets.items():
            reporter.add_observer(prefix + name, target)
            reporter.add_observers(prefix + name, target.namedlinks(skipself=True))
        with reporter, using_config("train", False):
            result = self.evaluate()
        report(result)
        return result

    def evaluate(self) -> dict[str, Any]:
        """Sweep the ``'main'`` iterator once and return the means of what was reported.

        Call it inside a reporter's scope with the targets registered (as
        :meth:`__call__` does).
        """
        iterator = self._iterators["main"]
        eval_func = self.eval_func or self._targets["main"]
        if self.eval_hook is not None:
            self.eval_hook(self)
        reset = getattr(iterator, "reset", None)
        if reset is not None:
            reset()
            it = iterator
        else:
            warnings.warn(
                "this iterator has no reset() method, so the Evaluator sweeps a copy of it; "
                "this is deprecated, implement reset()",
                DeprecationWarning,
                stacklevel=2,
            )
            it = copy.copy(iterator)
        summary = DictSummary()
        for batch in it:
            observation: Observation = {}
            with report_scope(observation):
                in_arrays = call_converter(self.converter, batch, self.device)
                with no_backprop_mode():
                    if isinstance(in_arrays, tuple):
                        eval_func(*in_arrays)
                    elif isinstance(in_arrays, dict):
                        eval_func(**in_arrays)
                    else:
                        eval_func(in_arrays)
            summary.add(observation)
        return summary.compute_mean()

    def finalize(self) -> None:
        """Finalize every iterator."""
        for iterator in self._iterators.values():
            iterator.finalize()
