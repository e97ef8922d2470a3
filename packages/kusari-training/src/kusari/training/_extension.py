"""Trainer extensions: the :class:`Extension` base, :func:`make_extension`, priorities."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

from kusari.serializers import AbstractSerializer

if TYPE_CHECKING:
    from ._trainer import Trainer
    from .triggers import TriggerLike

__all__ = [
    "PRIORITY_EDITOR",
    "PRIORITY_READER",
    "PRIORITY_WRITER",
    "Extension",
    "make_extension",
]

PRIORITY_WRITER: Final = 300
"""Priority of extensions that write records into the observation (run first)."""
PRIORITY_EDITOR: Final = 200
"""Priority of extensions that edit the observation written by writers."""
PRIORITY_READER: Final = 100
"""Priority of extensions that only read the observation (the default; run last)."""

_F = TypeVar("_F", bound=Callable[..., object])


class Extension:
    """Base class of trainer extensions: callables the trainer runs when their trigger fires.

    A subclass implements ``__call__(trainer)`` and may set the class attributes below.
    Extensions with higher :attr:`priority` run first in an iteration; ties run in the
    order they were added.  Optional hooks: :meth:`initialize` (before training, also
    when resuming), :meth:`finalize` (after training, also after an error),
    :meth:`on_error` and :meth:`serialize` (the extension's state in snapshots).

    Attributes:
        trigger: The default trigger: ``(period, unit)``, a callable, or ``None``.
        priority: The default priority (see :data:`PRIORITY_WRITER` and friends).
        name: The name given by :meth:`Trainer.extend` (``None`` before).

    Example:
        >>> from kusari.training import Extension, PRIORITY_WRITER
        >>> class Counter(Extension):
        ...     trigger = 10, "iteration"
        ...     priority = PRIORITY_WRITER
        ...     def __init__(self):
        ...         self.calls = 0
        ...     def __call__(self, trainer):
        ...         self.calls += 1
        >>> Counter().default_name
        'Counter'
    """

    trigger: TriggerLike = (1, "iteration")
    priority: int = PRIORITY_READER
    name: str | None = None

    @property
    def default_name(self) -> str:
        """The name used when :meth:`Trainer.extend` gets none: the class name."""
        return type(self).__name__

    def __call__(self, trainer: Trainer) -> object:
        """Run the extension (subclasses implement this)."""
        raise TypeError(f"{type(self).__name__} does not implement __call__(trainer)")

    def initialize(self, trainer: Trainer) -> None:
        """Prepare before the training loop (also when resuming from a snapshot)."""

    def finalize(self) -> None:
        """Release resources after the training loop (also after an error)."""

    def on_error(
        self, trainer: Trainer, exc: BaseException, tb: types.TracebackType | None
    ) -> None:
        """React to an exception raised in the training loop (it is raised again after).

        Args:
            trainer: The trainer.
            exc: The exception.
            tb: Its traceback.
        """

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the extension's state (nothing by default).

        Args:
            serializer: The serializer or deserializer.
        """


def make_extension(
    trigger: TriggerLike = None,
    default_name: str | None = None,
    priority: int | None = None,
    finalizer: Callable[[], object] | None = None,
    initializer: Callable[[Trainer], object] | None = None,
    on_error: Callable[[Trainer, BaseException, types.TracebackType | None], object] | None = None,
) -> Callable[[_F], _F]:
    """Decorator that turns a function of the trainer into an extension.

    The function gets the attributes an :class:`Extension` has, so
    :meth:`Trainer.extend` picks up its trigger, name and priority.

    Args:
        trigger: The default trigger; ``None`` means ``(1, 'iteration')``.
        default_name: The default name; ``None`` uses the function's ``__name__``.
        priority: The priority; ``None`` means :data:`PRIORITY_READER`.
        finalizer: Called with no arguments after training.
        initializer: Called with the trainer before training.
        on_error: Called with the trainer, the exception and its traceback when the
            training loop raises.

    Returns:
        The decorator; it returns the function itself.

    Example:
        >>> from kusari.training import make_extension
        >>> @make_extension(trigger=(1, "epoch"), priority=200)
        ... def print_epoch(trainer):
        ...     print(trainer.updater.epoch)
        >>> print_epoch.trigger, print_epoch.default_name, print_epoch.priority
        ((1, 'epoch'), 'print_epoch', 200)
    """

    def decorate(function: _F) -> _F:
        attributes: dict[str, Any] = {
            "trigger": (1, "iteration") if trigger is None else trigger,
            "default_name": default_name or getattr(function, "__name__", None),
            "priority": PRIORITY_READER if priority is None else priority,
            "finalize": finalizer,
            "initialize": initializer,
            "on_error": on_error,
        }
        for attribute, value in attributes.items():
            setattr(function, attribute, value)
        return function

    return decorate
