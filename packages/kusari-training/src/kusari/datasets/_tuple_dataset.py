"""Datasets zipped from several equally long ones: :class:`TupleDataset`, :class:`DictDataset`."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Any, overload

import numpy

from ._mixin import Dataset, Index, Indices, normalize_indices

__all__ = ["DictDataset", "TupleDataset"]


def _check_lengths(named: list[tuple[str, Dataset[Any]]], what: str) -> int:
    if not named:
        raise ValueError(f"{what} needs at least one dataset, got none")
    first_name, first = named[0]
    length = len(first)
    for name, dataset in named[1:]:
        if len(dataset) != length:
            raise ValueError(
                f"{what}: all datasets must have the same length, but dataset {name} has "
                f"{len(dataset)} examples and dataset {first_name} has {length}"
            )
    return length


def _take(dataset: Dataset[Any], indices: Indices, length: int) -> Any:
    # Arrays (and lists, for slices) gather several examples at once.
    if isinstance(indices, slice) and isinstance(dataset, (numpy.ndarray, list)):
        return dataset[indices]
    positions = normalize_indices(indices, length)
    if isinstance(dataset, numpy.ndarray):
        return dataset[numpy.asarray(positions, dtype=numpy.intp)]
    return [dataset[i] for i in positions]


class TupleDataset:
    """A dataset whose ``i``-th example is the tuple of the ``i``-th examples of its parts.

    ``TupleDataset(x, t)[i] == (x[i], t[i])``.  Indexing with a slice, a list of ints or
    an integer array gives a list of such tuples.

    Args:
        *datasets: Equally long datasets (arrays, lists or any datasets).

    Raises:
        ValueError: If no dataset is given or their lengths differ.

    Example:
        >>> import numpy
        >>> from kusari.datasets import TupleDataset
        >>> dataset = TupleDataset(numpy.arange(6).reshape(3, 2), numpy.array([5, 6, 7]))
        >>> len(dataset)
        3
        >>> x, t = dataset[1]
        >>> x.tolist(), int(t)
        ([2, 3], 6)
        >>> [int(t) for _, t in dataset[1:]]
        [6, 7]
    """

    __slots__ = ("_datasets", "_length")

    def __init__(self, *datasets: Dataset[Any]) -> None:
        self._length = _check_lengths(
            [(str(i), d) for i, d in enumerate(datasets)], "TupleDataset"
        )
        self._datasets = datasets

    @overload
    def __getitem__(self, index: Index) -> tuple[Any, ...]: ...
    @overload
    def __getitem__(self, index: Indices) -> list[tuple[Any, ...]]: ...
    def __getitem__(self, index: Index | Indices) -> tuple[Any, ...] | list[tuple[Any, ...]]:
        """Return the ``index``-th tuple, or a list of tuples for several indices."""
        if isinstance(index, (int, numpy.integer)):
            i = operator.index(index)
            return tuple(d[i] for d in self._datasets)
        columns = [_take(d, index, self._length) for d in self._datasets]
        return list(zip(*columns, strict=True))

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for i in range(self._length):
            yield self[i]

    def __repr__(self) -> str:
        return f"<TupleDataset of {len(self._datasets)} datasets, {self._length} examples>"


class DictDataset:
    """A dataset whose ``i``-th example is the dict of the ``i``-th examples of its parts.

    ``DictDataset(x=x, t=t)[i] == {'x': x[i], 't': t[i]}``.  Indexing with a slice, a list
    of ints or an integer array gives a list of such dicts.

    Args:
        **datasets: Equally long datasets, by name.

    Raises:
        ValueError: If no dataset is given or their lengths differ.

    Example:
        >>> import numpy
        >>> from kusari.datasets import DictDataset
        >>> dataset = DictDataset(x=numpy.arange(3.0), t=numpy.array([1, 0, 1]))
        >>> example = dataset[2]
        >>> sorted(example), float(example["x"]), int(example["t"])
        (['t', 'x'], 2.0, 1)
        >>> len(dataset[:2])
        2
    """

    __slots__ = ("_datasets", "_length")

    def __init__(self, **datasets: Dataset[Any]) -> None:
        self._length = _check_lengths(list(datasets.items()), "DictDataset")
        self._datasets = datasets

    @overload
    def __getitem__(self, index: Index) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: Indices) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: Index | Indices) -> dict[str, Any] | list[dict[str, Any]]:
        """Return the ``index``-th dict, or a list of dicts for several indices."""
        if isinstance(index, (int, numpy.integer)):
            i = operator.index(index)
            return {k: d[i] for k, d in self._datasets.items()}
        columns = {k: _take(d, index, self._length) for k, d in self._datasets.items()}
        count = len(next(iter(columns.values())))
        return [{k: column[j] for k, column in columns.items()} for j in range(count)]

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(self._length):
            yield self[i]

    def __repr__(self) -> str:
        return f"<DictDataset of {sorted(self._datasets)}, {self._length} examples>"
