"""Views of part of a dataset: :class:`SubDataset`, the splits and cross-validation folds."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, TypeAlias, TypeVar

import numpy
import numpy.typing as npt

from ._mixin import Dataset, DatasetMixin

__all__ = [
    "Order",
    "SubDataset",
    "get_cross_validation_datasets",
    "get_cross_validation_datasets_random",
    "split_dataset",
    "split_dataset_n",
    "split_dataset_n_random",
    "split_dataset_random",
]

_T = TypeVar("_T")

Order: TypeAlias = Sequence[int] | npt.NDArray[numpy.integer[Any]]
"""A permutation of a dataset's indices."""


class SubDataset(DatasetMixin[_T]):
    """The examples ``start`` to ``finish`` of a dataset, optionally through a permutation.

    With ``order``, the ``i``-th example is ``dataset[order[start + i]]``; without it,
    ``dataset[start + i]``.  Nothing is copied.

    Args:
        dataset: The base dataset.
        start: The first position (inclusive).
        finish: The last position (exclusive).
        order: A permutation of ``range(len(dataset))``, or ``None`` for the natural order.

    Raises:
        ValueError: If ``0 <= start <= finish <= len(dataset)`` does not hold, or ``order``
            is not as long as ``dataset``.

    Example:
        >>> from kusari.datasets import SubDataset
        >>> sub = SubDataset(list("abcdef"), 1, 4, order=[5, 4, 3, 2, 1, 0])
        >>> len(sub), sub[0], sub[-1], sub[:]
        (3, 'e', 'c', ['e', 'd', 'c'])
    """

    __slots__ = ("_dataset", "_finish", "_order", "_size", "_start")

    def __init__(
        self, dataset: Dataset[_T], start: int, finish: int, order: Order | None = None
    ) -> None:
        start = operator.index(start)
        finish = operator.index(finish)
        length = len(dataset)
        if not 0 <= start <= finish <= length:
            raise ValueError(
                f"SubDataset range [{start}, {finish}) overruns the base dataset of length "
                f"{length} (need 0 <= start <= finish <= {length})"
            )
        if order is not None and len(order) != length:
            raise ValueError(
                "order must have the same length as the base dataset: "
                f"len(order) = {len(order)} while len(dataset) = {length}"
            )
        self._dataset = dataset
        self._start = start
        self._finish = finish
        self._size = finish - start
        self._order = order

    def __len__(self) -> int:
        return self._size

    def get_example(self, i: int) -> _T:
        """Return the ``i``-th example of the view (negative ``i`` counts from the end).

        Raises:
            IndexError: If ``i`` is out of range.
        """
        if not -self._size <= i < self._size:
            raise IndexError(f"SubDataset index {i} out of range for length {self._size}")
        index = (self._start if i >= 0 else self._finish) + i
        if self._order is not None:
            index = int(self._order[index])
        return self._dataset[index]

    def __repr__(self) -> str:
        ordered = "" if self._order is None else ", ordered"
        return f"<SubDataset [{self._start}, {self._finish}){ordered}>"


def split_dataset(
    dataset: Dataset[_T], first_size: int, order: Order | None = None
) -> tuple[SubDataset[_T], SubDataset[_T]]:
    """Split a dataset in two: the first ``first_size`` examples and the rest.

    Args:
        dataset: The dataset to split.
        first_size: The size of the first part.
        order: A permutation of the indices to split along; ``None`` keeps the order.

    Returns:
        The two :class:`SubDataset` views.

    Raises:
        ValueError: If ``first_size`` is negative or larger than the dataset.

    Example:
        >>> from kusari.datasets import split_dataset
        >>> first, rest = split_dataset(list(range(5)), 2)
        >>> first[:], rest[:]
        ([0, 1], [2, 3, 4])
    """
    first_size = operator.index(first_size)
    length = len(dataset)
    if first_size < 0:
        raise ValueError(f"first_size must be non-negative, got {first_size}")
    if first_size > length:
        raise ValueError(f"first_size ({first_size}) exceeds the size of the dataset ({length})")
    first = SubDataset(dataset, 0, first_size, order)
    return first, SubDataset(dataset, first_size, length, order)


def split_dataset_random(
    dataset: Dataset[_T], first_size: int, seed: int | None = None
) -> tuple[SubDataset[_T], SubDataset[_T]]:
    """Split a dataset in two at random (:func:`split_dataset` along a random permutation).

    The permutation is drawn with ``numpy.random.RandomState(seed)``, so a given seed gives
    the same split as Chainer.

    Args:
        dataset: The dataset to split.
        first_size: The size of the first part.
        seed: The seed of the permutation; ``None`` draws a fresh one.

    Returns:
        The two :class:`SubDataset` views.

    Example:
        >>> from kusari.datasets import split_dataset_random
        >>> train, test = split_dataset_random(list(range(10)), 7, seed=0)
        >>> len(train), len(test), sorted(train[:] + test[:]) == list(range(10))
        (7, 3, True)
    """
    order = numpy.random.RandomState(seed).permutation(len(dataset))
    return split_dataset(dataset, first_size, order)


