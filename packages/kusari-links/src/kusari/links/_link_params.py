"""Operations on all parameters of a :class:`~kusari.links.Link` hierarchy at once.

Clearing, zero-filling and adding gradients, copying parameter values from a link of the
same structure, switching update rules on and off, counting parameters.  The functions
are methods of Link, bound in its class body.  Two links are paired by the paths of their
links, parameters and persistent values; any difference is reported before anything is
changed.
"""

from __future__ import annotations

import copy
import warnings
from typing import TYPE_CHECKING

from kusari.devices import copyto, is_array

if TYPE_CHECKING:
    from ._link import Link
    from ._parameter import Parameter

__all__ = [
    "addgrads",
    "cleargrads",
    "copyparams",
    "count_params",
    "disable_update",
    "enable_update",
    "zerograds",
]


def cleargrads(self: Link) -> None:
    """Set every parameter's gradient to ``None``; call it before each backward pass."""
    for param in self.params():
        param.cleargrad()


def zerograds(self: Link) -> None:
    """Fill every gradient with zeros (deprecated: use :meth:`cleargrads`).

    Warns:
        DeprecationWarning: Once per call.
    """
    warnings.warn(
        "Link.zerograds is deprecated. Use Link.cleargrads instead.",
        DeprecationWarning,
        stacklevel=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for param in self.params():
            param.zerograd()


def addgrads(self: Link, link: Link) -> None:  # noqa: D417 (self)
    """Add the gradients of ``link``'s parameters to this link's, across devices.

    Args:
        link: A link with the same structure (the same paths of parameters).

    Raises:
        TypeError: If ``link`` is not a Link.
        ValueError: If the structures differ (nothing is changed then).
    """
    for dst, src in _paired_params(self, link, "addgrads"):
        dst.addgrad(src)


def copyparams(  # noqa: D417 (self)
    self: Link, link: Link, copy_persistent: bool = True
) -> None:
    """Copy the parameter arrays (and persistent values) of ``link`` into this link.

    Arrays are copied in place, across devices; gradients are not copied.  Persistent
    arrays are copied in place too, other persistent values with ``copy.deepcopy``.

    Args:
        link: A link with the same structure.
        copy_persistent: Also copy the persistent values.

    Raises:
        TypeError: If ``link`` is not a Link.
        ValueError: If the structures or the shapes differ (nothing is changed then).
    """
    pairs = _paired_params(self, link, "copyparams")
    persistents = _paired_persistents(self, link) if copy_persistent else []
    for dst, src in pairs:
        dst.copydata(src)
    for dst_link, src_link, name in persistents:
        dst_value = dst_link.__dict__[name]
        src_value = src_link.__dict__[name]
        if is_array(dst_value) and is_array(src_value):
            copyto(dst_value, src_value)
        else:
            dst_link.__dict__[name] = copy.deepcopy(src_value)


def enable_update(self: Link) -> None:
    """Enable the update rules of every parameter (``update_rule.enabled = True``)."""
    for param in self.params():
        rule = param.update_rule
        if rule is not None:
            rule.enabled = True


def disable_update(self: Link) -> None:
    """Disable the update rules of every parameter, freezing them."""
    for param in self.params():
        rule = param.update_rule
        if rule is not None:
            rule.enabled = False


def count_params(self: Link) -> int:
    """Return the number of scalars in all initialized parameters.

    Warns:
        UserWarning: For each uninitialized parameter (it is not counted).

    Example:
        >>> from kusari.links import Link, Parameter
        >>> link = Link()
        >>> with link.init_scope():
        ...     link.W = Parameter(0.0, (3, 4))
        >>> link.count_params()
        12
    """
    size = 0
    for path, param in self.namedparams():
        data = param._data[0]
        if data is None:
            warnings.warn(
                f"Parameter {path!r} has not been initialized, so the resulting count "
                "does not include the number of parameters in it.",
                stacklevel=2,
            )
            continue
        size += int(data.size)
    return size


def _paired_links(dst: Link, src: Link, what: str) -> list[tuple[str, Link, Link]]:
    from ._link import Link

    if not isinstance(src, Link):
        raise TypeError(f"{what}() needs a Link, got {type(src).__name__}")
    sources = dict(src.namedlinks())
    triples: list[tuple[str, Link, Link]] = []
    for path, link in dst.namedlinks():
        other = sources.pop(path, None)
        if other is None:
            raise ValueError(f"{what}(): the source link has no link at {path!r}")
        triples.append((path, link, other))
    if sources:
        raise ValueError(f"{what}(): the source link has links this one lacks: {sorted(sources)}")
    return triples


def _paired_params(dst: Link, src: Link, what: str) -> list[tuple[Parameter, Parameter]]:
    _paired_links(dst, src, what)
    sources = dict(src.namedparams())
    pairs: list[tuple[Parameter, Parameter]] = []
    for path, param in dst.namedparams():
        other = sources.pop(path, None)
        if other is None:
            raise ValueError(f"{what}(): the source link has no parameter at {path!r}")
        a, b = param._data[0], other._data[0]
        if a is not None and b is not None and a.shape != b.shape:
            raise ValueError(
                f"{what}(): the parameter {path!r} has shape {a.shape} here but "
                f"{b.shape} in the source link"
            )
        pairs.append((param, other))
    if sources:
        raise ValueError(
            f"{what}(): the source link has parameters this one lacks: {sorted(sources)}"
        )
    return pairs


def _paired_persistents(dst: Link, src: Link) -> list[tuple[Link, Link, str]]:
    triples: list[tuple[Link, Link, str]] = []
    for path, link, other in _paired_links(dst, src, "copyparams"):
        for name in sorted(link._persistent):
            where = path.rstrip("/") + "/" + name
            if name not in other.__dict__:
                raise ValueError(f"copyparams(): the source link has no persistent {where!r}")
            mine, theirs = link.__dict__[name], other.__dict__[name]
            if is_array(mine) and is_array(theirs) and mine.shape != theirs.shape:
                raise ValueError(
                    f"copyparams(): the persistent {where!r} has shape {mine.shape} here but "
                    f"{theirs.shape} in the source link"
                )
            triples.append((link, other, name))
    return triples
