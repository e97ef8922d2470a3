"""Datasets built from others: :class:`TransformDataset`, :class:`ConcatenatedDataset`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ._mixin import Dataset, DatasetMixin

__all__ = ["ConcatenatedDataset", "TransformDataset"]

_T = TypeVar("_T")
_S = TypeVar("_S")


class TransformDataset(DatasetMixin[_T], Generic[_S, _T]):
    """A dataset that applies a function to each example of another, when it is read.

    Useful for data augmentation: the transform runs each time an example is fetched, so
    a random transform gives a new variant every epoch.

    Args:
        dataset: The underlying dataset.
        transform: Called with one example of ``dataset``; its result is the example.

    Example:
        >>> from kusari.datasets import TransformDataset
        >>> doubled = TransformDataset([1, 2, 3], lambda x: 2 * x)
        >>> len(doubled), doubled[2], doubled[:2]
        (3, 6, [2, 4])
    """

    def __init__(self, dataset: Dataset[_S], transform: Callable[[_S], _T]) -> None:
        if not callable(transform):
            raise TypeError(f"transform must be callable, got {type(transform).__name__}")
        self._dataset = dataset
        self._transform = transform

    def __len__(self) -> int:
        return len(self._dataset)

    def get_example(self, i: int) -> _T:
        """Return ``transform(dataset[i])``."""
        return self._transform(self._dataset[i])


class ConcatenatedDataset(DatasetMixin[Any]):
    """The examples of several datasets, one after the other.

    Args:
        *datasets: The datasets to chain.

    Example:
        >>> from kusari.datasets import ConcatenatedDataset
        >>> both = ConcatenatedDataset([0, 1, 2], ["a", "b"])
        >>> len(both), both[3], both[-1], both[1:4]
        (5, 'a', 'b', [1, 2, 'a'])
    """

    def __init__(self, *datasets: Dataset[Any]) -> None:
        self._datasets = datasets
        self._length = sum(len(d) for d in datasets)

    def __len__(self) -> int:
        return self._length

    def get_example(self, i: int) -> Any:
        """Return the ``i``-th example of the concatenation (negative counts from the end).

        Raises:
            IndexError: If ``i`` is out of range.
        """
        if not -self._length <= i < self._length:
            raise IndexError(
                f"ConcatenatedDataset index {i} out of range for length {self._length}"
            )
        if i < 0:
            i += self._length
        for dataset in self._datasets:
            size = len(dataset)
            if i < size:
                return dataset[i]
            i -= size
        raise IndexError("a dataset of the ConcatenatedDataset shrank after it was built")
