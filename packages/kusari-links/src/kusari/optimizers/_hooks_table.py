"""An ordered table of named hooks, split by timing, shared by UpdateRule and Optimizer."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Generic, Literal, TypeAlias, TypeVar, final

__all__ = ["HookTable", "Timing"]

Timing: TypeAlias = Literal["pre", "post", "auto"]
"""When a hook runs: before the update, after it, or as the hook's ``timing`` attribute says."""

_H = TypeVar("_H")
_TIMINGS = ("pre", "post", "auto")


@final
class HookTable(Generic[_H]):
    """Named hooks in registration order, each registered to run ``'pre'`` or ``'post'``.

    Args:
        owner: How error messages name the object that owns the hooks.
        warn_on_bad_timing: With ``timing='auto'``, a hook whose ``timing`` attribute is
            neither ``'pre'`` nor ``'post'`` runs ``'pre'`` with a warning (Chainer's
            optimizer behaviour) instead of being stored as ``'post'``.
    """

    __slots__ = ("_owner", "_post", "_pre", "_warn_on_bad_timing")

    def __init__(self, owner: str, *, warn_on_bad_timing: bool = False) -> None:
        self._owner = owner
        self._warn_on_bad_timing = warn_on_bad_timing
        self._pre: dict[str, _H] = {}
        self._post: dict[str, _H] = {}

    def add(self, hook: _H, name: str | None, timing: str) -> None:
        """Register ``hook``; see :meth:`UpdateRule.add_hook` for the rules."""
        if not callable(hook):
            raise TypeError(f"hook must be callable, got {hook!r}")
        if timing not in _TIMINGS:
            raise ValueError(f"timing must be one of 'pre', 'post', 'auto', got {timing!r}")
        if timing == "auto":
            timing = getattr(hook, "timing", "pre")
            if timing not in ("pre", "post") and self._warn_on_bad_timing:
                warnings.warn(
                    f"hook {hook!r} has timing {timing!r}, which is neither 'pre' nor "
                    "'post'; running it 'pre'",
                    UserWarning,
                    stacklevel=3,
                )
                timing = "pre"
        if name is None:
            name = getattr(hook, "name", None) or getattr(hook, "__name__", None)
            if not isinstance(name, str):
                raise ValueError(
                    f"cannot tell the name of hook {hook!r}: pass name= or give it a "
                    "'name' attribute"
                )
        if name in self._pre or name in self._post:
            raise KeyError(f"{self._owner} already has a hook named {name!r}")
        (self._pre if timing == "pre" else self._post)[name] = hook

    def remove(self, name: str) -> None:
        """Remove the hook registered as ``name``.

        Raises:
            KeyError: If no hook has that name.
        """
        for table in (self._pre, self._post):
            if name in table:
                del table[name]
                return
        raise KeyError(f"{self._owner} has no hook named {name!r}")

    def hooks(self, timing: str) -> Iterator[_H]:
        """Iterate over the hooks of ``timing`` (``'pre'`` or ``'post'``) in order."""
        if timing == "pre":
            table = self._pre
        elif timing == "post":
            table = self._post
        else:
            raise ValueError(f"timing must be 'pre' or 'post', got {timing!r}")
        # A copy, so that a hook may remove itself while the hooks run.
        return iter(tuple(table.values()))

    def names(self, timing: str) -> tuple[str, ...]:
        """Return the names of the hooks of ``timing`` in registration order."""
        return tuple(self._pre if timing == "pre" else self._post)

    def __bool__(self) -> bool:
        return bool(self._pre or self._post)

    def has(self, timing: str) -> bool:
        """Return whether any hook is registered for ``timing``."""
        return bool(self._pre if timing == "pre" else self._post)
