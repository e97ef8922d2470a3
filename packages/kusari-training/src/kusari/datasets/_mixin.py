"""The dataset protocol and :class:`DatasetMixin` (Chainer's ``chainer.dataset.DatasetMixin``)."""

from __future__ import annotations

import abc
import operator
from collections.abc import Iterator, Sequence
from typing import Any, Generic, Protocol, TypeAlias, TypeVar, overload, runtime_checkable

import numpy
import numpy.typing as npt

__all__ = ["Dataset", "DatasetMixin", "Index", "Indices", "normalize_indices"]

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)

Index: TypeAlias = int | numpy.integer[Any]
"""One example index."""

Indices: TypeAlias = slice | Sequence[int] | npt.NDArray[numpy.integer[Any]]
"""Several example indices: a slice, a list of ints or a 1-D integer array."""


@runtime_checkable
class Dataset(Protocol[_T_co]):
    """What kusari's iterators and dataset helpers accept: a sized, indexable collection.

    Any object with ``__len__`` and ``__getitem__(int)`` is a dataset: a ``list``, a
    NumPy array, a :class:`~kusari.datasets.TupleDataset`, a :class:`DatasetMixin`.

    Example:
        >>> from kusari.datasets import Dataset
        >>> isinstance([1, 2, 3], Dataset)
        True
    """

    def __len__(self) -> int:
        """Return the number of examples."""
        ...

    def __getitem__(self, index: int, /) -> _T_co:
        """Return the example at ``index``."""
        ...


def normalize_indices(indices: object, length: int) -> list[int]:
    """Return ``indices`` as a list of ints (a slice is resolved against ``length``).

    Raises:
        TypeError: If ``indices`` is not one of the accepted forms or holds non-integers.
    """
    if isinstance(indices, str) or not isinstance(indices, (slice, numpy.ndarray, Sequence)):
        raise TypeError(
            "dataset indices must be an int, a slice, a list of ints or a 1-D integer "
            f"array, got {type(indices).__name__}"
        )
    if isinstance(indices, slice):
        return list(range(*indices.indices(length)))
    if isinstance(indices, numpy.ndarray):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"index arrays must hold integers, got dtype {indices.dtype}")
        if indices.ndim != 1:
            raise TypeError(f"index arrays must be 1-dimensional, got shape {indices.shape}")
        return [int(i) for i in indices.tolist()]
    result: list[int] = []
    for i in indices:
        if isinstance(i, bool) or not isinstance(i, (int, numpy.integer)):
            raise TypeError(f"indices must be integers, got {type(i).__name__}: {i!r}")
        result.append(int(i))
    return result


class DatasetMixin(abc.ABC, Generic[_T]):
    """Base class of datasets defined by one example at a time.

    A subclass implements :meth:`__len__` and :meth:`get_example`; indexing with a slice,
    a list of ints or an integer array then returns a list of examples.

    Example:
        >>> from kusari.datasets import DatasetMixin
        >>> class Squares(DatasetMixin[int]):
        ...     def __len__(self):
        ...         return 5
        ...     def get_example(self, i):
        ...         return i * i
        >>> squares = Squares()
        >>> squares[3], squares[1:4], squares[[0, 4]]
        (9, [1, 4, 9], [0, 16])
    """

    @overload
    def __getitem__(self, index: Index) -> _T: ...
    @overload
    def __getitem__(self, index: Indices) -> list[_T]: ...
    def __getitem__(self, index: Index | Indices) -> _T | list[_T]:
        """Return one example, or a list of examples for a slice or a list of indices."""
        if isinstance(index, (int, numpy.integer)):
            return self.get_example(operator.index(index))
        return [self.get_example(i) for i in normalize_indices(index, len(self))]

    def __iter__(self) -> Iterator[_T]:
        for i in range(len(self)):
            yield self.get_example(i)

    @abc.abstractmethod
    def __len__(self) -> int:
        """Return the number of examples."""

    @abc.abstractmethod
    def get_example(self, i: int) -> _T:
        """Return the ``i``-th example.

        Args:
            i: The index (an int; implementations may accept negative ones).

        Returns:
            The example.
        """
