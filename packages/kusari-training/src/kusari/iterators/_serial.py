"""The plain iterator: :class:`SerialIterator`."""

from __future__ import annotations

from typing import TypeVar

from kusari.datasets import Dataset

from ._epoch import EpochIterator
from ._order_sampler import OrderSampler

__all__ = ["SerialIterator"]

_T = TypeVar("_T")


class SerialIterator(EpochIterator[_T]):
    """Iterates over a dataset in minibatches, in the calling thread.

    Each batch is a list of ``batch_size`` examples.  With ``repeat`` the iterator runs
    forever; a batch that reaches the end of an epoch is filled up from the next one
    (and sets ``is_new_epoch``).  Without ``repeat`` the last batch may be shorter and
    the iterator then stops.

    Args:
        dataset: The dataset (anything with ``__len__`` and ``__getitem__``).
        batch_size: The number of examples per batch.
        repeat: Whether to run for more than one epoch.
        shuffle: Whether to shuffle the order at every epoch.  ``None`` (the default)
            shuffles unless ``order_sampler`` is given.
        order_sampler: A custom :class:`OrderSampler`; requires ``shuffle=None``.

    Attributes:
        epoch: The number of completed epochs.
        epoch_detail: ``epoch`` plus the fraction of the current epoch done.
        previous_epoch_detail: ``epoch_detail`` before the last batch (``None`` before
            the first batch).
        is_new_epoch: Whether the last batch completed an epoch.
        current_position: The position in the current epoch.

    Raises:
        ValueError: If ``batch_size`` is not positive, or both ``shuffle`` and
            ``order_sampler`` are given.

    Example:
        >>> from kusari.iterators import SerialIterator
        >>> it = SerialIterator(list(range(5)), 2, shuffle=False)
        >>> next(it), next(it), next(it)
        ([0, 1], [2, 3], [4, 0])
        >>> it.epoch, it.is_new_epoch, it.epoch_detail
        (1, True, 1.2)
        >>> once = SerialIterator(list(range(5)), 2, repeat=False, shuffle=False)
        >>> list(once)
        [[0, 1], [2, 3], [4]]
    """

    def __init__(
        self,
        dataset: Dataset[_T],
        batch_size: int,
        repeat: bool = True,
        shuffle: bool | None = None,
        order_sampler: OrderSampler | None = None,
    ) -> None:
        super().__init__(dataset, batch_size, repeat, shuffle, order_sampler)

    def __next__(self) -> list[_T]:
        """Return the next minibatch.

        Raises:
            StopIteration: When ``repeat`` is ``False`` and the epoch is over.
        """
        position, indices = self._advance_from(self._position)
        if indices is None:
            raise StopIteration
        # Fetch before committing, so an error in the dataset leaves the position as it was.
        batch = self._fetch(indices)
        self._commit(position, self.epoch_detail)
        return batch
