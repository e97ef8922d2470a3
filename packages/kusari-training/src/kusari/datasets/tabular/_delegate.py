"""A base class for tabular datasets built on another one (:class:`DelegateDataset`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._indexing import Column
from ._tabular_dataset import Mode, TabularDataset

__all__ = ["DelegateDataset"]


class DelegateDataset(TabularDataset[Any]):
    """A tabular dataset that forwards everything to another one.

    Subclass it to give a dataset made with :func:`~kusari.datasets.tabular.from_data`
    (or any tabular dataset) a class of its own, with methods as callable columns.
    :attr:`keys`, :attr:`mode`, ``len``, :meth:`get_examples` and :meth:`convert` are
    those of the wrapped dataset.

    Args:
        dataset: The dataset to wrap.

    Raises:
        TypeError: If ``dataset`` is not a :class:`~kusari.datasets.TabularDataset`.

    Example:
        >>> import numpy as np
        >>> from kusari.datasets import tabular
        >>> class Squares(tabular.DelegateDataset):
        ...     def __init__(self, n):
        ...         super().__init__(tabular.from_data((
        ...             ("x", np.arange(n)), ("square", self.square))))
        ...     def square(self, i):
        ...         return i * i
        >>> squares = Squares(5)
        >>> squares.keys, len(squares), squares.slice[[2, 4], "square"].fetch()
        (('x', 'square'), 5, [4, 16])
    """

    def __init__(self, dataset: TabularDataset[Any]) -> None:
        if not isinstance(dataset, TabularDataset):
            raise TypeError(
                f"DelegateDataset wraps a TabularDataset, got {type(dataset).__name__}"
            )
        self._delegate = dataset

    def __len__(self) -> int:
        return len(self._delegate)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the wrapped dataset."""
        return self._delegate.keys

    @property
    def mode(self) -> Mode:
        """The mode of the wrapped dataset."""
        return self._delegate.mode

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        """Return rows and columns of the wrapped dataset (see :class:`TabularDataset`)."""
        return self._delegate.get_examples(indices, key_indices)

    def convert(self, data: Any) -> Any:
        """Convert as the wrapped dataset does."""
        return self._delegate.convert(data)
