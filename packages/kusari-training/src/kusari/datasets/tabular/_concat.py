"""Rows of several tabular datasets one after another (:meth:`TabularDataset.concat`)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from typing import Any

import numpy

from ._indexing import Column, positions
from ._tabular_dataset import Mode, TabularDataset

__all__ = ["Concat", "check_datasets", "merge_columns"]


def check_datasets(datasets: Sequence[object], what: str) -> None:
    """Raise TypeError naming the first of ``datasets`` that is not a TabularDataset."""
    for i, dataset in enumerate(datasets):
        if not isinstance(dataset, TabularDataset):
            raise TypeError(
                f"{what} takes TabularDatasets, but dataset {i} is {type(dataset).__name__}"
            )


def _same_arrays(pieces: Sequence[Column]) -> bool:
    # One array only when no value would be cast: same dtype and same row shape.
    first = pieces[0]
    if not isinstance(first, numpy.ndarray) or first.ndim == 0:
        return False
    return all(
        isinstance(p, numpy.ndarray)
        and p.ndim == first.ndim
        and p.dtype == first.dtype
        and p.shape[1:] == first.shape[1:]
        for p in pieces
    )


def merge_columns(pieces: Sequence[Column]) -> Column:
    """Concatenate pieces of one column: one array if they are alike NumPy arrays, else a list."""
    if len(pieces) == 1:
        return pieces[0]
    if _same_arrays(pieces):
        arrays: list[Any] = list(pieces)
        return numpy.concatenate(arrays)
    return list(itertools.chain.from_iterable(pieces))


def _scatter(pieces: Sequence[Column], slots: Sequence[list[int]], total: int) -> Column:
    """Put ``pieces[k][j]`` at position ``slots[k][j]`` of one column of ``total`` rows."""
    if _same_arrays(pieces):
        first: Any = pieces[0]
        out = numpy.empty((total, *first.shape[1:]), dtype=first.dtype)
        for piece, where in zip(pieces, slots, strict=True):
            out[where] = piece
        return out
    values: list[Any] = [None] * total
    for piece, where in zip(pieces, slots, strict=True):
        for position, value in zip(where, piece, strict=True):
            values[position] = value
    return values


class Concat(TabularDataset[Any]):
    """The rows of several datasets with the same keys, one dataset after another."""

    __slots__ = ("_datasets", "_offsets")

    def __init__(self, *datasets: TabularDataset[Any]) -> None:
        check_datasets(datasets, "concat")
        keys = datasets[0].keys
        for i, dataset in enumerate(datasets[1:], start=1):
            if dataset.keys != keys:
                raise ValueError(
                    "concat: all datasets must have the same keys in the same order, but "
                    f"dataset {i} has {dataset.keys!r} and dataset 0 has {keys!r}"
                )
        self._datasets = datasets
        # _offsets[k] is the first row of dataset k; the last entry is the total length.
        self._offsets = [0, *itertools.accumulate(len(d) for d in datasets)]

    def __len__(self) -> int:
        return self._offsets[-1]

    @property
    def keys(self) -> tuple[str, ...]:
        return self._datasets[0].keys

    @property
    def mode(self) -> Mode:
        return self._datasets[0].mode

    def convert(self, data: Any) -> Any:
        return self._datasets[0].convert(data)

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        rows = positions(indices, len(self))
        if rows is None:
            parts = [d.get_examples(None, key_indices) for d in self._datasets]
        elif isinstance(rows, range):
            parts = self._range_parts(rows, key_indices)
        else:
            return self._gather(rows, key_indices)
        if not parts:
            return self._datasets[0].get_examples([], key_indices)
        return tuple(merge_columns(pieces) for pieces in zip(*parts, strict=True))

    def _range_parts(
        self, rows: range, key_indices: tuple[int, ...] | None
    ) -> list[tuple[Column, ...]]:
        # A range is monotonic: the rows that fall in one dataset form one run of it.
        order = range(len(self._datasets))
        if rows.step < 0:
            order = order[::-1]
        parts = []
        for k in order:
            begin, end = self._offsets[k], self._offsets[k + 1]
            if rows.step > 0:
                lo, hi = bisect.bisect_left(rows, begin), bisect.bisect_left(rows, end)
            else:
                lo = bisect.bisect_right(rows, -end, key=lambda x: -x)
                hi = bisect.bisect_right(rows, -begin, key=lambda x: -x)
            if lo < hi:
                local = rows[lo:hi]
                stop = local.stop - begin
                parts.append(
                    self._datasets[k].get_examples(
                        slice(local.start - begin, stop if stop >= 0 else None, local.step),
                        key_indices,
                    )
                )
        return parts

    def _gather(self, rows: list[int], key_indices: tuple[int, ...] | None) -> tuple[Column, ...]:
        local: list[list[int]] = [[] for _ in self._datasets]
        slots: list[list[int]] = [[] for _ in self._datasets]
        length = len(self)
        for position, row in enumerate(rows):
            if not 0 <= row < length:
                raise IndexError(f"index {row} is out of range for a dataset of {length} examples")
            k = bisect.bisect_right(self._offsets, row) - 1
            local[k].append(row - self._offsets[k])
            slots[k].append(position)
        used = [k for k, rows_k in enumerate(local) if rows_k]
        if not used:
            return self._datasets[0].get_examples([], key_indices)
        if len(used) == 1:
            return self._datasets[used[0]].get_examples(local[used[0]], key_indices)
        parts = [self._datasets[k].get_examples(local[k], key_indices) for k in used]
        used_slots = [slots[k] for k in used]
        return tuple(
            _scatter(pieces, used_slots, len(rows)) for pieces in zip(*parts, strict=True)
        )
