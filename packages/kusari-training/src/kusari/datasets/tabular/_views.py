"""Views of a tabular dataset: rows and columns (``slice``), mode, converter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeAlias, TypeVar, overload

import numpy
import numpy.typing as npt

from ._indexing import Column, RowSelection, compose_rows, positions, rows_argument, select_rows
from ._tabular_dataset import Mode, TabularDataset

__all__ = ["AsMode", "Rows", "Slice", "SliceHelper", "WithConverter", "select_keys"]

_E = TypeVar("_E")

Rows: TypeAlias = (
    slice
    | list[int]
    | list[bool]
    | range
    | npt.NDArray[numpy.integer[Any]]
    | npt.NDArray[numpy.bool_]
)
"""Rows of a view: a slice, a list or 1-D array of ints, or a boolean mask."""

KeySelection: TypeAlias = str | int | Sequence[str | int] | slice
"""Columns of a view: a key or position, a tuple/list of them, or a slice of the columns."""


def _key_position(key: object, keys: tuple[str, ...]) -> int:
    if isinstance(key, str):
        try:
            return keys.index(key)
        except ValueError:
            raise KeyError(f"unknown key {key!r}; the keys are {keys!r}") from None
    if isinstance(key, (bool, numpy.bool_)) or not isinstance(key, (int, numpy.integer)):
        raise TypeError(
            f"a column must be chosen by a key name (str) or a position (int), got "
            f"{type(key).__name__}: {key!r}"
        )
    i = int(key)
    if not -len(keys) <= i < len(keys):
        raise IndexError(f"column position {i} is out of range for the {len(keys)} keys {keys!r}")
    return i % len(keys)


def select_keys(selection: object, keys: tuple[str, ...]) -> tuple[tuple[int, ...], bool]:
    """Resolve the columns a user passes to ``dataset.slice[rows, keys]``.

    Returns:
        The column positions and whether one bare key was given (a one-column view).
    """
    if isinstance(selection, (str, int, numpy.integer)) and not isinstance(selection, bool):
        return (_key_position(selection, keys),), True
    if isinstance(selection, slice):
        return tuple(range(len(keys))[selection]), False
    if isinstance(selection, (tuple, list)):
        return tuple(_key_position(key, keys) for key in selection), False
    raise TypeError(
        "columns must be a key, a position, a tuple or list of them, or a slice, got "
        f"{type(selection).__name__}: {selection!r}"
    )


class Slice(TabularDataset[Any]):
    """Some rows and columns of a dataset, read lazily."""

    __slots__ = ("_dataset", "_key_indices", "_mode", "_rows")

    def __init__(
        self,
        dataset: TabularDataset[Any],
        rows: RowSelection,
        key_indices: tuple[int, ...] | None,
        mode: Mode,
    ) -> None:
        self._dataset = dataset
        self._rows = rows
        self._key_indices = key_indices
        self._mode = mode

    def __len__(self) -> int:
        return len(self._dataset) if self._rows is None else len(self._rows)

    @property
    def keys(self) -> tuple[str, ...]:
        keys = self._dataset.keys
        if self._key_indices is None:
            return keys
        return tuple(keys[i] for i in self._key_indices)

    @property
    def mode(self) -> Mode:
        return self._mode

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        rows = compose_rows(self._rows, positions(indices, len(self)))
        if key_indices is None:
            keys = self._key_indices
        elif self._key_indices is None:
            keys = key_indices
        else:
            keys = tuple(self._key_indices[i] for i in key_indices)
        return self._dataset.get_examples(rows_argument(rows), keys)

    def convert(self, data: Any) -> Any:
        return self._dataset.convert(data)


class SliceHelper(Generic[_E]):
    """What :attr:`TabularDataset.slice` returns; index it to get a view."""

    __slots__ = ("_dataset",)

    def __init__(self, dataset: TabularDataset[_E]) -> None:
        self._dataset = dataset

    @overload
    def __getitem__(self, index: Rows) -> TabularDataset[_E]: ...
    @overload
    def __getitem__(self, index: tuple[Rows, str | int]) -> TabularDataset[Any]: ...
    @overload
    def __getitem__(
        self, index: tuple[Rows, Sequence[str | int] | slice]
    ) -> TabularDataset[_E]: ...
    def __getitem__(
        self, index: Rows | tuple[Rows, str | int] | tuple[Rows, Sequence[str | int] | slice]
    ) -> TabularDataset[Any]:
        """Return the view of ``rows`` or of ``rows, keys``."""
        dataset = self._dataset
        if isinstance(index, tuple):
            if len(index) != 2:
                raise TypeError(
                    f"slice takes rows or rows and keys, got a tuple of {len(index)} items"
                )
            row_selection, key_selection = index
        else:
            row_selection, key_selection = index, None
        length = len(dataset)
        rows = select_rows(row_selection, length)
        if isinstance(rows, range) and rows == range(length):
            rows_or_all: RowSelection = None
        else:
            rows_or_all = rows
        if key_selection is None:
            return Slice(dataset, rows_or_all, None, dataset.mode)
        key_indices, single = select_keys(key_selection, dataset.keys)
        if single:
            mode: Mode = None
        else:
            mode = tuple if dataset.mode is None else dataset.mode
        return Slice(dataset, rows_or_all, key_indices, mode)


class AsMode(TabularDataset[Any]):
    """A dataset in another mode (``astuple()`` / ``asdict()``)."""

    __slots__ = ("_dataset", "_mode")

    def __init__(self, dataset: TabularDataset[Any], mode: Mode) -> None:
        self._dataset = dataset
        self._mode = mode

    def __len__(self) -> int:
        return len(self._dataset)

    @property
    def keys(self) -> tuple[str, ...]:
        return self._dataset.keys

    @property
    def mode(self) -> Mode:
        return self._mode

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        return self._dataset.get_examples(indices, key_indices)

    def convert(self, data: Any) -> Any:
        return self._dataset.convert(data)


class WithConverter(TabularDataset[Any]):
    """A dataset whose :meth:`convert` calls a given function."""

    __slots__ = ("_converter", "_dataset")

    def __init__(self, dataset: TabularDataset[Any], converter: Callable[..., Any]) -> None:
        if not callable(converter):
            raise TypeError(f"converter must be callable, got {type(converter).__name__}")
        self._dataset = dataset
        self._converter = converter

    def __len__(self) -> int:
        return len(self._dataset)

    @property
    def keys(self) -> tuple[str, ...]:
        return self._dataset.keys

    @property
    def mode(self) -> Mode:
        return self._dataset.mode

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        return self._dataset.get_examples(indices, key_indices)

    def convert(self, data: Any) -> Any:
        if isinstance(data, tuple):
            return self._converter(*data)
        if isinstance(data, dict):
            return self._converter(**data)
        return self._converter(data)
