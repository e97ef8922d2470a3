"""Examples through shared memory for :class:`MultiprocessIterator` (private).

The iterator allocates one buffer per batch in flight (``batch_size * shared_mem`` bytes,
``multiprocessing.RawArray``), hands them to the workers when the pool starts, and gives
every example of a batch its own ``shared_mem``-byte region.  A worker *packs* the example
into its region: each NumPy array's bytes are copied in, and what travels back through
the pipe is a small description (dtype, shape, offset) instead of the pickled data.  The
main process *unpacks* it by copying the arrays out, so the buffer can take the next batch
as soon as this one is returned.

Examples are arrays, or tuples, lists and dicts of arrays and other values (nested); the
other values travel pickled as they are.  An example whose arrays do not fit in its region
travels pickled as a whole.
"""

from __future__ import annotations

from typing import Any, Final

import numpy

__all__ = ["Packed", "pack", "packed_size", "unpack"]

#: Array bytes start on this boundary within a region (fast copies, aligned dtypes).
ALIGNMENT: Final = 64


class Packed:
    """What a worker sends back for an example written into shared memory."""

    __slots__ = ("layout",)

    def __init__(self, layout: Any) -> None:
        self.layout = layout


class _ArraySlot:
    """An array in the buffer: its dtype, shape and byte offset."""

    __slots__ = ("dtype", "offset", "shape")

    def __init__(self, dtype: str, shape: tuple[int, ...], offset: int) -> None:
        self.dtype = dtype
        self.shape = shape
        self.offset = offset


def _same_tuple(original: tuple[Any, ...], items: list[Any]) -> tuple[Any, ...]:
    """``items`` as a tuple of ``original``'s type (named tuples keep their class)."""
    if type(original) is tuple:
        return tuple(items)
    return type(original)(*items)


def _aligned(n: int) -> int:
    return -(-n // ALIGNMENT) * ALIGNMENT


def packed_size(example: Any) -> int:
    """The bytes the arrays of ``example`` take in a region (with alignment padding)."""
    if isinstance(example, numpy.ndarray) and not example.dtype.hasobject:
        return _aligned(example.nbytes)
    if isinstance(example, tuple | list):
        return sum(packed_size(item) for item in example)
    if isinstance(example, dict):
        return sum(packed_size(item) for item in example.values())
    return 0


def pack(example: Any, buffer: memoryview, start: int, capacity: int) -> Packed | None:
    """Write the arrays of ``example`` into ``buffer[start:start + capacity]``.

    Returns:
        The description to send back, or ``None`` when the arrays do not fit (the caller
        then sends the example itself).
    """
    if packed_size(example) > capacity:
        return None
    cursor = [start]

    def write(value: Any) -> Any:
        if isinstance(value, numpy.ndarray) and not value.dtype.hasobject:
            offset = cursor[0]
            if value.size:
                target = numpy.frombuffer(
                    buffer, dtype=value.dtype, count=value.size, offset=offset
                ).reshape(value.shape)
                target[...] = value
            cursor[0] = offset + _aligned(value.nbytes)
            return _ArraySlot(value.dtype.str, value.shape, offset)
        if isinstance(value, tuple):
            return _same_tuple(value, [write(item) for item in value])
        if isinstance(value, list):
            return [write(item) for item in value]
        if isinstance(value, dict):
            return {key: write(item) for key, item in value.items()}
        return value

    return Packed(write(example))


def unpack(packed: Packed, buffer: memoryview) -> Any:
    """Rebuild the example described by ``packed``, copying its arrays out of ``buffer``."""

    def read(value: Any) -> Any:
        if isinstance(value, _ArraySlot):
            dtype = numpy.dtype(value.dtype)
            count = 1
            for extent in value.shape:
                count *= extent
            if count == 0:
                return numpy.empty(value.shape, dtype)
            view = numpy.frombuffer(buffer, dtype=dtype, count=count, offset=value.offset)
            return view.reshape(value.shape).copy()
        if isinstance(value, tuple):
            return _same_tuple(value, [read(item) for item in value])
        if isinstance(value, list):
            return [read(item) for item in value]
        if isinstance(value, dict):
            return {key: read(item) for key, item in value.items()}
        return value

    return read(packed.layout)
