"""Fetching examples with a pool of threads: :class:`MultithreadIterator`."""

from __future__ import annotations

import concurrent.futures
import operator
import weakref
from typing import Any, TypeVar

from kusari.datasets import Dataset

from ._order_sampler import OrderSampler
from ._prefetch import PrefetchIterator, _Wait

__all__ = ["MultithreadIterator"]

_T = TypeVar("_T")


class MultithreadIterator(PrefetchIterator[_T]):
    """Iterates over a dataset in minibatches, reading the examples in worker threads.

    Threads help when reading an example waits on I/O or on code that releases the GIL
    (image decoding, NumPy).  The next batch is read while the current one is used.  The
    batches are the same as those of :class:`SerialIterator` with the same order.

    Args:
        dataset: The dataset.
        batch_size: The number of examples per batch.
        repeat: Whether to run for more than one epoch.
        shuffle: Whether to shuffle at every epoch (``None``: shuffle unless
            ``order_sampler`` is given).
        n_threads: The number of worker threads.
        order_sampler: A custom :class:`OrderSampler`; requires ``shuffle=None``.

    Raises:
        ValueError: If ``batch_size`` or ``n_threads`` is not positive, or both
            ``shuffle`` and ``order_sampler`` are given.

    Example:
        >>> from kusari.iterators import MultithreadIterator
        >>> with MultithreadIterator(list(range(5)), 2, shuffle=False, n_threads=2) as it:
        ...     print(next(it), next(it), next(it))
        [0, 1] [2, 3] [4, 0]
    """

    def __init__(
        self,
        dataset: Dataset[_T],
        batch_size: int,
        repeat: bool = True,
        shuffle: bool | None = None,
        n_threads: int = 1,
        order_sampler: OrderSampler | None = None,
    ) -> None:
        if isinstance(n_threads, bool) or operator.index(n_threads) < 1:
            raise ValueError(f"n_threads must be a positive integer, got {n_threads!r}")
        self.n_threads = operator.index(n_threads)
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._finalizer: weakref.finalize[..., Any] | None = None
        super().__init__(dataset, batch_size, repeat, shuffle, order_sampler, n_prefetch=1)

    def _start(self, indices: list[int]) -> _Wait[_T]:
        executor = self._executor
        if executor is None:
            executor = concurrent.futures.ThreadPoolExecutor(
                self.n_threads, thread_name_prefix="kusari-MultithreadIterator"
            )
            self._executor = executor
            self._finalizer = weakref.finalize(
                self, executor.shutdown, wait=False, cancel_futures=True
            )
        results = executor.map(self.dataset.__getitem__, indices)
        return lambda: list(results)

    def _shut_down(self) -> None:
        executor, self._executor = self._executor, None
        finalizer, self._finalizer = self._finalizer, None
        if finalizer is not None:
            finalizer.detach()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
