"""``scatter_dataset``: give every process its share of a data set held by one."""

from __future__ import annotations

from typing import Any, TypeVar

import numpy

from kusari.datasets import Dataset, SubDataset

from ._communicator import CommunicatorBase
from ._objects import DEFAULT_MAX_BUF_LEN, check_max_buf_len, recv_pickled, send_pickled
from ._packing import is_int

__all__ = ["scatter_dataset", "scatter_index"]

_T = TypeVar("_T")

_TAG = 0x5CA7  # scatter_dataset's messages, apart from a user's tag-0 traffic


def _bounds(n: int, size: int, force_equal_length: bool) -> list[tuple[int, int]]:
    if force_equal_length:
        # ChainerMN's shares: all ceil(n / size) long, starting at floor(n * i / size), so
        # when size does not divide n a few examples belong to two neighbouring shares.
        length = -(-n // size)
        return [(n * i // size, n * i // size + length) for i in range(size)]
    # Disjoint shares whose lengths differ by at most one.
    return [(n * i // size, n * (i + 1) // size) for i in range(size)]


def scatter_index(
    n_total_indices: int,
    comm: CommunicatorBase,
    root: int = 0,
    *,
    force_equal_length: bool = True,
) -> tuple[int, int]:
    """Return this process's ``(start, stop)`` share of ``range(n_total_indices)``.

    The shares are those of :func:`scatter_dataset` without shuffling (collective: the
    root's ``n_total_indices`` is used).

    Args:
        n_total_indices: The number of indices, on ``root``.
        comm: The communicator.
        root: The rank whose ``n_total_indices`` counts.
        force_equal_length: As in :func:`scatter_dataset`.

    Example:
        >>> from kusari.distributed import create_communicator, scatter_index
        >>> scatter_index(10, create_communicator("mpi"))
        (0, 10)
    """
    n = comm.bcast_obj(n_total_indices, root=root)
    return _bounds(n, comm.size, force_equal_length)[comm.rank]


def scatter_dataset(
    dataset: Dataset[_T] | None,
    comm: CommunicatorBase,
    root: int = 0,
    shuffle: bool = False,
    seed: int | None = None,
    max_buf_len: int = DEFAULT_MAX_BUF_LEN,
    *,
    force_equal_length: bool = True,
) -> SubDataset[_T]:
    """Split ``root``'s data set into one share per process and hand each process its own.

    Collective.  Only ``root`` needs the data set (the others may pass ``None``); each other
    process receives only the examples of its share (pickled, in chunks of at most
    ``max_buf_len`` bytes), never the whole data set.

    Shares follow ChainerMN: with ``force_equal_length`` (the default) every process gets
    ``ceil(n / size)`` examples, the share of rank ``i`` starting at ``floor(n * i / size)``,
    so when ``size`` does not divide ``n`` a few examples sit in two neighbouring shares;
    equal lengths give every process the same number of iterations per epoch, which
    data-parallel training needs (every update is a collective).  With
    ``force_equal_length=False`` the shares are disjoint and their lengths differ by at most
    one (for evaluation, say).

    Args:
        dataset: The data set, on ``root``.
        comm: The communicator.
        root: The rank holding the data set.
        shuffle: Split a random permutation of the examples instead of their order.
        seed: The seed of that permutation (``numpy.random.RandomState(seed)``).
        max_buf_len: The largest message in bytes.
        force_equal_length: Pad the shares to equal lengths (see above).

    Returns:
        This process's share, as a :class:`kusari.datasets.SubDataset`.

    Raises:
        ValueError: If ``root`` is not a rank, ``max_buf_len`` is not positive, or the
            data set is empty while equal lengths are forced.
        TypeError: If ``dataset`` is not sized on ``root``.

        Every process raises the same error.

    Example:
        >>> from kusari.distributed import create_communicator, scatter_dataset
        >>> share = scatter_dataset(list(range(5)), create_communicator("mpi"))
        >>> len(share), share[4]
        (5, 4)
    """
    check_max_buf_len(max_buf_len)
    if not is_int(root) or not 0 <= root < comm.size:
        raise ValueError(f"root must be a rank in [0, {comm.size}), got {root!r}")
    # The root checks its data set and tells everyone, so that all raise together.
    problem: str | None = None
    n = 0
    if comm.rank == root:
        if dataset is None or not hasattr(dataset, "__len__"):
            problem = (
                "TypeError:scatter_dataset needs a sized, indexable data set on the root "
                f"(rank {root}), got {type(dataset).__name__}"
            )
        else:
            n = len(dataset)
            if n == 0 and force_equal_length:
                problem = (
                    "ValueError:cannot scatter an empty data set with force_equal_length=True "
                    "(every process would get an empty share and no iterations)"
                )
    problem = comm.bcast_obj(problem, root=root)
    if problem is not None:
        kind, _, message = problem.partition(":")
        raise (TypeError if kind == "TypeError" else ValueError)(message)
    if comm.rank != root:
        examples: list[_T] = recv_pickled(comm.mpi_comm, root, _TAG, max_buf_len)
        return SubDataset(examples, 0, len(examples))
    assert dataset is not None
    order: Any = numpy.random.RandomState(seed).permutation(n) if shuffle else None
    mine: SubDataset[_T] | None = None
    for rank, (start, stop) in enumerate(_bounds(n, comm.size, force_equal_length)):
        if rank == root:
            mine = SubDataset(dataset, start, stop, order)
            continue
        indices = range(start, stop) if order is None else order[start:stop]
        send_pickled(comm.mpi_comm, [dataset[int(i)] for i in indices], rank, _TAG, max_buf_len)
    assert mine is not None
    return mine