def split_dataset_n(
    dataset: Dataset[_T], n: int, order: Order | None = None
) -> list[SubDataset[_T]]:
    """Split a dataset into ``n`` parts of ``len(dataset) // n`` examples each.

    As in Chainer, the parts are equally long: the last ``len(dataset) % n`` examples (of
    the order) belong to none of them.

    Args:
        dataset: The dataset to split.
        n: The number of parts (at least 1).
        order: A permutation of the indices to split along; ``None`` keeps the order.

    Returns:
        A list of ``n`` :class:`SubDataset` views.

    Raises:
        ValueError: If ``n`` is less than 1 or ``order`` has the wrong length.

    Example:
        >>> from kusari.datasets import split_dataset_n
        >>> [part[:] for part in split_dataset_n(list(range(7)), 3)]
        [[0, 1], [2, 3], [4, 5]]
    """
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    size = len(dataset) // n
    return [SubDataset(dataset, size * i, size * (i + 1), order) for i in range(n)]


def split_dataset_n_random(
    dataset: Dataset[_T], n: int, seed: int | None = None
) -> list[SubDataset[_T]]:
    """:func:`split_dataset_n` along a random permutation.

    The permutation is drawn with ``numpy.random.RandomState(seed)``, so a given seed gives
    the same parts as Chainer.

    Args:
        dataset: The dataset to split.
        n: The number of parts (at least 1).
        seed: The seed of the permutation; ``None`` draws a fresh one.

    Returns:
        A list of ``n`` :class:`SubDataset` views.

    Raises:
        ValueError: If ``n`` is less than 1.

    Example:
        >>> from kusari.datasets import split_dataset_n_random
        >>> parts = split_dataset_n_random(list(range(6)), 2, seed=0)
        >>> [len(part) for part in parts], sorted(parts[0][:] + parts[1][:])
        ([3, 3], [0, 1, 2, 3, 4, 5])
    """
    order = numpy.random.RandomState(seed).permutation(len(dataset))
    return split_dataset_n(dataset, n, order)


def get_cross_validation_datasets(
    dataset: Dataset[_T], n_folds: int, order: Order | None = None
) -> list[tuple[SubDataset[_T], SubDataset[_T]]]:
    """Make ``n_folds`` (training, validation) pairs for k-fold cross validation.

    The (ordered) dataset is cut into ``n_folds`` nearly equal blocks; each pair validates
    on one block and trains on the others.  The first pair validates on the last block,
    the next on the block before it, and so on, as in Chainer.

    Args:
        dataset: The dataset.
        n_folds: The number of folds (at least 1, at most ``len(dataset)``).
        order: A permutation of the indices; ``None`` keeps the order.

    Returns:
        A list of ``n_folds`` ``(train, validation)`` pairs of :class:`SubDataset`.

    Raises:
        ValueError: If ``n_folds`` is out of range or ``order`` has the wrong length.

    Example:
        >>> from kusari.datasets import get_cross_validation_datasets
        >>> folds = get_cross_validation_datasets(list(range(6)), 3)
        >>> [validation[:] for _, validation in folds]
        [[4, 5], [2, 3], [0, 1]]
        >>> folds[0][0][:]
        [0, 1, 2, 3]
    """
    n_folds = operator.index(n_folds)
    length = len(dataset)
    if not 1 <= n_folds <= max(length, 1):
        raise ValueError(f"n_folds must be between 1 and len(dataset) = {length}, got {n_folds}")
    current = numpy.arange(length) if order is None else numpy.array(order)
    if len(current) != length:
        raise ValueError(
            "order must have the same length as the dataset: "
            f"len(order) = {len(current)} while len(dataset) = {length}"
        )
    borders = [length * i // n_folds for i in range(n_folds + 1)]
    sizes = [borders[i + 1] - borders[i] for i in range(n_folds)]
    folds = []
    for validation_size in reversed(sizes):
        folds.append(split_dataset(dataset, length - validation_size, current))
        # Rotate so that the next block to validate on comes last.
        current = numpy.roll(current, validation_size)
    return folds


def get_cross_validation_datasets_random(
    dataset: Dataset[_T], n_folds: int, seed: int | None = None
) -> list[tuple[SubDataset[_T], SubDataset[_T]]]:
    """:func:`get_cross_validation_datasets` along a random permutation.

    Args:
        dataset: The dataset.
        n_folds: The number of folds.
        seed: The seed of ``numpy.random.RandomState`` drawing the permutation.

    Returns:
        A list of ``n_folds`` ``(train, validation)`` pairs.

    Example:
        >>> from kusari.datasets import get_cross_validation_datasets_random
        >>> folds = get_cross_validation_datasets_random(list(range(9)), 3, seed=0)
        >>> sorted(sum((v[:] for _, v in folds), []))
        [0, 1, 2, 3, 4, 5, 6, 7, 8]
    """
    order = numpy.random.RandomState(seed).permutation(len(dataset))
    return get_cross_validation_datasets(dataset, n_folds, order)
