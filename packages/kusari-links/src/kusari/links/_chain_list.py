"""``ChainList``: a link whose children are links kept in a list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Self, overload

from kusari.devices import DeviceResidentsVisitor

from ._chain import _nested_str
from ._link import Link
from ._parameter import Parameter

if TYPE_CHECKING:
    from kusari.serializers import AbstractSerializer

__all__ = ["ChainList"]


class ChainList(Link):
    """A link made of a list of child links, named ``'0'``, ``'1'``, ...

    Add children with :meth:`append` (or :meth:`add_link`); registering a link by
    assignment in ``init_scope`` is refused, since the children have no attribute names.
    Parameters of its own can still be registered in ``init_scope``.

    Args:
        *links: The initial children.

    Example:
        >>> import numpy
        >>> from kusari.links import ChainList, ParameterLink
        >>> layers = ChainList(ParameterLink(numpy.zeros(2, dtype=numpy.float32)))
        >>> layers.append(ParameterLink(numpy.zeros(3, dtype=numpy.float32)))
        >>> len(layers), layers[1].name
        (2, '1')
        >>> [path for path, _ in layers.namedparams()]
        ['/0/W', '/1/W']
    """

    _children: list[Link]

    def __init__(self, *links: Link) -> None:
        super().__init__()
        self.__dict__["_children"] = []
        for link in links:
            self.add_link(link)

    def __setattr__(self, name: str, value: object) -> None:
        if self.__dict__.get("_within_init_scope") and isinstance(value, Link):
            raise TypeError(
                f'cannot register the link {name!r} inside a "with chainlist.init_scope():" '
                "block; a ChainList holds its child links in a list: use append() or "
                "add_link()"
            )
        super().__setattr__(name, value)

    @overload
    def __getitem__(self, index: int) -> Link: ...
    @overload
    def __getitem__(self, index: slice) -> list[Link]: ...
    def __getitem__(self, index: int | slice) -> Link | list[Link]:
        """Return the child at ``index`` (a list of children for a slice)."""
        return self._children[index]

    def __setitem__(self, index: int, value: Link) -> None:
        """Replace the child at ``index`` with the link ``value``.

        Raises:
            TypeError: If ``value`` is not a Link.
            IndexError: If ``index`` is out of range.
        """
        if not isinstance(value, Link):
            raise TypeError(f"a ChainList holds Links only, got {type(value).__name__}")
        children = self._children
        position = range(len(children))[index]
        value.name = str(position)
        children[position] = value

    def __iter__(self) -> Iterator[Link]:
        return iter(self._children)

    def __len__(self) -> int:
        return len(self._children)

    def add_link(self, link: Link) -> None:
        """Append ``link`` as the next child (named after its index).

        Raises:
            TypeError: If ``link`` is not a Link.
        """
        if not isinstance(link, Link):
            raise TypeError(f"a ChainList holds Links only, got {type(link).__name__}")
        link.name = str(len(self._children))
        self._children.append(link)

    def append(self, link: Link) -> None:
        """Append ``link`` as the next child (the same as :meth:`add_link`)."""
        self.add_link(link)

    def children(self) -> Iterator[Link]:
        """Iterate over the child links in index order."""
        yield from self._children

    def params(self, include_uninit: bool = True) -> Iterator[Parameter]:
        yield from super().params(include_uninit)
        for link in self._children:
            yield from link.params(include_uninit)

    def namedparams(self, include_uninit: bool = True) -> Iterator[tuple[str, Parameter]]:
        yield from super().namedparams(include_uninit)
        for index, link in enumerate(self._children):
            prefix = f"/{index}"
            for path, param in link.namedparams(include_uninit):
                yield prefix + path, param

    def links(self, skipself: bool = False) -> Iterator[Link]:
        if not skipself:
            yield self
        for link in self._children:
            yield from link.links()

    def namedlinks(self, skipself: bool = False) -> Iterator[tuple[str, Link]]:
        if not skipself:
            yield "/", self
        for index, child in enumerate(self._children):
            prefix = f"/{index}"
            yield prefix, child
            for path, link in child.namedlinks(skipself=True):
                yield prefix + path, link

    def _copy_shared(self) -> Self:
        ret = super()._copy_shared()
        children = [child._copy_shared() for child in self._children]
        for index, child in enumerate(children):
            child.__dict__["name"] = str(index)
        ret.__dict__["_children"] = children
        return ret

    def serialize(self, serializer: AbstractSerializer) -> None:
        super().serialize(serializer)
        for index, link in enumerate(self._children):
            link.serialize(serializer[str(index)])

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        super().device_resident_accept(visitor)
        for link in self._children:
            link.device_resident_accept(visitor)

    def __str__(self) -> str:
        return _nested_str(self, ((str(i), child) for i, child in enumerate(self._children)))
