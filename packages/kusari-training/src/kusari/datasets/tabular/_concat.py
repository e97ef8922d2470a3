"""Rows of several tabular datasets one after another (:meth:`TabularDataset.concat`)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from typing import Any

import numpy

from ._indexing import Column, is_array, positions
from ._tabular_dataset import Mode, TabularDataset

__all__ = ["Concat", "check_datasets", "merge_columns"]


def check_datasets(datasets: Sequence[object], what: str) -> None:
    """Raise TypeError naming the first of ``datasets`` that is not a TabularDataset."""
    for i, dataset in enumerate(datasets):
        if not isinstance(dataset, TabularDataset):
            raise TypeError(
                f"{what} takes TabularDatasets, but dataset {i} is {type(dataset).__name__}"
            )


def merge_columns(pieces: Sequence[Column]) -> Column:
    """Concatenate pieces of one column: an array if all are NumPy arrays, else a list."""
    if len(pieces) == 1:
        return pieces[0]
    if all(isinstance(p, numpy.ndarray) and p.ndim >= 1 for p in pieces):
        arrays: list[Any] = list(pieces)
        if len({a.shape[1:] for a in arrays}) == 1:
            return numpy.concatenate(arrays)
    return list(itertools.chain.from_iterable(pieces))


def _reorder(merged: Column, order: list[int]) -> Column:
    if is_array(merged):
        return merged[order]  # type: ignore[call-overload]
    return [merged[i] for i in order]


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
        where: list[tuple[int, int]] = []
        for row in rows:
            if not 0 <= row < len(self):
                raise IndexError(
                    f"index {row} is out of range for a dataset of {len(self)} examples"
                )
            k = bisect.bisect_right(self._offsets, row) - 1
            where.append((k, len(local[k])))
            local[k].append(row - self._offsets[k])
        used = [k for k, rows_k in enumerate(local) if rows_k]
        if len(used) == 1:
            return self._datasets[used[0]].get_examples(local[used[0]], key_indices)
        if not used:
            return self._datasets[0].get_examples([], key_indices)
        start = {}
        total = 0
        for k in used:
            start[k] = total
            total += len(local[k])
        order = [start[k] + j for k, j in where]
        parts = [self._datasets[k].get_examples(local[k], key_indices) for k in used]
        return tuple(_reorder(merge_columns(pieces), order) for pieces in zip(*parts, strict=True))
