"""Copying a :class:`~kusari.links.Link` hierarchy, and saving or loading its state.

``copy`` in its three modes (``share``, ``copy``, ``init``), ``repeat``, and
``serialize``.  The functions are methods of Link, bound in its class body;
:class:`~kusari.links.Chain` and :class:`~kusari.links.ChainList` extend ``_copy_shared``
and ``serialize`` for their children.
"""

from __future__ import annotations

import copy as _copy
from typing import TYPE_CHECKING, Literal, TypeVar, cast

from kusari.devices import Array, copyto

if TYPE_CHECKING:
    from kusari.serializers import AbstractSerializer

    from ._link import Link
    from ._parameter import Parameter
    from ._sequential import Sequential

__all__ = ["COPY_MODES", "CopyMode", "copy", "copy_shared", "repeat", "serialize"]

CopyMode = Literal["init", "copy", "share"]
"""How :meth:`Link.copy` copies the parameters (see there)."""

COPY_MODES = ("init", "copy", "share")

_L = TypeVar("_L", bound="Link")


def copy(self: _L, mode: CopyMode = "share") -> _L:  # noqa: D417 (self)
    """Copy the link hierarchy rooted here.

    * ``'share'``: the links are new objects, each parameter is a new
      :class:`~kusari.links.Parameter` whose data array is *shared* with the original
      (assigning ``array`` on either side, or lazily initializing it, shows on both);
      gradients start as ``None``.
    * ``'copy'``: a deep copy; values start equal but are independent.
    * ``'init'``: a deep copy whose initialized parameters are re-initialized with their
      initializers.

    The copy's :attr:`name` is ``None``: it is not in the original's parent.

    Args:
        mode: ``'share'``, ``'copy'`` or ``'init'``.

    Returns:
        The copy.

    Raises:
        ValueError: If ``mode`` is none of these.

    Example:
        >>> from kusari.links import Link, Parameter
        >>> link = Link()
        >>> with link.init_scope():
        ...     link.W = Parameter(1.0, (2,))
        >>> shared = link.copy()
        >>> shared.W is link.W, shared.W.array is link.W.array
        (False, True)
    """
    if mode == "share":
        return self._copy_shared()
    if mode not in COPY_MODES:
        raise ValueError(f"copy mode must be 'init', 'copy' or 'share', got {mode!r}")
    ret = _copy.deepcopy(self)
    ret.__dict__["name"] = None
    if mode == "init":
        for param in ret.params(include_uninit=False):
            param.initialize(param.shape)
    return ret


def copy_shared(self: _L) -> _L:
    """``copy(mode="share")`` of this link alone; Chain and ChainList add the children."""
    ret = _copy.copy(self)
    d = ret.__dict__
    d["_params"] = set(self._params)
    d["_persistent"] = set(self._persistent)
    local = self._local_link_hooks
    d["_local_link_hooks"] = None if local is None else dict(local)
    d["name"] = None
    for name in d["_params"]:
        param = _copy.copy(d[name])
        param.cleargrad()
        d[name] = param
    return ret


def repeat(  # noqa: D417 (self)
    self: Link, n_repeat: int, mode: CopyMode = "init"
) -> Sequential:
    """Return a :class:`~kusari.links.Sequential` of ``n_repeat`` copies of this link.

    Args:
        n_repeat: The number of copies (``0`` or less gives an empty Sequential).
        mode: How each copy is made (see :meth:`copy`); ``'init'`` gives every copy
            fresh parameters.

    Returns:
        The Sequential.

    Raises:
        ValueError: If ``mode`` is not ``'init'``, ``'copy'`` or ``'share'``.

    Example:
        >>> from kusari.links import Link, Parameter
        >>> block = Link()
        >>> with block.init_scope():
        ...     block.W = Parameter(0.0, (2,))
        >>> net = block.repeat(3, mode="copy")
        >>> len(net), [path for path, _ in net.namedparams()]
        (3, ['/0/W', '/1/W', '/2/W'])
    """
    from ._sequential import Sequential

    ret = Sequential()
    if n_repeat <= 0:
        return ret
    if mode not in COPY_MODES:
        raise ValueError(f"repeat mode must be 'init', 'copy' or 'share', got {mode!r}")
    for _ in range(n_repeat):
        ret.append(self.copy(mode))
    return ret


def serialize(self: Link, serializer: AbstractSerializer) -> None:  # noqa: D417 (self)
    """Save or load the parameters and persistent values through ``serializer``.

    Parameters come first (sorted by name), then persistent values, then children (in
    their subclass).  An uninitialized parameter receiving an array from a
    deserializer is initialized with its shape and filled.

    Args:
        serializer: A serializer or deserializer (see :mod:`kusari.serializers`).
    """
    d = self.__dict__
    for name in sorted(self._params):
        param: Parameter = d[name]
        current = param._data[0]
        loaded = serializer(name, current)
        if current is None and loaded is not None:
            param.initialize(tuple(loaded.shape))
            copyto(cast(Array, param.array), loaded)
    for name in sorted(self._persistent):
        d[name] = serializer(name, d[name])
