"""Iterators that fetch the next batches in the background while the current one is used."""

from __future__ import annotations

import abc
import collections
import operator
from collections.abc import Callable
from typing import TypeAlias, TypeVar

import numpy
import numpy.typing as npt

from kusari.datasets import Dataset
from kusari.serializers import AbstractSerializer

from ._epoch import EpochIterator, Position, crosses_epoch_end
from ._order_sampler import OrderSampler

__all__ = ["PrefetchIterator"]

_T = TypeVar("_T")
_Order: TypeAlias = npt.NDArray[numpy.intp]
_Wait: TypeAlias = Callable[[], list[_T]]


class PrefetchIterator(EpochIterator[_T]):
    """An :class:`EpochIterator` that keeps ``n_prefetch`` batches in flight.

    The batches in flight never need a new epoch order: the batch that reaches the end of
    an epoch is fetched only when it is asked for, so the order sampler is called at the
    same moments as by :class:`SerialIterator`, and a snapshot taken between batches
    holds the sampler's random state of that very moment.
    """

    def __init__(
        self,
        dataset: Dataset[_T],
        batch_size: int,
        repeat: bool,
        shuffle: bool | None,
        order_sampler: OrderSampler | None,
        n_prefetch: int,
    ) -> None:
        if isinstance(n_prefetch, bool) or operator.index(n_prefetch) < 1:
            raise ValueError(f"n_prefetch must be a positive integer, got {n_prefetch!r}")
        self.n_prefetch = operator.index(n_prefetch)
        self._pending: collections.deque[tuple[Position, _Wait[_T]]] = collections.deque()
        self._ahead: Position | None = None
        super().__init__(dataset, batch_size, repeat, shuffle, order_sampler)

    @abc.abstractmethod
    def _start(self, indices: list[int]) -> _Wait[_T]:
        """Start fetching ``dataset[i] for i in indices``; return the function to wait."""

    @abc.abstractmethod
    def _shut_down(self) -> None:
        """Stop the workers (they are started again when needed)."""

    def __next__(self) -> list[_T]:
        """Return the next minibatch.

        Raises:
            StopIteration: When ``repeat`` is ``False`` and the epoch is over.
        """
        if not self._pending and not self._schedule(allow_resample=True):
            raise StopIteration
        position, wait = self._pending[0]
        try:
            batch = wait()
        except BaseException:
            # The workers may be in any state: stop them; the position stays as it was.
            self._drop_pending()
            self._shut_down()
            raise
        self._pending.popleft()
        self._commit(position, self.epoch_detail)
        while len(self._pending) < self.n_prefetch and self._schedule(allow_resample=False):
            pass
        return batch

    def _schedule(self, allow_resample: bool) -> bool:
        ahead = self._position if self._ahead is None else self._ahead
        if (
            not allow_resample
            and self.repeat
            and ahead.order is not None
            and crosses_epoch_end(ahead, self.batch_size, len(self.dataset))
        ):
            return False
        position, indices = self._advance_from(ahead)
        if indices is None:
            return False
        self._pending.append((position, self._start(indices.tolist())))
        self._ahead = position
        return True

    def _drop_pending(self) -> None:
        self._pending.clear()
        self._ahead = None

    def reset(self) -> None:
        """Go back to the start of the first epoch, dropping the batches in flight."""
        self._drop_pending()
        super().reset()

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the position (see :meth:`EpochIterator.serialize`).

        Loading drops the batches in flight.

        Args:
            serializer: The serializer or deserializer.
        """
        before = self._position
        super().serialize(serializer)
        if self._position is not before:
            self._drop_pending()

    def finalize(self) -> None:
        """Stop the workers and drop the batches in flight."""
        self._drop_pending()
        self._shut_down()
