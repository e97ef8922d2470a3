from __future__ import annotations

import gc
import multiprocessing
import operator
import threading
import time
from typing import Any

import numpy
import pytest

from kusari.datasets import TransformDataset, TupleDataset
from kusari.iterators import (
    MultiprocessIterator,
    MultithreadIterator,
    SerialIterator,
    ShuffleOrderSampler,
)
from kusari.iterators._epoch import EpochIterator
from kusari.serializers import DictionarySerializer, NpzDeserializer

# Python 3.12+ warns when forking a process that runs threads; the pool's own helper
# threads are harmless here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*use of fork\\(\\) may lead to deadlocks:DeprecationWarning"
)


def sampler() -> ShuffleOrderSampler:
    return ShuffleOrderSampler(numpy.random.RandomState(42))


def dataset() -> TupleDataset:
    return TupleDataset(numpy.arange(22.0).reshape(11, 2), numpy.arange(11))


def as_lists(batch: list[tuple[Any, ...]]) -> list[tuple[list[float], int]]:
    return [(x.tolist(), int(t)) for x, t in batch]


def make(kind: str, **kwargs: Any) -> EpochIterator[Any]:
    if kind == "serial":
        return SerialIterator(dataset(), 4, order_sampler=sampler(), **kwargs)
    if kind == "thread":
        return MultithreadIterator(dataset(), 4, order_sampler=sampler(), n_threads=2, **kwargs)
    return MultiprocessIterator(
        dataset(), 4, order_sampler=sampler(), n_processes=2, n_prefetch=2, **kwargs
    )


@pytest.mark.parametrize("kind", ["thread", "process"])
def test_batches_equal_those_of_the_serial_iterator(kind: str) -> None:
    serial = make("serial")
    with make(kind) as parallel:
        for _ in range(12):
            expected = as_lists(next(serial))
            assert as_lists(next(parallel)) == expected
            assert (parallel.epoch, parallel.is_new_epoch) == (serial.epoch, serial.is_new_epoch)
            assert parallel.epoch_detail == serial.epoch_detail
            assert parallel.previous_epoch_detail == serial.previous_epoch_detail


@pytest.mark.parametrize("kind", ["thread", "process"])
def test_without_repeat_they_stop_like_the_serial_iterator(kind: str) -> None:
    serial = [as_lists(b) for b in make("serial", repeat=False)]
    with make(kind, repeat=False) as parallel:
        assert [as_lists(b) for b in parallel] == serial
        with pytest.raises(StopIteration):
            next(parallel)
        parallel.reset()
        assert len(next(parallel)) == 4


@pytest.mark.parametrize("kind", ["thread", "process"])
def test_a_restored_parallel_iterator_continues_like_the_original(kind: str) -> None:
    with make(kind) as original, make(kind) as restored:
        for _ in range(5):
            next(original)
        saved = DictionarySerializer()
        saved.save(original)
        next(restored)  # has batches in flight that loading must drop
        NpzDeserializer(saved.target).load(restored)
        assert restored.epoch_detail == original.epoch_detail
        for _ in range(8):
            assert as_lists(next(restored)) == as_lists(next(original))


def test_multithread_errors_propagate_and_leave_the_position() -> None:
    bad = TransformDataset([(0,), (1,), (), (3,)], operator.itemgetter(0))
    with MultithreadIterator(bad, 2, shuffle=False, n_threads=2) as it:
        assert next(it) == [0, 1]
        with pytest.raises(IndexError, match="tuple index out of range"):
            next(it)
        assert (it.current_position, it.epoch) == (2, 0)


def test_multithread_finalize_stops_its_threads() -> None:
    it = MultithreadIterator(list(range(10)), 2, n_threads=3)
    next(it)
    assert any(t.name.startswith("kusari-MultithreadIterator") for t in threading.enumerate())
    it.finalize()
    assert not any(t.name.startswith("kusari-MultithreadIterator") for t in threading.enumerate())
    # It starts again when used after finalize().
    assert len(next(it)) == 2
    it.finalize()


def test_multiprocess_worker_error_is_raised_with_the_worker_traceback() -> None:
    bad = TransformDataset([(0,), (1,), (), (3,)], operator.itemgetter(0))
    before = set(multiprocessing.active_children())
    it = MultiprocessIterator(bad, 2, shuffle=False, n_processes=2)
    assert next(it) == [0, 1]
    workers = set(multiprocessing.active_children()) - before
    assert len(workers) == 2
    with pytest.raises(IndexError, match="tuple index out of range") as info:
        next(it)
    cause = info.value.__cause__
    assert cause is not None
    assert "Traceback (most recent call last)" in str(cause)
    assert "_get_example" in str(cause)
    # The workers are stopped and the position is before the failed batch.
    assert not any(worker.is_alive() for worker in workers)
    assert (it.current_position, it.epoch, it.epoch_detail) == (2, 0, 0.5)
    it.finalize()


def test_multiprocess_finalize_and_garbage_collection_stop_the_workers() -> None:
    before = set(multiprocessing.active_children())
    it = MultiprocessIterator(list(range(8)), 2, n_processes=2)
    next(it)
    workers = set(multiprocessing.active_children()) - before
    assert len(workers) == 2
    it.finalize()
    assert not any(worker.is_alive() for worker in workers)

    collected = MultiprocessIterator(list(range(8)), 2, n_processes=2)
    next(collected)
    workers = set(multiprocessing.active_children()) - before
    assert len(workers) == 2
    del collected
    gc.collect()
    assert not any(worker.is_alive() for worker in workers)


def test_multiprocess_warns_when_a_batch_is_slow() -> None:
    # The first batch is read in this process (it sizes the shared memory); the second,
    # slow one comes from a worker.
    slow = TransformDataset([0.0, 0.0, 0.3, 0.0], time.sleep)
    with MultiprocessIterator(slow, 2, shuffle=False, n_processes=1, dataset_timeout=0.05) as it:
        assert next(it) == [None, None]
        with pytest.warns(MultiprocessIterator.TimeoutWarning, match=r"took more than 0\.05 s"):
            assert next(it) == [None, None]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_processes": 0}, "n_processes must be a positive integer, got 0"),
        ({"n_prefetch": 0}, "n_prefetch must be a positive integer, got 0"),
        ({"shared_mem": -1}, "shared_mem must be None or a positive integer, got -1"),
        ({"dataset_timeout": 0}, "dataset_timeout must be positive or None, got 0"),
        ({"maxtasksperchild": 0}, "maxtasksperchild must be None or a positive integer"),
    ],
)
def test_multiprocess_argument_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MultiprocessIterator([1, 2], 1, **kwargs)


def test_multithread_argument_errors() -> None:
    with pytest.raises(ValueError, match="n_threads must be a positive integer, got 0"):
        MultithreadIterator([1, 2], 1, n_threads=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got -2"):
        MultithreadIterator([1, 2], -2)


def test_multiprocess_defaults() -> None:
    it = MultiprocessIterator([1, 2], 1)
    assert it.n_processes >= 1
    assert it.n_prefetch == 1
    assert it.shared_mem is None
    assert it.dataset_timeout == 30.0
    it.finalize()
