"""Hooks registered on one :class:`~kusari.graph.FunctionNode` only.

:meth:`~kusari.graph.FunctionNode.add_hook` and
:meth:`~kusari.graph.FunctionNode.delete_hook` are bound in FunctionNode's class body.
Until some function gets a local hook, :data:`local_hooks_used` stays ``[False]`` and
neither ``apply`` nor the backward pass looks for local hooks at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._function_hook import FunctionHook
from ._variable import _type_name

if TYPE_CHECKING:
    from ._function_node import FunctionNode

__all__ = ["add_hook", "delete_hook", "local_hooks_used"]

local_hooks_used = [False]
"""``[True]`` once any function has had local hooks (a list, so importers share it)."""


def add_hook(  # noqa: D417 (self)
    self: FunctionNode, hook: FunctionHook, name: str | None = None
) -> None:
    """Register a hook on this function only.

    Args:
        hook: The hook.
        name: The name to register it under; ``hook.name`` when omitted.

    Raises:
        TypeError: If ``hook`` is not a :class:`FunctionHook`.
        KeyError: If a hook of that name is already registered here.
    """
    if not isinstance(hook, FunctionHook):
        raise TypeError(f"hook must be a FunctionHook, got {_type_name(hook)}")
    if name is None:
        name = hook.name
    hooks = self.local_function_hooks
    if name in hooks:
        raise KeyError(f"a hook named {name!r} is already registered on {self.label}")
    hooks[name] = hook
    hook.added(self)


def delete_hook(self: FunctionNode, name: str) -> None:  # noqa: D417 (self)
    """Unregister a hook of this function.

    Args:
        name: Its name.

    Raises:
        KeyError: If no hook of that name is registered here.
    """
    hooks = self.local_function_hooks
    if name not in hooks:
        raise KeyError(f"no hook named {name!r} is registered on {self.label}")
    hooks[name].deleted(self)
    del hooks[name]
