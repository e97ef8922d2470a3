"""``Chain``: a link whose children are links registered by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Self

from kusari.devices import DeviceResidentsVisitor

from ._link import Link
from ._parameter import Parameter

if TYPE_CHECKING:
    from kusari.serializers import AbstractSerializer

__all__ = ["Chain"]


class Chain(Link):
    """A link made of named child links (and its own parameters).

    Assigning a :class:`Link` to an attribute inside ``with self.init_scope():`` registers
    it as a child under that name.  Children are visited in the order of their names.

    Args:
        **links: Deprecated (as in Chainer): children to add, by name (see
            :meth:`add_link`).

    Example:
        >>> import numpy
        >>> from kusari.links import Chain, ParameterLink
        >>> class Model(Chain):
        ...     def __init__(self):
        ...         super().__init__()
        ...         with self.init_scope():
        ...             self.encoder = ParameterLink(numpy.zeros(2, dtype=numpy.float32))
        ...             self.decoder = ParameterLink(numpy.ones(3, dtype=numpy.float32))
        >>> model = Model()
        >>> [path for path, _ in model.namedparams()]
        ['/decoder/W', '/encoder/W']
        >>> model["encoder"] is model.encoder
        True
    """

    _children: set[str]

    def __init__(self, **links: Link) -> None:
        super().__init__()
        self.__dict__["_children"] = set()
        for name, link in links.items():
            self.add_link(name, link)

    def __setattr__(self, name: str, value: object) -> None:
        d = self.__dict__
        if d.get("_within_init_scope") and isinstance(value, Link):
            if hasattr(self, name):
                raise AttributeError(
                    f"cannot register a new link {name!r}: the attribute already exists"
                )
            value.name = name
            d["_children"].add(name)
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        self.__dict__["_children"].discard(name)
        super().__delattr__(name)

    def __getitem__(self, name: str) -> Link:
        """Return the child link ``name``.

        Raises:
            KeyError: If there is no child of that name.
        """
        if name not in self._children:
            raise KeyError(
                f"{type(self).__name__} has no child link {name!r}; "
                f"its children are {sorted(self._children)}"
            )
        child: Link = self.__dict__[name]
        return child

    def add_link(self, name: str, link: Link) -> None:
        """Register ``link`` as the child ``name`` (deprecated style: use init_scope).

        Args:
            name: The attribute name.
            link: The child.

        Raises:
            AttributeError: If the attribute ``name`` already exists.
            TypeError: If ``link`` is not a Link.
        """
        if name in self.__dict__:
            raise AttributeError(f"cannot register a new link {name!r}: attribute exists")
        if not isinstance(link, Link):
            raise TypeError(f"cannot register a non-link object as a child: {link!r}")
        with self.init_scope():
            setattr(self, name, link)

    def children(self) -> Iterator[Link]:
        """Iterate over the child links, sorted by name."""
        d = self.__dict__
        for name in sorted(self._children):
            yield d[name]

    def params(self, include_uninit: bool = True) -> Iterator[Parameter]:
        yield from super().params(include_uninit)
        d = self.__dict__
        for name in sorted(self._children):
            yield from d[name].params(include_uninit)

    def namedparams(self, include_uninit: bool = True) -> Iterator[tuple[str, Parameter]]:
        yield from super().namedparams(include_uninit)
        d = self.__dict__
        for name in sorted(self._children):
            prefix = "/" + name
            for path, param in d[name].namedparams(include_uninit):
                yield prefix + path, param

    def links(self, skipself: bool = False) -> Iterator[Link]:
        if not skipself:
            yield self
        d = self.__dict__
        for name in sorted(self._children):
            yield from d[name].links()

    def namedlinks(self, skipself: bool = False) -> Iterator[tuple[str, Link]]:
        if not skipself:
            yield "/", self
        d = self.__dict__
        for name in sorted(self._children):
            child: Link = d[name]
            prefix = "/" + name
            yield prefix, child
            for path, link in child.namedlinks(skipself=True):
                yield prefix + path, link

    def _copy_shared(self) -> Self:
        ret = super()._copy_shared()
        d = ret.__dict__
        d["_children"] = set(self._children)
        for name in d["_children"]:
            child = d[name]._copy_shared()
            child.__dict__["name"] = name
            d[name] = child
        return ret

    def serialize(self, serializer: AbstractSerializer) -> None:
        super().serialize(serializer)
        d = self.__dict__
        for name in sorted(self._children):
            d[name].serialize(serializer[name])

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        super().device_resident_accept(visitor)
        d = self.__dict__
        for name in sorted(self._children):
            d[name].device_resident_accept(visitor)

    def __str__(self) -> str:
        return _nested_str(self, ((child.name or "", child) for child in self.children()))


def _nested_str(link: Link, items: Iterator[tuple[str, Any]]) -> str:
    lines: list[str] = []
    for label, child in items:
        for line in f"({label}): {child},".splitlines():
            lines.append(f"  {line}\n")
    body = "".join(lines)
    if body:
        body = "\n" + body
    return f"{type(link).__name__}({body})"
