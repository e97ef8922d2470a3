"""Packing many parameter arrays into one contiguous buffer per (array module, dtype).

One collective over a packed buffer costs one latency; one collective per parameter costs
as many latencies as the model has parameters.  A :class:`Plan` says where each array
goes; plans are cached by their layout, so a training step builds none.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any, Final, final

import numpy

from kusari.devices import Array, get_array_module
from kusari.links import Link, Parameter

__all__ = [
    "Bucket",
    "Entry",
    "Plan",
    "collect_data",
    "collect_grads",
    "is_int",
    "on_host",
    "plan_for",
]

Entry = tuple[str, Parameter | None, Array]
"""``(path, parameter, array)``: the array to send is the parameter's data or gradient
(``parameter`` is ``None`` for a bare array)."""

WireDtype = Callable[[numpy.dtype[Any], bool], numpy.dtype[Any]]
"""Maps (an array's dtype, whether it is a NumPy array) to the dtype sent over the wire."""


@final
class Bucket:
    """The arrays of one (array module, wire dtype) pair, at fixed offsets of one buffer."""

    __slots__ = ("dtype", "on_host", "size", "slots")

    def __init__(self, dtype: numpy.dtype[Any], on_host: bool) -> None:
        self.dtype: Final = dtype
        self.on_host: Final = on_host
        self.size = 0
        self.slots: list[tuple[int, int, int]] = []  # (entry index, start, stop)

    def pack(self, entries: Sequence[Entry], buffer: Array) -> None:
        """Copy every array of this bucket into ``buffer`` (casting to the wire dtype)."""
        for index, start, stop in self.slots:
            buffer[start:stop] = entries[index][2].reshape(-1)

    def unpack_grads(self, entries: Sequence[Entry], buffer: Array, scale: float) -> None:
        """Write ``buffer * scale`` into the gradients, in place where they are writable.

        Scaling while copying reads and writes every element once instead of twice.
        """
        for index, start, stop in self.slots:
            _, param, grad = entries[index]
            piece = buffer[start:stop].reshape(grad.shape)
            if grad.flags.writeable or param is None:
                get_array_module(grad).multiply(piece, scale, out=grad, casting="same_kind")
            else:  # e.g. a broadcast view handed out by backward
                param.grad = (piece * scale).astype(grad.dtype, copy=False)

    def unpack_data(self, entries: Sequence[Entry], buffer: Array) -> None:
        """Write ``buffer`` back into the parameters' data arrays, in place."""
        for index, start, stop in self.slots:
            data = entries[index][2]
            get_array_module(data).copyto(data, buffer[start:stop].reshape(data.shape))


@final
class Plan:
    """Where each entry goes, and a checksum of the layout that every rank must share."""

    __slots__ = ("buckets", "checksum", "description", "n_elements")

    def __init__(self, key: tuple[tuple[str, tuple[int, ...], str, bool], ...], wire: WireDtype):
        buckets: dict[tuple[bool, str], Bucket] = {}
        for index, (_, shape, dtype_str, on_host) in enumerate(key):
            wire_dtype = wire(numpy.dtype(dtype_str), on_host)
            bucket = buckets.get((on_host, wire_dtype.str))
            if bucket is None:
                bucket = buckets[on_host, wire_dtype.str] = Bucket(wire_dtype, on_host)
            size = int(numpy.prod(shape, dtype=numpy.int64))
            bucket.slots.append((index, bucket.size, bucket.size + size))
            bucket.size += size
        # A fixed bucket order: every rank runs the same collectives in the same order.
        self.buckets: Final = [buckets[k] for k in sorted(buckets)]
        self.n_elements: Final = sum(b.size for b in self.buckets)
        self.description: Final = ";".join(
            f"{name}:{shape}:{dtype}" for name, shape, dtype, _ in key
        )
        self.checksum: Final = zlib.crc32(self.description.encode())


def on_host(array: Array) -> bool:
    """Whether ``array`` is a NumPy array (not a CuPy one); mypy cannot tell them apart."""
    return isinstance(array, numpy.ndarray)


def is_int(value: object) -> bool:
    """Whether ``value`` is an int (``bool`` excluded)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _key(entries: Sequence[Entry]) -> tuple[tuple[str, tuple[int, ...], str, bool], ...]:
    return tuple(
        (name, array.shape, array.dtype.str, on_host(array)) for name, _, array in entries
    )


def plan_for(entries: Sequence[Entry], cache: dict[Any, Plan], wire: WireDtype) -> Plan:
    """Return the (cached) plan for ``entries``."""
    key = _key(entries)
    plan = cache.get(key)
    if plan is None:
        if len(cache) > 64:  # a model whose layout keeps changing must not leak plans
            cache.clear()
        plan = cache[key] = Plan(key, wire)
    return plan


def collect_grads(model: Link, zero_fill: bool) -> list[Entry]:
    """The gradients to average: initialized parameters in ``namedparams`` order.

    A parameter without a gradient is skipped, or, with ``zero_fill``, given a zero one.

    Raises:
        TypeError: If a gradient is not of a floating-point dtype.
    """
    entries: list[Entry] = []
    for name, param in model.namedparams(include_uninit=False):
        grad = param.grad
        if grad is None:
            if not zero_fill:
                continue
            data = param.array
            assert data is not None  # include_uninit=False
            grad = get_array_module(data).zeros_like(data)
            param.grad = grad
        if grad.dtype.kind not in "fc":
            raise TypeError(
                f"cannot average the gradient of {name}: its dtype is {grad.dtype}, "
                "expected a floating-point dtype"
            )
        entries.append((name, param, grad))
    return entries


def collect_data(model: Link) -> list[Entry]:
    """The data arrays of the initialized parameters, in ``namedparams`` order."""
    entries: list[Entry] = []
    for name, param in model.namedparams(include_uninit=False):
        data = param.array
        assert data is not None  # include_uninit=False
        entries.append((name, param, data))
    return entries
