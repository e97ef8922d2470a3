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

from . import _shared_memory
from ._order_sampler import OrderSampler
from ._prefetch import PrefetchIterator, _Wait

__all__ = ["MultiprocessIterator"]

_T = TypeVar("_T")

# The dataset and the shared buffers of a worker process, set once by the pool's initializer.
_worker_dataset: Any = None
_worker_buffers: list[memoryview] = []


def _initialize_worker(dataset: Any, buffers: list[Any]) -> None:
    global _worker_dataset, _worker_buffers
    _worker_dataset = dataset
    _worker_buffers = [memoryview(buffer).cast("B") for buffer in buffers]


def _get_example(index: int) -> Any:
    return _worker_dataset[index]


class _Pickled:
    """An example that did not fit in its shared-memory region, and the bytes it needs."""

    __slots__ = ("example", "needed")

    def __init__(self, example: Any, needed: int) -> None:
        self.example = example
        self.needed = needed


def _get_example_shared(task: tuple[int, int, int, int]) -> Any:
    index, slot, start, capacity = task
    example = _worker_dataset[index]
    packed = _shared_memory.pack(example, _worker_buffers[slot], start, capacity)
    if packed is None:
        return _Pickled(example, _shared_memory.packed_size(example))
    return packed


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
        shared_mem: Bytes of shared memory per example, or ``None`` to size it from the
            first batch, as Chainer does: that batch is read here, in this process, and
            the largest example sets the size (examples without arrays then go through
            the pipes).  The arrays of each example (an array, or tuples, lists and dicts
            of arrays and other values) are written by the worker into shared memory and
            copied out here, which saves pickling and the pipe for large examples.
            ``n_prefetch`` buffers of ``batch_size * shared_mem`` bytes are allocated.  An
            example that does not fit travels pickled, with a
            :class:`MultiprocessIterator.SharedMemoryWarning` (once per iterator) saying
            how much it needs.
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
        """Warns that an example did not fit in ``shared_mem`` bytes and went pickled."""

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
        # Shared memory: one buffer per batch in flight, used in turn; the task last
        # started on each (a dropped batch may still be writing into its buffer).
        self._buffers: list[memoryview] = []
        self._buffer_tasks: list[multiprocessing.pool.AsyncResult[Any] | None] = []
        self._next_buffer = 0
        self._warned_too_small = False
        # Bytes per example in shared memory: 0 sends examples through the pipes; None is
        # not measured yet (shared_mem=None before the first batch).
        self._region: int | None = shared_mem
        super().__init__(dataset, batch_size, repeat, shuffle, order_sampler, n_prefetch)

    def _start(self, indices: list[int]) -> _Wait[_T]:
        if self._region is None:
            return self._measure(indices)
        pool = self._pool
        if pool is None:
            pool = self._start_pool()
        chunksize = max(1, math.ceil(len(indices) / self.n_processes))
        buffer: memoryview | None = None
        if not self._region:
            result = pool.map_async(_get_example, indices, chunksize)
        else:
            slot = self._next_buffer
            self._next_buffer = (slot + 1) % len(self._buffers)
            previous = self._buffer_tasks[slot]
            if previous is not None:
                previous.wait()  # a dropped batch may still be writing into this buffer
            size = self._region
            tasks = [(index, slot, k * size, size) for k, index in enumerate(indices)]
            result = pool.map_async(_get_example_shared, tasks, chunksize)
            self._buffer_tasks[slot] = result
            buffer = self._buffers[slot]
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
            batch: list[Any] = result.get()
            if buffer is not None:
                batch = [self._unpack(item, buffer) for item in batch]
            return batch

        return wait

    def _measure(self, indices: list[int]) -> _Wait[_T]:
        """Read the first batch here and size the shared memory from its largest example.

        The batch is read when it is waited for, so that an error in the dataset takes the
        same way out of ``__next__`` as a worker's (the position stays before the batch).
        """

        def wait() -> list[_T]:
            batch: list[_T] = [self.dataset[index] for index in indices]
            self._region = max((_shared_memory.packed_size(e) for e in batch), default=0)
            return batch

        return wait

    def _start_pool(self) -> multiprocessing.pool.Pool:
        context = multiprocessing.get_context()
        buffers: list[Any] = []
        if self._region:
            size = self.batch_size * self._region
            buffers = [context.RawArray("B", size) for _ in range(self.n_prefetch)]
        pool = context.Pool(
            self.n_processes,
            initializer=_initialize_worker,
            initargs=(self.dataset, buffers),
            maxtasksperchild=self.maxtasksperchild,
        )
        self._pool = pool
        self._finalizer = weakref.finalize(self, _shut_down_pool, pool)
        self._buffers = [memoryview(buffer).cast("B") for buffer in buffers]
        self._buffer_tasks = [None] * len(buffers)
        self._next_buffer = 0
        return pool

    def _unpack(self, item: Any, buffer: memoryview) -> Any:
        if isinstance(item, _shared_memory.Packed):
            return _shared_memory.unpack(item, buffer)
        if isinstance(item, _Pickled):
            if not self._warned_too_small:
                self._warned_too_small = True
                sized = (
                    f"shared_mem={self.shared_mem}"
                    if self.shared_mem is not None
                    else f"the {self._region} bytes measured on the first batch"
                )
                warnings.warn(
                    f"an example needs {item.needed} bytes of shared memory, more than "
                    f"{sized}; it was sent pickled instead (give shared_mem={item.needed} "
                    "or more; this warning is shown once per iterator)",
                    MultiprocessIterator.SharedMemoryWarning,
                    stacklevel=4,
                )
            return item.example
        return item

    def _shut_down(self) -> None:
        finalizer, self._finalizer = self._finalizer, None
        self._pool = None
        if finalizer is not None:
            finalizer()
        # The workers are gone: no task writes into the buffers any more.
        self._buffers = []
        self._buffer_tasks = []
