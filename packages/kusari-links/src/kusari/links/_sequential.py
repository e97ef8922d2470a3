"""``Sequential``: a ChainList that calls its layers one after the other."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Self, SupportsIndex, overload

from ._chain import _nested_str
from ._chain_list import ChainList
from ._link import Link

__all__ = ["Layer", "Sequential"]

Layer = Callable[..., Any]
"""A layer of a :class:`Sequential`: a Link or any other callable."""


def _layer_type_name(layer: Layer) -> str:
    if isinstance(layer, Link):
        return type(layer).__name__
    return str(getattr(layer, "__name__", type(layer).__name__))


def _is_lambda(layer: object) -> bool:
    return getattr(layer, "__name__", None) == "<lambda>"


class Sequential(ChainList):
    """A sequence of layers (Links or plain callables) applied one after the other.

    ``forward(*x)`` calls the first layer with ``x``, then each next layer with the
    previous output; a tuple output is passed on as several positional arguments.  Only
    the Links are children (named by their index among the Links, as in a
    :class:`ChainList`); other callables, such as ``kusari.functions.relu``, are kept as
    they are.  Sequentials support ``+``, ``+=``, indexing and the list methods below.

    Args:
        *layers: The layers, in order.

    Raises:
        TypeError: If a layer is not callable.

    Example:
        >>> import numpy
        >>> from kusari.links import ParameterLink, Sequential
        >>> net = Sequential(numpy.negative, numpy.exp, lambda y: y.round(3))
        >>> net(numpy.array([0.0, 1.0]))
        array([1.   , 0.368])
        >>> len(net + Sequential(numpy.abs))
        4
    """

    _layers: list[Layer]

    def __init__(self, *layers: Layer) -> None:
        super().__init__()
        self.__dict__["_layers"] = []
        for layer in layers:
            self.append(layer)

    def _sync_children(self) -> None:
        children = [layer for layer in self._layers if isinstance(layer, Link)]
        for index, child in enumerate(children):
            child.name = str(index)
        self.__dict__["_children"] = children

    # -- the sequence protocol ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._layers)

    @overload  # type: ignore[override]
    def __getitem__(self, index: int) -> Layer: ...
    @overload
    def __getitem__(self, index: slice) -> list[Layer]: ...
    def __getitem__(self, index: int | slice) -> Layer | list[Layer]:
        """Return the layer at ``index`` (a list of layers for a slice)."""
        return self._layers[index]

    def __setitem__(self, index: int, layer: Layer) -> None:
        """Replace the layer at ``index``.

        Raises:
            TypeError: If ``layer`` is not callable.
            IndexError: If ``index`` is out of range.
        """
        _check_callable(layer)
        self._layers[index] = layer
        self._sync_children()

    def __delitem__(self, index: int | slice) -> None:
        del self._layers[index]
        self._sync_children()

    def __iter__(self) -> Iterator[Layer]:  # type: ignore[override]
        return iter(self._layers)

    def __reversed__(self) -> Iterator[Layer]:
        return reversed(self._layers)

    def __contains__(self, layer: object) -> bool:
        return layer in self._layers

    def __add__(self, other: Sequential | Layer) -> Sequential:
        if not callable(other):
            raise TypeError(
                f"+ takes a Sequential or a callable, got an object of type {type(other).__name__}"
            )
        layers = list(other) if isinstance(other, Sequential) else [other]
        return Sequential(*self._layers, *layers)

    def __radd__(self, other: Layer) -> Sequential:
        if not callable(other):
            raise TypeError(
                f"+ takes a Sequential or a callable, got an object of type {type(other).__name__}"
            )
        return Sequential(other, *self._layers)

    def __iadd__(self, other: Sequential | Layer) -> Self:
        if isinstance(other, Sequential):
            self.extend(other)
        elif callable(other):
            self.append(other)
        else:
            raise TypeError(
                "+= takes a Sequential or a callable, got an object of type "
                f"{type(other).__name__}"
            )
        return self

    # -- list methods ------------------------------------------------------------------------

    def append(self, layer: Layer) -> None:
        """Add ``layer`` at the end.

        Raises:
            TypeError: If ``layer`` is not callable.
        """
        self.insert(len(self._layers), layer)

    def add_link(self, link: Link) -> None:
        """Add the Link ``link`` at the end (the same as :meth:`append`)."""
        if not isinstance(link, Link):
            raise TypeError(f"add_link() takes a Link, got {type(link).__name__}")
        self.append(link)

    def extend(self, layers: Iterable[Layer]) -> None:
        """Add every layer of ``layers`` (a Sequential or any iterable) at the end."""
        for layer in list(layers):
            self.append(layer)

    def insert(self, index: int, layer: Layer) -> None:
        """Insert ``layer`` before position ``index`` (negative indices count from the end).

        Raises:
            IndexError: If ``index`` is outside ``[-len(self), len(self)]``.
            TypeError: If ``layer`` is not callable.
        """
        n = len(self._layers)
        if not -n <= index <= n:
            raise IndexError(f"insert index {index} is out of range for {n} layers")
        _check_callable(layer)
        self._layers.insert(index, layer)
        if isinstance(layer, Link):
            self._sync_children()

    def remove(self, layer: Layer) -> None:
        """Remove the first occurrence of ``layer``.

        Raises:
            ValueError: If ``layer`` is not in this Sequential.
        """
        for index, candidate in enumerate(self._layers):
            if candidate is layer or candidate == layer:
                del self[index]
                return
        raise ValueError(f"{layer!r} is not a layer of this Sequential")

    def remove_by_layer_type(self, type_name: str) -> None:
        """Remove every layer whose type name is ``type_name``.

        A Link's type name is its class name; another callable's is its ``__name__``
        (the class name when it has none).

        Args:
            type_name: The name to remove, such as ``'Linear'`` or ``'relu'``.
        """
        kept = [layer for layer in self._layers if _layer_type_name(layer) != type_name]
        self.__dict__["_layers"] = kept
        self._sync_children()

    def pop(self, index: SupportsIndex = -1) -> Layer:
        """Remove and return the layer at ``index`` (the last one by default)."""
        layer = self._layers.pop(index)
        self._sync_children()
        return layer

    def clear(self) -> None:
        """Remove every layer."""
        self._layers.clear()
        self._sync_children()

    def index(self, layer: Layer, start: int | None = None, end: int | None = None) -> int:
        """Return the position of the first occurrence of ``layer``.

        Raises:
            ValueError: If it is not there.
        """
        return self._layers[start:end].index(layer) + (start or 0)

    def count(self, layer: Layer) -> int:
        """Return how many times ``layer`` occurs."""
        return self._layers.count(layer)

    def count_by_layer_type(self, type_name: str) -> int:
        """Return how many layers have the type name ``type_name`` (see above)."""
        return sum(1 for layer in self._layers if _layer_type_name(layer) == type_name)

    def flatten(self) -> Sequential:
        """Return a Sequential of the same layers with nested Sequentials expanded.

        Example:
            >>> import numpy
            >>> from kusari.links import Sequential
            >>> nested = Sequential(numpy.exp, Sequential(numpy.log, Sequential(numpy.abs)))
            >>> [layer.__name__ for layer in nested.flatten()]
            ['exp', 'log', 'absolute']
        """
        flat = Sequential()
        for layer in self._layers:
            if isinstance(layer, Sequential):
                flat.extend(layer.flatten())
            else:
                flat.append(layer)
        return flat

    # -- running -----------------------------------------------------------------------------

    def forward(self, *x: Any) -> Any:
        """Apply the layers in order; a tuple output is unpacked into the next call.

        Raises:
            RuntimeError: If there are no layers.
        """
        if not self._layers:
            raise RuntimeError("Sequential does not have any layer.")
        out: Any = x
        for layer in self._layers:
            out = layer(*out) if isinstance(out, tuple) else layer(out)
        return out

    # -- copies and pickling -----------------------------------------------------------------

    def _copy_shared(self) -> Self:
        ret = Link._copy_shared(self)
        layers = [
            layer._copy_shared() if isinstance(layer, Link) else copy.copy(layer)
            for layer in self._layers
        ]
        ret.__dict__["_layers"] = layers
        ret._sync_children()
        return ret

    def __copy__(self) -> Self:
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        lambdas = [index for index, layer in enumerate(self._layers) if _is_lambda(layer)]
        if lambdas:
            raise ValueError(
                f"this Sequential cannot be pickled: the layers at {lambdas} are lambda "
                "functions, which pickle cannot store; define them with def at module "
                "level or use functools.partial"
            )
        return super().__reduce_ex__(protocol)

    # -- text --------------------------------------------------------------------------------

    def __str__(self) -> str:
        return _nested_str(self, ((str(i), _layer_text(layer)) for i, layer in enumerate(self)))


class _Text:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def _layer_text(layer: Layer) -> object:
    if _is_lambda(layer):
        import inspect

        try:
            return _Text(inspect.getsource(layer).strip().rstrip(","))
        except (OSError, TypeError):
            return _Text("<lambda>")
    return layer


def _check_callable(layer: object) -> None:
    if not callable(layer):
        raise TypeError(
            f"every layer of a Sequential must be callable, got {layer!r} of type "
            f"{type(layer).__name__}"
        )
