"""MultiprocessIterator(shared_mem=...): examples written into shared memory by the workers."""

from __future__ import annotations

import collections
import os
from typing import Any

import numpy
import pytest

from kusari.iterators import MultiprocessIterator, SerialIterator, _shared_memory

# Python 3.12+ warns when forking a process that runs threads; the pool's own helper
# threads are harmless here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*use of fork\\(\\) may lead to deadlocks:DeprecationWarning"
)

Pair = collections.namedtuple("Pair", "image label")


class Nested:
    """Examples of every supported shape: arrays, scalars, tuples, lists, dicts, named tuples."""

    def __len__(self) -> int:
        return 9

    def __getitem__(self, i: int) -> Any:
        return (
            numpy.full((2, 3), i, numpy.float32),
            numpy.int32(i),
            {"ids": numpy.arange(i, dtype=numpy.int64), "tag": f"x{i}"},
            [numpy.zeros((0, 4)), Pair(numpy.ones(2) * i, i)],
            numpy.array(["a", None], dtype=object),  # object arrays travel pickled
        )


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, numpy.ndarray):
        return (
            isinstance(b, numpy.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and bool((a == b).all())
        )
    if isinstance(a, tuple | list):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(type(a) is type(b) and a == b)


@pytest.mark.parametrize("n_prefetch", [1, 3])
def test_batches_equal_the_serial_iterator(n_prefetch: int) -> None:
    serial = SerialIterator(Nested(), 4, shuffle=False)
    with MultiprocessIterator(
        Nested(), 4, shuffle=False, n_processes=2, n_prefetch=n_prefetch, shared_mem=4096
    ) as it:
        for _ in range(7):  # past two epoch ends
            expected, got = next(serial), next(it)
            assert len(got) == len(expected)
            for a, b in zip(expected, got, strict=True):
                assert _equal(a, b), (a, b)
        assert it.epoch == serial.epoch


def test_arrays_are_copies_that_survive_the_next_batches() -> None:
    with MultiprocessIterator(Nested(), 3, shuffle=False, n_processes=2, shared_mem=4096) as it:
        first = next(it)
        for _ in range(5):
            next(it)
        assert [float(example[0][0, 0]) for example in first] == [0.0, 1.0, 2.0]
        assert first[0][0].flags.writeable
        assert first[0][0].flags.owndata


def test_reset_and_resume_drop_the_batches_in_flight() -> None:
    with MultiprocessIterator(
        Nested(), 4, shuffle=False, n_processes=2, n_prefetch=2, shared_mem=4096
    ) as it:
        next(it)
        it.reset()  # batches already started for the old position are dropped
        again = next(it)
        assert [int(example[1]) for example in again] == [0, 1, 2, 3]
        assert [int(example[1]) for example in next(it)] == [4, 5, 6, 7]


def test_an_example_too_large_travels_pickled_with_one_warning() -> None:
    with MultiprocessIterator(Nested(), 3, shuffle=False, n_processes=2, shared_mem=64) as it:
        needed = _shared_memory.packed_size(Nested()[0])  # the first example of the batch
        with pytest.warns(
            MultiprocessIterator.SharedMemoryWarning,
            match=rf"an example needs {needed} bytes of shared memory, more than "
            r"shared_mem=64; it was sent pickled instead",
        ):
            batch = next(it)
        expected = [Nested()[i] for i in range(3)]
        assert all(_equal(a, b) for a, b in zip(batch, expected, strict=True))
        next(it)  # once per iterator: filterwarnings=error would fail a second warning


def test_worker_errors_still_surface() -> None:
    class Failing:
        def __len__(self) -> int:
            return 4

        def __getitem__(self, i: int) -> Any:
            if i == 2:
                raise KeyError("example 2 is broken")
            return numpy.zeros(3)

    it = MultiprocessIterator(Failing(), 4, shuffle=False, n_processes=2, shared_mem=1024)
    with pytest.raises(KeyError, match="example 2 is broken"):
        next(it)
    it.finalize()


def test_pack_and_unpack_round_trip_in_one_process() -> None:
    buffer = memoryview(bytearray(1024))
    example = Nested()[5]
    packed = _shared_memory.pack(example, buffer, 128, 896)
    assert packed is not None
    assert _equal(_shared_memory.unpack(packed, buffer), example)
    assert _shared_memory.packed_size(example) == 64 + 64 + 0 + 64  # 64-byte aligned
    assert _shared_memory.pack(example, buffer, 0, 100) is None


# -- shared_mem=None: sized from the first batch, as in Chainer ---------------------------


class WithPid:
    """Example i: an array of i + 1 values, and the process that read it."""

    def __len__(self) -> int:
        return 8

    def __getitem__(self, i: int) -> tuple[Any, int]:
        return numpy.arange(i + 1, dtype=numpy.float64), os.getpid()


def test_auto_size_reads_the_first_batch_here_and_the_rest_in_workers() -> None:
    with MultiprocessIterator(
        WithPid(), 2, shuffle=False, n_processes=2, repeat=False, shared_mem=None
    ) as it:
        first = next(it)
        assert [pid for _, pid in first] == [os.getpid()] * 2
        assert it.shared_mem is None
        # Measured: the largest array of the first batch (2 float64) in one aligned region.
        assert it._region == 64
        second = next(it)
        assert all(pid != os.getpid() for _, pid in second)
        assert [x.tolist() for x, _ in second] == [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0, 3.0]]
        # Examples 8 values long (64 bytes) still fit; none of this dataset's is larger.
        rest = [x.size for batch in it for x, _ in batch]
        assert rest == [5, 6, 7, 8]


def test_auto_size_warns_once_when_a_later_example_is_larger() -> None:
    class Growing:
        def __len__(self) -> int:
            return 4

        def __getitem__(self, i: int) -> Any:
            return numpy.zeros(1 if i < 2 else 100)

    with MultiprocessIterator(Growing(), 2, shuffle=False, n_processes=2) as it:
        next(it)
        with pytest.warns(
            MultiprocessIterator.SharedMemoryWarning,
            match=r"needs 832 bytes of shared memory, more than the 64 bytes measured on the "
            r"first batch; it was sent pickled instead \(give shared_mem=832 or more",
        ):
            batch = next(it)
        assert [x.shape for x in batch] == [(100,), (100,)]


def test_auto_size_without_arrays_uses_the_pipes() -> None:
    with MultiprocessIterator(list(range(6)), 2, shuffle=False, n_processes=2) as it:
        assert [next(it), next(it), next(it)] == [[0, 1], [2, 3], [4, 5]]
        assert it._region == 0
        assert it._buffers == []


def test_an_error_in_the_first_batch_leaves_the_position() -> None:
    class Broken:
        def __len__(self) -> int:
            return 4

        def __getitem__(self, i: int) -> Any:
            raise LookupError(f"cannot read example {i}")

    it = MultiprocessIterator(Broken(), 2, shuffle=False, n_processes=2)
    with pytest.raises(LookupError, match="cannot read example 0"):
        next(it)
    assert (it.current_position, it.epoch) == (0, 0)
    it.finalize()
