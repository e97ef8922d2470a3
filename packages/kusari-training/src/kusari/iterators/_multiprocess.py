"""Fetching examples in worker processes: :class:`MultiprocessIterator`."""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.pool
import operator
import os
import warnings
import weakref
from typing import Any, TypeVar

from kusari.datasets import Dataset

from ._order_sampler import OrderSampler
from ._prefetch import PrefetchIterator, _Wait

__all__ = ["MultiprocessIterator"]

_T = TypeVar("_T")

# The dataset of a worker process, set once by the pool's initializer.
_worker_dataset: Any = None


def _initialize_worker(dataset: Any) -> None:
    global _worker_dataset
    _worker_dataset = dataset


def _get_example(index: int) -> Any:
    return _worker_dataset[index]


_warned_shared_mem = False


def _warn_shared_mem_once() -> None:
    global _warned_shared_mem
    _warned_shared_mem = True
    warnings.warn(
        "MultiprocessIterator ignores shared_mem: kusari passes every example through the "
        "worker pool's pipes (pickled); shared memory buffers are not implemented (this "
        "warning is shown once)",
        MultiprocessIterator.SharedMemoryWarning,
        stacklevel=3,
    )


def _shut_down_pool(pool: multiprocessing.pool.Pool) -> None:
    pool.terminate()
    pool.join()


class MultiprocessIterator(PrefetchIterator[_T]):
    """Iterates over a dataset in minibatches, reading the examples in worker processes.

    Processes help when reading an example is CPU-bound Python code (augmentation,
    parsing).  Each worker gets the dataset once when the pool starts (inherited with the
    ``fork`` start method, pickled otherwise); examples come back pickled.  ``n_prefetch``
    batches are read ahead.  The batches are the same as those of :class:`SerialIterator`
    with the same order.

    An exception raised in a worker stops the workers and is raised again here, chained
    to the worker's traceback; the position stays before the failed batch.  The workers
    are stopped by :meth:`finalize`, by leaving a ``with`` block, or when the iterator is
    garbage-collected.  The processes are started with :mod:`multiprocessing`'s default
    start method (see :func:`multiprocessing.set_start_method`).

    Args:
        dataset: The dataset (picklable unless the start method is ``fork``).
        batch_size: The number of examples per batch.
        repeat: Whether to run for more than one epoch.
        shuffle: Whether to shuffle at every epoch (``None``: shuffle unless
            ``order_sampler`` is given).
        n_processes: The number of worker processes; ``None`` uses ``os.cpu_count()``.
        n_prefetch: The number of batches read ahead.
        shared_mem: Accepted for compatibility with Chainer, which copied examples of up
            to this many bytes through shared memory.  kusari passes every example
            through the pool's pipes (pickled), so it has no effect; it must be ``None``
            or a positive int, and a value other than ``None`` warns once per process
            (:class:`MultiprocessIterator.SharedMemoryWarning`).
        order_sampler: A custom :class:`OrderSampler`; requires ``shuffle=None``.
        dataset_timeout: Seconds to wait for a batch before warning with
            :class:`MultiprocessIterator.TimeoutWarning` (then it keeps waiting);
            ``None`` never warns.
        maxtasksperchild: Restart a worker after this many examples (``None``: never).

    Raises:
        ValueError: If a count is not positive, or both ``shuffle`` and ``order_sampler``
            are given.

    Example:
        >>> from kusari.iterators import MultiprocessIterator
        >>> with MultiprocessIterator(list(range(5)), 2, shuffle=False, n_processes=2) as it:
        ...     print(next(it), next(it), next(it))
        [0, 1] [2, 3] [4, 0]
    """

    class TimeoutWarning(RuntimeWarning):
        """Warns that a batch took longer than ``dataset_timeout`` seconds to read."""

    class SharedMemoryWarning(UserWarning):
        """Warns that ``shared_mem`` is ignored: examples always go through pipes."""

    def __init__(
        self,
        dataset: Dataset[_T],
        batch_size: int,
        repeat: bool = True,
        shuffle: bool | None = None,
        n_processes: int | None = None,
        n_prefetch: int = 1,
        shared_mem: int | None = None,
        order_sampler: OrderSampler | None = None,
        dataset_timeout: float | None = 30.0,
        maxtasksperchild: int | None = None,
    ) -> None:
        if n_processes is None:
            n_processes = os.cpu_count() or 1
        if isinstance(n_processes, bool) or operator.index(n_processes) < 1:
            raise ValueError(f"n_processes must be a positive integer, got {n_processes!r}")
        if shared_mem is not None and (
            isinstance(shared_mem, bool) or operator.index(shared_mem) < 1
        ):
            raise ValueError(f"shared_mem must be None or a positive integer, got {shared_mem!r}")
        if shared_mem is not None and not _warned_shared_mem:
            _warn_shared_mem_once()
        if dataset_timeout is not None and not dataset_timeout > 0:
            raise ValueError(f"dataset_timeout must be positive or None, got {dataset_timeout!r}")
        if maxtasksperchild is not None and (
            isinstance(maxtasksperchild, bool) or operator.index(maxtasksperchild) < 1
        ):
            raise ValueError(
                f"maxtasksperchild must be None or a positive integer, got {maxtasksperchild!r}"
            )
        self.n_processes = operator.index(n_processes)
        self.shared_mem = shared_mem
        self.dataset_timeout = dataset_timeout
        self.maxtasksperchild = maxtasksperchild
        self._pool: multiprocessing.pool.Pool | None = None
        self._finalizer: weakref.finalize[..., Any] | None = None
        super().__init__(dataset, batch_size, repeat, shuffle, order_sampler, n_prefetch)

    def _start(self, indices: list[int]) -> _Wait[_T]:
        pool = self._pool
        if pool is None:
            pool = multiprocessing.get_context().Pool(
                self.n_processes,
                initializer=_initialize_worker,
                initargs=(self.dataset,),
                maxtasksperchild=self.maxtasksperchild,
            )
            self._pool = pool
            self._finalizer = weakref.finalize(self, _shut_down_pool, pool)
        chunksize = max(1, math.ceil(len(indices) / self.n_processes))
        result = pool.map_async(_get_example, indices, chunksize)
        timeout = self.dataset_timeout

        def wait() -> list[_T]:
            if timeout is not None and not result.ready():
                result.wait(timeout)
                if not result.ready():
                    warnings.warn(
                        f"a batch of the MultiprocessIterator took more than {timeout} s to "
                        "read; still waiting (is a worker stuck, or the dataset slow?)",
                        MultiprocessIterator.TimeoutWarning,
                        stacklevel=3,
                    )
            batch: list[_T] = result.get()
            return batch

        return wait

    def _shut_down(self) -> None:
        finalizer, self._finalizer = self._finalizer, None
        self._pool = None
        if finalizer is not None:
            finalizer()
