"""Columns of several tabular datasets side by side (:meth:`TabularDataset.join`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._concat import check_datasets
from ._indexing import Column
from ._tabular_dataset import Mode, TabularDataset

__all__ = ["Join"]


class Join(TabularDataset[Any]):
    """The columns of several equally long datasets with distinct keys."""

    __slots__ = ("_datasets", "_keys", "_locations")

    def __init__(self, *datasets: TabularDataset[Any]) -> None:
        check_datasets(datasets, "join")
        length = len(datasets[0])
        for i, dataset in enumerate(datasets[1:], start=1):
            if len(dataset) != length:
                raise ValueError(
                    "join: all datasets must have the same length, but dataset "
                    f"{i} has {len(dataset)} examples and dataset 0 has {length}"
                )
        keys: list[str] = []
        # _locations[j] is (dataset, column of that dataset) of the joined column j.
        locations: list[tuple[int, int]] = []
        for k, dataset in enumerate(datasets):
            for j, key in enumerate(dataset.keys):
                if key in keys:
                    raise ValueError(
                        f"join: key {key!r} of dataset {k} is also a key of an earlier "
                        "dataset; keys must be unique"
                    )
                keys.append(key)
                locations.append((k, j))
        self._datasets = datasets
        self._keys = tuple(keys)
        self._locations = locations

    def __len__(self) -> int:
        return len(self._datasets[0])

    @property
    def keys(self) -> tuple[str, ...]:
        return self._keys

    @property
    def mode(self) -> Mode:
        for dataset in self._datasets:
            if dataset.mode is not None:
                return dataset.mode
        return tuple

    def convert(self, data: Any) -> Any:
        return self._datasets[0].convert(data)

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        if key_indices is None:
            key_indices = tuple(range(len(self._keys)))
        requested: dict[int, list[int]] = {}
        for j in key_indices:
            k, local = self._locations[j]
            requested.setdefault(k, []).append(local)
        fetched = {
            k: iter(self._datasets[k].get_examples(indices, tuple(local)))
            for k, local in requested.items()
        }
        return tuple(next(fetched[self._locations[j][0]]) for j in key_indices)
