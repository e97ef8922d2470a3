"""Registering parameters, persistent values and hooks on a :class:`~kusari.links.Link`.

The deprecated ``add_param`` and the persistent-value registration, plus the link hooks
of one link.  The functions are methods of Link, bound in its class body; assigning a
:class:`~kusari.links.Parameter` inside ``init_scope`` (the usual way) is handled by
``Link.__setattr__`` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import numpy
import numpy.typing as npt

from kusari.initializers import NaN

from ._link_hook import LinkHook
from ._parameter import Parameter, ParameterInitializer

if TYPE_CHECKING:
    from ._link import Link

__all__ = [
    "add_hook",
    "add_param",
    "add_persistent",
    "delete_hook",
    "register_persistent",
    "shape_and_dtype",
]

_L = TypeVar("_L", bound="Link")


def add_param(  # noqa: D417 (self)
    self: Link,
    name: str,
    shape: int | tuple[int, ...] | None = None,
    dtype: npt.DTypeLike = numpy.float32,
    initializer: ParameterInitializer = None,
) -> None:
    """Register a new parameter (deprecated style: assign in :meth:`init_scope`).

    Args:
        name: The attribute name of the parameter.
        shape: Its shape; ``None`` leaves it uninitialized.
        dtype: Its dtype when ``initializer`` is ``None`` (it is then NaN-filled);
            ignored otherwise.
        initializer: The initializer (see :class:`~kusari.links.Parameter`).

    Raises:
        AttributeError: If the attribute ``name`` already exists.

    Example:
        >>> from kusari.links import Link
        >>> link = Link()
        >>> link.add_param("W", (2, 2), initializer=1.0)
        >>> link.W.array
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """
    if name in self.__dict__:
        raise AttributeError(f"cannot register a new parameter {name!r}: attribute exists")
    if initializer is None:
        initializer = NaN(dtype)
    param = Parameter(initializer, shape)
    with self.init_scope():
        setattr(self, name, param)


def add_persistent(self: Link, name: str, value: object) -> None:  # noqa: D417 (self)
    """Register a persistent value: saved and loaded, moved between devices, not learned.

    Args:
        name: The attribute name.
        value: An array, a scalar, or another value a serializer can store.

    Raises:
        AttributeError: If the attribute ``name`` already exists.

    Example:
        >>> import numpy
        >>> from kusari.links import Link
        >>> link = Link()
        >>> link.add_persistent("count", 0)
        >>> link.count
        0
    """
    d = self.__dict__
    if name in d:
        raise AttributeError(f"cannot register a new persistent value {name!r}: attribute exists")
    d["_persistent"].add(name)
    d["_params"].discard(name)
    d[name] = value


def register_persistent(self: Link, name: str) -> None:  # noqa: D417 (self)
    """Register an existing attribute as a persistent value (no longer a parameter).

    Args:
        name: The attribute name.

    Raises:
        AttributeError: If there is no attribute ``name``.
    """
    if not hasattr(self, name):
        raise AttributeError(
            f"cannot register the non-existent attribute {name!r} as a persistent value"
        )
    d = self.__dict__
    d["_persistent"].add(name)
    d["_params"].discard(name)


def add_hook(self: _L, hook: LinkHook, name: str | None = None) -> _L:  # noqa: D417 (self)
    """Register a link hook to this link only.

    Args:
        hook: The hook.
        name: Its name here; the hook's :attr:`~LinkHook.name` by default.

    Returns:
        ``self``.

    Raises:
        TypeError: If ``hook`` is not a :class:`~kusari.links.LinkHook`.
        KeyError: If a hook of that name is already registered here.
    """
    if not isinstance(hook, LinkHook):
        raise TypeError(f"hook must be a LinkHook, got {type(hook).__name__}")
    key = hook.name if name is None else name
    hooks = self.local_link_hooks
    if key in hooks:
        raise KeyError(f"a link hook named {key!r} is already registered to this link")
    hooks[key] = hook
    try:
        hook.added(self)
    except BaseException:  # a hook that refuses this link is not left registered
        del hooks[key]
        raise
    return self


def delete_hook(self: Link, name: str) -> None:  # noqa: D417 (self)
    """Unregister the local link hook ``name``.

    Args:
        name: The name it was registered under.

    Raises:
        KeyError: If no local hook has that name.
    """
    hooks = self.local_link_hooks
    if name not in hooks:
        raise KeyError(f"no link hook named {name!r} is registered to this link")
    hook = hooks.pop(name)
    hook.deleted(self)


def shape_and_dtype(name: str, value: object) -> tuple[int | tuple[int, ...], Any]:
    """The shape and dtype of a parameter given to the deprecated ``Link(**params)``."""
    # Link(W=(3, 2)) or Link(W=((3, 2), numpy.float64)) or Link(b=5).
    if isinstance(value, int) and not isinstance(value, bool):
        return value, numpy.float32
    if isinstance(value, tuple):
        if len(value) == 2 and not isinstance(value[1], int):
            shape, dtype = value
            if isinstance(shape, int) or (
                isinstance(shape, tuple) and all(isinstance(n, int) for n in shape)
            ):
                return shape, dtype
        elif all(isinstance(n, int) and not isinstance(n, bool) for n in value):
            return value, numpy.float32
    raise TypeError(
        f"Link(**params): {name!r} must be a shape (an int or a tuple of ints) or a "
        f"(shape, dtype) pair, got {value!r}"
    )
