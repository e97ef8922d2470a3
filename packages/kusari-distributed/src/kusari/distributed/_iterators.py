"""Iterators for model parallelism: one process reads, the others follow."""

from __future__ import annotations

from collections.abc import Sized
from typing import Any, Protocol, TypeVar

import numpy

from kusari.iterators import Iterator, ShuffleOrderSampler
from kusari.serializers import AbstractSerializer

from ._communicator import CommunicatorBase

__all__ = [
    "MultiNodeIterator",
    "create_empty_dataset",
    "create_multi_node_iterator",
    "create_synchronized_iterator",
]

_T = TypeVar("_T")
# (epoch, epoch_detail, previous_epoch_detail, is_new_epoch, current_position)
_State = tuple[int, float, float | None, bool, int | None]


def _state_of(iterator: Any) -> _State:
    return (
        int(getattr(iterator, "epoch", 0)),
        float(getattr(iterator, "epoch_detail", 0.0)),
        getattr(iterator, "previous_epoch_detail", None),
        bool(getattr(iterator, "is_new_epoch", False)),
        getattr(iterator, "current_position", None),
    )


class MultiNodeIterator(Iterator[Any]):
    """Batches read on one process and broadcast to all: see :func:`create_multi_node_iterator`.

    On the master, ``next`` reads a batch from the actual iterator and broadcasts it with
    the epoch bookkeeping; elsewhere it receives them.  So every process gets the same
    batches and the same ``epoch``, ``epoch_detail``, ``previous_epoch_detail``,
    ``is_new_epoch`` and ``current_position``, and all stop (``StopIteration``) together.
    ``next`` is collective.

    Args:
        actual_iterator: The iterator to read from (used on the master only).
        communicator: The communicator.
        rank_master: The rank that reads.

    Attributes:
        actual_iterator: The iterator read from on the master (``None`` elsewhere).
        communicator: The communicator.
        rank_master: The rank that reads.
    """

    current_position: int | None

    def __init__(
        self,
        actual_iterator: Iterator[Any] | None,
        communicator: CommunicatorBase,
        rank_master: int,
    ) -> None:
        if not isinstance(communicator, CommunicatorBase):
            raise TypeError(
                "communicator must come from kusari.distributed.create_communicator, got "
                f"{type(communicator).__name__}"
            )
        size = communicator.size
        if isinstance(rank_master, bool) or not isinstance(rank_master, int):
            raise ValueError(f"rank_master must be a rank in [0, {size}), got {rank_master!r}")
        if not 0 <= rank_master < size:
            raise ValueError(f"rank_master must be a rank in [0, {size}), got {rank_master!r}")
        self.communicator = communicator
        self.rank_master = rank_master
        is_master = communicator.rank == rank_master
        if is_master and actual_iterator is None:
            raise ValueError(f"the master (rank {rank_master}) needs an actual_iterator, got None")
        self.actual_iterator = actual_iterator if is_master else None
        state = _state_of(actual_iterator) if is_master else None
        state = communicator.bcast_obj(state, root=rank_master)
        assert state is not None
        self._mirror(state)

    @property
    def is_master(self) -> bool:
        """Whether this process reads the batches."""
        return self.actual_iterator is not None

    def _mirror(self, state: _State) -> None:
        (
            self.epoch,
            self.epoch_detail,
            self.previous_epoch_detail,
            self.is_new_epoch,
            self.current_position,
        ) = state

    def __next__(self) -> list[Any]:
        """Return the master's next batch (collective).

        Raises:
            StopIteration: On every process, when the master's iterator stops.
        """
        message: tuple[list[Any], _State] | None = None
        if self.actual_iterator is not None:
            try:
                batch = self.actual_iterator.next()
            except StopIteration:
                message = None
            else:
                message = (batch, _state_of(self.actual_iterator))
        message = self.communicator.bcast_obj(message, root=self.rank_master)
        if message is None:
            raise StopIteration
        batch, state = message
        self._mirror(state)
        return batch

    def finalize(self) -> None:
        """Finalize the actual iterator (on the master)."""
        if self.actual_iterator is not None:
            self.actual_iterator.finalize()

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the position: the actual iterator's on the master, the mirror elsewhere.

        Args:
            serializer: The serializer or deserializer.
        """
        if self.actual_iterator is not None:
            self.actual_iterator.serialize(serializer)
            self._mirror(_state_of(self.actual_iterator))
            return
        previous = self.previous_epoch_detail
        position = self.current_position
        self.epoch = int(serializer("epoch", self.epoch))
        self.epoch_detail = float(serializer("epoch_detail", self.epoch_detail))
        loaded_previous = float(
            serializer("previous_epoch_detail", -1.0 if previous is None else previous)
        )
        self.previous_epoch_detail = None if loaded_previous < 0 else loaded_previous
        self.is_new_epoch = bool(serializer("is_new_epoch", self.is_new_epoch))
        loaded_position = int(serializer("current_position", -1 if position is None else position))
        self.current_position = None if loaded_position < 0 else loaded_position


def create_multi_node_iterator(
    actual_iterator: Iterator[Any] | None, communicator: CommunicatorBase, rank_master: int = 0
) -> MultiNodeIterator:
    """An iterator whose batches the master reads and every process receives.

    For model parallelism, where every process needs the same input batches (e.g. the
    inputs on the first stage, the labels on the last) but only one should read the data.
    Creating it and every ``next`` are collective.

    Args:
        actual_iterator: The iterator to read from on ``rank_master``; ignored (may be
            ``None``) elsewhere.
        communicator: The communicator.
        rank_master: The rank that reads.

    Returns:
        The iterator (:class:`MultiNodeIterator`).

    Raises:
        ValueError: If ``rank_master`` is not a rank, or the master has no iterator.
        TypeError: If ``communicator`` is not a kusari communicator.

    Example:
        >>> from kusari.distributed import create_communicator, create_multi_node_iterator
        >>> from kusari.iterators import SerialIterator
        >>> comm = create_communicator("mpi")
        >>> data = SerialIterator([0, 1, 2, 3, 4], 2, repeat=False, shuffle=False)
        >>> it = create_multi_node_iterator(data if comm.rank == 0 else None, comm)
        >>> list(it), it.epoch, it.is_new_epoch
        ([[0, 1], [2, 3], [4]], 1, True)
    """
    return MultiNodeIterator(actual_iterator, communicator, rank_master)


class _Resettable(Protocol):
    order_sampler: Any

    def reset(self) -> None: ...


_I = TypeVar("_I", bound=_Resettable)


def create_synchronized_iterator(actual_iterator: _I, communicator: CommunicatorBase) -> _I:
    """Make every process's shuffling iterator draw the same orders; return it.

    A shuffling iterator (one with an ``order_sampler``) gets a
    :class:`~kusari.iterators.ShuffleOrderSampler` seeded with one seed broadcast from
    rank 0 (drawn from NumPy's global random state there) and is reset, so that every
    process reading the same dataset gets the same batches.  An iterator that does not
    shuffle (``order_sampler`` is ``None``) already agrees and is left as it is.
    Collective.

    Args:
        actual_iterator: The iterator (e.g. a ``SerialIterator``); it is changed in place.
        communicator: The communicator.

    Returns:
        ``actual_iterator`` itself.

    Raises:
        ValueError: If ``actual_iterator`` has no ``order_sampler`` attribute.
        TypeError: If ``communicator`` is not a kusari communicator.

    Example:
        >>> from kusari.distributed import create_communicator, create_synchronized_iterator
        >>> from kusari.iterators import SerialIterator
        >>> comm = create_communicator("mpi")
        >>> it = create_synchronized_iterator(SerialIterator(list(range(6)), 3), comm)
        >>> sorted(next(it) + next(it))  # the same shuffled batches on every process
        [0, 1, 2, 3, 4, 5]
    """
    if not isinstance(communicator, CommunicatorBase):
        raise TypeError(
            "communicator must come from kusari.distributed.create_communicator, got "
            f"{type(communicator).__name__}"
        )
    if not hasattr(actual_iterator, "order_sampler") or not hasattr(actual_iterator, "reset"):
        raise ValueError(
            "actual_iterator must have order_sampler (and reset()), as SerialIterator, "
            "MultiprocessIterator and MultithreadIterator do; got "
            f"{type(actual_iterator).__name__}"
        )
    shuffles = actual_iterator.order_sampler is not None
    # Every process must take part in the broadcast, so agree first on whether to do it.
    if communicator.allreduce_obj(int(shuffles)) == 0:
        return actual_iterator
    # NumPy's global random state on purpose: numpy.random.seed() on rank 0 controls it.
    seed = int(numpy.random.randint(0, 2**31 - 1)) if communicator.rank == 0 else None  # noqa: NPY002
    seed = communicator.bcast_obj(seed, root=0)
    if shuffles:
        actual_iterator.order_sampler = ShuffleOrderSampler(numpy.random.RandomState(seed))
        actual_iterator.reset()
    return actual_iterator


def create_empty_dataset(dataset: Sized) -> list[tuple[()]]:
    """A dataset of empty tuples as long as ``dataset`` (ChainerMN's model-parallel filler).

    Processes of a model-parallel job whose components take no input from the dataset
    iterate over it, so that they run as many iterations as the process that reads.

    Args:
        dataset: Anything with a length.

    Returns:
        ``len(dataset)`` empty tuples.

    Raises:
        TypeError: If ``dataset`` has no length.

    Example:
        >>> from kusari.distributed import create_empty_dataset
        >>> create_empty_dataset([10, 20, 30])
        [(), (), ()]
    """
    if not isinstance(dataset, Sized):
        raise TypeError(f"dataset must have a length, got {type(dataset).__name__}")
    return [()] * len(dataset)
