"""Epoch bookkeeping shared by kusari's iterators: one pure state machine.

Every iterator computes its batches' indices with :func:`advance`, so the serial,
multithread and multiprocess iterators visit the examples in exactly the same order.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable
from typing import NamedTuple, TypeAlias, TypeVar

import numpy
import numpy.typing as npt

from kusari.datasets import Dataset
from kusari.serializers import AbstractSerializer

from ._iterator import Iterator
from ._order_sampler import OrderSampler, ShuffleOrderSampler

__all__ = ["EpochIterator", "Position", "advance"]

_T = TypeVar("_T")
_Order: TypeAlias = npt.NDArray[numpy.intp]


class Position(NamedTuple):
    """Where an iterator stands: what a snapshot of it saves."""

    current_position: int
    epoch: int
    is_new_epoch: bool
    order: _Order | None


def advance(
    position: Position,
    batch_size: int,
    repeat: bool,
    dataset_length: int,
    resample: Callable[[_Order, int], _Order],
) -> tuple[Position, _Order | None]:
    """Return the position after the next batch and that batch's indices.

    The indices are ``None`` when a non-repeating iterator is exhausted.  A batch that
    reaches the end of the epoch completes it (``is_new_epoch``); with ``repeat`` it
    continues into the next epoch, whose order comes from ``resample``.
    """
    start, epoch, _, order = position
    if not repeat and epoch > 0:
        return position, None
    size = dataset_length if order is None else len(order)
    if size == 0:
        if repeat:
            raise ValueError(
                "cannot iterate over an empty dataset with repeat=True: an epoch must hold "
                "at least one example"
            )
        return position, None
    chunks: list[_Order] = []
    i = start
    remaining = batch_size
    is_new_epoch = False
    while remaining > 0:
        stop = min(i + remaining, size)
        chunks.append(numpy.arange(i, stop) if order is None else order[i:stop])
        remaining -= stop - i
        i = stop
        if i == size:
            epoch += 1
            is_new_epoch = True
            i = 0
            if not repeat:
                break
            if order is not None:
                order = resample(order, start)
    indices = chunks[0] if len(chunks) == 1 else numpy.concatenate(chunks)
    return Position(i, epoch, is_new_epoch, order), indices


def crosses_epoch_end(position: Position, batch_size: int, dataset_length: int) -> bool:
    """Return whether the batch after ``position`` reaches the end of the epoch."""
    size = dataset_length if position.order is None else len(position.order)
    return position.current_position + batch_size >= size


class EpochIterator(Iterator[_T]):
    """The bookkeeping of an iterator over a dataset in minibatches, for several epochs.

    Subclasses decide how the examples of a batch are fetched.
    """

    dataset: Dataset[_T]
    """The dataset iterated over."""
    batch_size: int
    """The number of examples per batch."""
    repeat: bool
    """Whether the iterator goes on after the first epoch."""
    order_sampler: OrderSampler | None
    """Where each epoch's order comes from; ``None`` for the dataset's own order."""
    current_position: int
    """The position in the current epoch's order."""

    def __init__(
        self,
        dataset: Dataset[_T],
        batch_size: int,
        repeat: bool,
        shuffle: bool | None,
        order_sampler: OrderSampler | None,
    ) -> None:
        if isinstance(batch_size, bool) or operator.index(batch_size) <= 0:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if shuffle is not None and order_sampler is not None:
            raise ValueError(
                "shuffle is not None and a custom order_sampler is set; set shuffle to None "
                "to use the custom order sampler"
            )
        if order_sampler is None and (shuffle is None or shuffle):
            order_sampler = ShuffleOrderSampler()
        self.dataset = dataset
        self.batch_size = operator.index(batch_size)
        self.repeat = bool(repeat)
        self.order_sampler = order_sampler
        self.reset()

    @property
    def epoch_size(self) -> int:
        """The number of examples in one epoch."""
        order = self._position.order
        return len(self.dataset) if order is None else len(order)

    def reset(self) -> None:
        """Go back to the start of the first epoch (drawing a new order when shuffling)."""
        order = None
        if self.order_sampler is not None:
            order = self._resample(numpy.arange(len(self.dataset), dtype=numpy.intp), 0)
        self._commit(Position(0, 0, False, order), None)

    def _resample(self, order: _Order, position: int) -> _Order:
        sampler = self.order_sampler
        assert sampler is not None
        new_order = numpy.asarray(sampler(order, position))
        if new_order.ndim != 1 or len(new_order) != len(order):
            raise ValueError(
                f"the order sampler returned an order of shape {new_order.shape}; it must be "
                f"1-dimensional and as long as the previous order ({len(order)})"
            )
        if new_order.dtype.kind not in "iu":
            raise ValueError(f"the order sampler returned a {new_order.dtype} array, not integers")
        return new_order.astype(numpy.intp, copy=False)

    def _advance_from(self, position: Position) -> tuple[Position, _Order | None]:
        return advance(position, self.batch_size, self.repeat, len(self.dataset), self._resample)

    def _commit(self, position: Position, previous_epoch_detail: float | None) -> None:
        self._position = position
        self.current_position = position.current_position
        self.epoch = position.epoch
        self.is_new_epoch = position.is_new_epoch
        size = self.epoch_size
        fraction = position.current_position / size if size else 0.0
        self.epoch_detail = position.epoch + fraction
        self.previous_epoch_detail = previous_epoch_detail

    def _fetch(self, indices: _Order) -> list[_T]:
        dataset = self.dataset
        return [dataset[i] for i in indices.tolist()]

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the position: a restored iterator yields the same next batches.

        The keys are Chainer's: ``current_position``, ``epoch``, ``is_new_epoch``,
        ``order`` (when shuffling) and ``previous_epoch_detail``.  The order sampler's
        random state is saved under ``order_sampler/`` when it has one of its own.

        Args:
            serializer: The serializer or deserializer.
        """
        position = self._position
        current = int(serializer("current_position", position.current_position))
        epoch = int(serializer("epoch", position.epoch))
        is_new_epoch = bool(serializer("is_new_epoch", position.is_new_epoch))
        order = position.order
        if order is not None:
            order = serializer("order", order.copy())
        previous = self.previous_epoch_detail
        loaded_previous = float(
            serializer("previous_epoch_detail", -1.0 if previous is None else previous)
        )
        sampler_serialize = getattr(self.order_sampler, "serialize", None)
        if sampler_serialize is not None:
            try:
                sampler_serialize(serializer["order_sampler"])
            except KeyError:
                warnings.warn(
                    "the snapshot holds no state of the iterator's order sampler; later "
                    "epochs are shuffled differently than in the saved run",
                    stacklevel=2,
                )
        loaded = Position(current, epoch, is_new_epoch, order)
        loaded_previous_detail = None if loaded_previous < 0 else loaded_previous
        if _same(loaded, position) and loaded_previous_detail == previous:
            return  # saved, or loaded what was already there: keep the state objects
        self._commit(loaded, loaded_previous_detail)


def _same(a: Position, b: Position) -> bool:
    if a[:3] != b[:3]:
        return False
    if a.order is None or b.order is None:
        return a.order is b.order
    return bool(numpy.array_equal(a.order, b.order))
