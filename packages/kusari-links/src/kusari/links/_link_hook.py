"""``LinkHook``: code run around every Link call, globally (``with hook:``) or per link."""

from __future__ import annotations

import contextvars
import types
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from ._link import Link

__all__ = [
    "ForwardPostprocessArgs",
    "ForwardPreprocessArgs",
    "LinkHook",
    "get_link_hooks",
]

_EMPTY: Mapping[str, LinkHook] = types.MappingProxyType({})

# The hooks registered with ``with hook:``, per context (thread / asyncio task).  The
# mapping is replaced, never mutated, so a context switch cannot see a half-made change.
_global_hooks: contextvars.ContextVar[Mapping[str, LinkHook]] = contextvars.ContextVar(
    "kusari_link_hooks", default=_EMPTY
)


def get_link_hooks() -> Mapping[str, LinkHook]:
    """Return the link hooks active in the current context, by name (read-only).

    Example:
        >>> from kusari.links import LinkHook, get_link_hooks
        >>> with LinkHook():
        ...     sorted(get_link_hooks())
        ['LinkHook']
        >>> len(get_link_hooks())
        0
    """
    return _global_hooks.get()


class ForwardPreprocessArgs:
    """What :meth:`LinkHook.forward_preprocess` receives.

    Attributes:
        link: The link being called.
        forward_name: The name of the method run (``'forward'``).
        args: The positional arguments of the call.
        kwargs: The keyword arguments of the call.
    """

    __slots__ = ("args", "forward_name", "kwargs", "link")

    def __init__(
        self, link: Link, forward_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.link = link
        self.forward_name = forward_name
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} link={type(self.link).__name__} "
            f"forward_name={self.forward_name!r}>"
        )


class ForwardPostprocessArgs(ForwardPreprocessArgs):
    """What :meth:`LinkHook.forward_postprocess` receives.

    Attributes:
        link: The link being called.
        forward_name: The name of the method run (``'forward'``).
        args: The positional arguments of the call.
        kwargs: The keyword arguments of the call.
        out: What the forward method returned.
    """

    __slots__ = ("out",)

    def __init__(
        self,
        link: Link,
        forward_name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        out: Any,
    ) -> None:
        super().__init__(link, forward_name, args, kwargs)
        self.out = out


class LinkHook:
    """Base class of link hooks: callbacks run before and after a Link's forward pass.

    Register a hook for every link with ``with hook:`` (it is active in the current
    thread or asyncio task until the block ends), or for one link with
    :meth:`Link.add_hook`.  Subclasses override any of :meth:`added`, :meth:`deleted`,
    :meth:`forward_preprocess` and :meth:`forward_postprocess`; hooks run in registration
    order, global hooks first.

    Attributes:
        name: The name under which the hook is registered unless another is given; the
            class attribute is ``'LinkHook'``, subclasses set their own.

    Example:
        >>> import numpy
        >>> from kusari.links import LinkHook, ParameterLink
        >>> class Printer(LinkHook):
        ...     name = "Printer"
        ...     def forward_postprocess(self, args):
        ...         print(type(args.link).__name__, args.forward_name, args.out.shape)
        >>> link = ParameterLink(numpy.zeros((2, 3), dtype=numpy.float32))
        >>> with Printer():
        ...     _ = link()
        ParameterLink forward (2, 3)
    """

    name: str = "LinkHook"

    _tokens: list[contextvars.Token[Mapping[str, LinkHook]]]

    def added(self, link: Link | None) -> None:
        """Called when the hook is registered.

        Args:
            link: The link it was added to, or ``None`` for a global registration.
        """

    def deleted(self, link: Link | None) -> None:
        """Called when the hook is unregistered.

        Args:
            link: The link it was removed from, or ``None`` for a global registration.
        """

    def forward_preprocess(self, args: ForwardPreprocessArgs) -> None:
        """Called before the forward method of a link.

        Args:
            args: The link, the method name and the call arguments.
        """

    def forward_postprocess(self, args: ForwardPostprocessArgs) -> None:
        """Called after the forward method of a link.

        Args:
            args: The link, the method name, the call arguments and the output.
        """

    def __enter__(self) -> Self:
        hooks = _global_hooks.get()
        if self.name in hooks:
            raise KeyError(f"a link hook named {self.name!r} is already registered globally")
        token = _global_hooks.set(types.MappingProxyType({**hooks, self.name: self}))
        try:
            self.added(None)
        except BaseException:  # a hook that refuses global use is not left registered
            _global_hooks.reset(token)
            raise
        tokens = self.__dict__.setdefault("_tokens", [])
        tokens.append(token)
        return self

    def __exit__(self, *exc_info: object) -> None:
        token = self._tokens.pop()
        _global_hooks.reset(token)
        self.deleted(None)
