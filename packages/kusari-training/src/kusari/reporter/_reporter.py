"""Collecting observed values: :class:`Reporter`, :func:`report` and :func:`report_scope`.

The stack of active reporters lives in a :class:`contextvars.ContextVar`, so every thread
and every asyncio task sees its own (a task starts with a copy of its creator's stack).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Self, TypeAlias

from kusari.graph import Variable, config

__all__ = ["Observation", "Reporter", "get_current_reporter", "report", "report_scope"]

Observation: TypeAlias = dict[str, Any]
"""What a reporter collects: observed values by name (Variables, arrays, numbers).

The values are of whatever type was reported, hence ``Any``.
"""

_stack: contextvars.ContextVar[tuple[Reporter, ...]] = contextvars.ContextVar(
    "kusari.reporter.stack", default=()
)


class Reporter:
    """Collects values reported by models and extensions into an observation dict.

    Objects (usually links) are registered as *observers* under a name; a value they
    report as ``key`` is stored as ``'<name>/<key>'``.  A reporter is made current with
    ``with reporter:`` or :meth:`scope`; the module-level :func:`report` then writes to
    it.  The trainer registers each optimizer's target link as ``'main'`` (and its child
    links as ``'main/<child>'``), so ``L.Classifier`` reporting ``loss`` gives
    ``'main/loss'``.

    Unless ``config.keep_graph_on_report`` is set, a reported :class:`Variable` is stored
    as a copy cut from its graph (same array, no creator), so the observation does not
    keep the graph alive.

    Attributes:
        observation: The dict values are currently written into.

    Example:
        >>> from kusari.reporter import Reporter, report
        >>> reporter = Reporter()
        >>> model = object()
        >>> reporter.add_observer("main", model)
        >>> observation = {}
        >>> with reporter.scope(observation):
        ...     report({"loss": 0.5}, model)
        ...     report({"lr": 0.1})
        >>> observation
        {'main/loss': 0.5, 'lr': 0.1}
    """

    __slots__ = ("_observer_names", "observation")

    def __init__(self) -> None:
        self._observer_names: dict[int, str] = {}
        self.observation: Observation = {}

    def __enter__(self) -> Self:
        _stack.set((*_stack.get(), self))
        return self

    def __exit__(self, *exc_info: object) -> None:
        stack = _stack.get()
        if not stack or stack[-1] is not self:
            raise RuntimeError("a Reporter was exited while it was not the current reporter")
        _stack.set(stack[:-1])

    @contextlib.contextmanager
    def scope(self, observation: Observation) -> Iterator[None]:
        """Make this reporter current and write into ``observation`` inside the block.

        The previous observation dict comes back on exit.

        Args:
            observation: The dict to write reported values into.

        Yields:
            Nothing.
        """
        previous = self.observation
        self.observation = observation
        self.__enter__()
        try:
            yield
        finally:
            self.__exit__(None, None, None)
            self.observation = previous

    def add_observer(self, name: str, observer: object) -> None:
        """Register ``observer`` under ``name``.

        Args:
            name: The prefix of the values ``observer`` reports.
            observer: Any object (identified by identity).
        """
        self._observer_names[id(observer)] = name

    def add_observers(self, prefix: str, observers: Iterable[tuple[str, object]]) -> None:
        """Register several observers, each under ``prefix + name``.

        Args:
            prefix: Prepended to every name.
            observers: ``(name, observer)`` pairs, such as ``link.namedlinks(skipself=True)``
                (whose names start with ``'/'``).

        Example:
            >>> from kusari.reporter import Reporter
            >>> reporter = Reporter()
            >>> encoder = object()
            >>> reporter.add_observers("main", [("/encoder", encoder)])
            >>> observation = {}
            >>> with reporter.scope(observation):
            ...     reporter.report({"norm": 1.0}, encoder)
            >>> observation
            {'main/encoder/norm': 1.0}
        """
        names = self._observer_names
        for name, observer in observers:
            names[id(observer)] = prefix + name

    def report(self, values: Mapping[str, Any], observer: object | None = None) -> None:
        """Store ``values`` in the current observation.

        Args:
            values: The observed values by name.
            observer: The object that observed them; its registered name becomes the
                prefix of each key.  ``None`` stores the keys as they are.

        Raises:
            KeyError: If ``observer`` is not registered.
        """
        if observer is not None:
            name = self._observer_names.get(id(observer))
            if name is None:
                raise KeyError(
                    f"the observer {type(observer).__name__} at {id(observer):#x} is not "
                    "registered with this reporter; register it with add_observer(name, obj)"
                )
            prefix = name + "/"
        else:
            prefix = ""
        keep_graph = config.keep_graph_on_report
        observation = self.observation
        for key, value in values.items():
            if not keep_graph and isinstance(value, Variable):
                value = copy.copy(value)
            observation[prefix + key] = value


def get_current_reporter() -> Reporter:
    """Return the current reporter (the innermost active one in this thread or task).

    Raises:
        RuntimeError: If no reporter is active.

    Example:
        >>> from kusari.reporter import Reporter, get_current_reporter
        >>> with Reporter() as reporter:
        ...     get_current_reporter() is reporter
        True
    """
    stack = _stack.get()
    if not stack:
        raise RuntimeError(
            "there is no current reporter; activate one with `with reporter:` or "
            "`with reporter.scope(observation):` (the Trainer does this during training)"
        )
    return stack[-1]


def report(values: Mapping[str, Any], observer: object | None = None) -> None:
    """Report values to the current reporter; does nothing when there is none.

    Models call this in ``forward`` so that their losses and metrics show up in the
    training log; outside training it costs a context variable lookup.

    Args:
        values: The observed values by name.
        observer: The object that observed them (its registered name prefixes the keys).

    Raises:
        KeyError: If ``observer`` is not registered with the current reporter.

    Example:
        >>> from kusari.reporter import Reporter, report
        >>> report({"ignored": 1.0})  # no current reporter: a no-op
        >>> reporter = Reporter()
        >>> observation = {}
        >>> with reporter.scope(observation):
        ...     report({"accuracy": 0.9})
        >>> observation
        {'accuracy': 0.9}
    """
    stack = _stack.get()
    if stack:
        stack[-1].report(values, observer)


@contextlib.contextmanager
def report_scope(observation: Observation) -> Iterator[None]:
    """Write what is reported inside the block into ``observation``.

    Uses the current reporter with :meth:`Reporter.scope`.

    Args:
        observation: The dict to write into.

    Yields:
        Nothing.

    Raises:
        RuntimeError: If no reporter is active.

    Example:
        >>> from kusari.reporter import Reporter, report, report_scope
        >>> with Reporter():
        ...     inner = {}
        ...     with report_scope(inner):
        ...         report({"x": 1})
        >>> inner
        {'x': 1}
    """
    with get_current_reporter().scope(observation):
        yield
