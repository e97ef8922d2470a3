"""``FunctionHook``: callbacks around the forward and backward of every function."""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

from kusari.devices import Array

from . import _config

if TYPE_CHECKING:
    from ._function_node import FunctionNode

__all__ = ["FunctionHook", "get_function_hooks"]

# The hooks registered with ``with hook:`` live in the configuration snapshot of the
# current thread or task (``_config.current().hooks``).  The dict is replaced, never
# mutated, so a context that copied it keeps its own view.


def get_function_hooks() -> Mapping[str, FunctionHook]:
    """Return the function hooks registered in the current thread or task (read-only).

    Returns:
        A mapping from hook names to hooks, in registration order.

    Example:
        >>> from kusari.graph import FunctionHook, get_function_hooks
        >>> with FunctionHook():
        ...     list(get_function_hooks())
        ['FunctionHook']
        >>> len(get_function_hooks())
        0
    """
    return types.MappingProxyType(_config.current().hooks)


class FunctionHook:
    """Base class of callbacks that run around every function's forward and backward.

    Register a hook for all functions in a ``with hook:`` block (per thread or asyncio
    task), or for one function with :meth:`FunctionNode.add_hook`.  Subclasses override the
    callbacks they need; each receives the function node and the input arrays (backward
    callbacks also the output gradient arrays).

    Attributes:
        name: The name the hook is registered under; two hooks with one name cannot be
            registered at the same time.

    Example:
        >>> import numpy
        >>> from kusari.graph import FunctionHook, Variable
        >>> class Count(FunctionHook):
        ...     name = "count"
        ...     def __init__(self):
        ...         self.labels = []
        ...     def forward_preprocess(self, function, in_data):
        ...         self.labels.append(function.label)
        >>> x = Variable(numpy.ones(2, numpy.float32))
        >>> with Count() as hook:
        ...     y = x * 2 + 1
        >>> hook.labels
        ['MulConstant', 'AddConstant']
    """

    name: str = "FunctionHook"

    def __enter__(self) -> Self:
        hooks = _config.current().hooks
        if self.name in hooks:
            raise KeyError(f"a function hook named {self.name!r} is already registered")
        new_hooks = dict(hooks)
        new_hooks[self.name] = self
        _config.set_hooks(new_hooks)
        self.added(None)
        return self

    def __exit__(self, *exc_info: object) -> None:
        hooks = _config.current().hooks
        if hooks.get(self.name) is not self:
            return
        self.deleted(None)
        _config.set_hooks({name: hook for name, hook in hooks.items() if name != self.name})

    def added(self, function: FunctionNode | None) -> None:
        """Called when the hook is registered.

        Args:
            function: The function it was added to, or ``None`` for a global registration.
        """

    def deleted(self, function: FunctionNode | None) -> None:
        """Called when the hook is unregistered.

        Args:
            function: The function it was removed from, or ``None`` for a global one.
        """

    def forward_preprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Called before a function's forward.

        Args:
            function: The function node.
            in_data: The input arrays.
        """

    def forward_postprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        """Called after a function's forward.

        Args:
            function: The function node.
            in_data: The input arrays.
        """

    def backward_preprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Called before a function's backward.

        Args:
            function: The function node.
            in_data: The retained input arrays (``None`` where not retained).
            out_grad: The gradients of the outputs (``None`` where there is none).
        """

    def backward_postprocess(
        self,
        function: FunctionNode,
        in_data: tuple[Array | None, ...],
        out_grad: tuple[Array | None, ...],
    ) -> None:
        """Called after a function's backward.

        Args:
            function: The function node.
            in_data: The retained input arrays (``None`` where not retained).
            out_grad: The gradients of the outputs (``None`` where there is none).
        """

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def _merged_hooks(function: Any) -> dict[str, FunctionHook]:
    """The global hooks followed by the function's own ones."""
    hooks: dict[str, FunctionHook] = _config.current().hooks
    local = getattr(function, "_local_function_hooks", None)
    if local:
        merged = dict(hooks)
        merged.update(local)
        return merged
    return hooks
