"""``MultiNodeChainList``: one model split over processes (model parallelism)."""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Any, TypeAlias

from kusari.graph import Variable
from kusari.links import ChainList, Link

from .._communicator import CommunicatorBase
from .._point_to_point import pseudo_connect, recv, send

__all__ = ["MultiNodeChainList", "RankSpec"]

RankSpec: TypeAlias = int | Sequence[int] | None
"""A rank, several ranks, or ``None`` (the model's input or output)."""


def _ranks(value: RankSpec, what: str, size: int) -> tuple[int, ...] | None:
    if value is None:
        return None
    ranks: tuple[object, ...] = (value,) if isinstance(value, int) else tuple(value)
    for rank in ranks:
        if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < size:
            raise ValueError(
                f"{what} must be None, a rank in [0, {size}) or a list of them, got {value!r}"
            )
    if not ranks:
        raise ValueError(f"{what} must name at least one rank (or be None), got {value!r}")
    return ranks  # type: ignore[return-value]


class MultiNodeChainList(ChainList):
    """A model whose components run on different processes, connected by send and recv.

    Every process builds its own ``MultiNodeChainList`` holding the components it runs,
    each added with :meth:`add_link` and the ranks it receives its inputs from
    (``rank_in``) and sends its output to (``rank_out``).  Calling the model runs the
    components in the order they were added: a component with ``rank_in=None`` takes the
    model's inputs, one with ranks receives one input from each (in order); a component
    with ``rank_out=None`` gives the model's output, one with ranks sends its output to
    each.  A rank may name itself: the array then passes through a local queue.

    The result is the model's output on the process that has one (at most one component
    per process may have ``rank_out=None``), else a *delegate variable*.  Run
    ``backward()`` on every process: from the loss where there is an output, from the
    delegate elsewhere; the gradients travel back along the same edges, in an order that
    pairs every receive with its send (no deadlock), and each process's optimizer then
    updates its own components' parameters.

    Args:
        comm: The communicator.

    Raises:
        TypeError: If ``comm`` is not a kusari communicator.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> import kusari.links as L
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.links import MultiNodeChainList
        >>> comm = create_communicator("mpi")
        >>> model = MultiNodeChainList(comm)
        >>> if comm.size == 1:  # all in one process: no communication
        ...     model.add_link(L.Linear(3, 4))
        ... elif comm.rank == 0:  # under mpiexec -n 2: the first layer, sent to rank 1
        ...     model.add_link(L.Linear(3, 4), rank_in=None, rank_out=1)
        ... else:  # the second layer, received from rank 0
        ...     model.add_link(L.Linear(4, 2), rank_in=0, rank_out=None)
        >>> y = model(numpy.ones((1, 3), numpy.float32))
        >>> loss = F.sum(y) if comm.size == 1 or comm.rank == 1 else y
        >>> loss.backward()  # rank 0's backward waits for rank 1's gradient
    """

    def __init__(self, comm: CommunicatorBase) -> None:
        super().__init__()
        if not isinstance(comm, CommunicatorBase):
            raise TypeError(
                "comm must come from kusari.distributed.create_communicator, got "
                f"{type(comm).__name__}"
            )
        self._comm = comm
        self._rank_inouts: list[tuple[tuple[int, ...] | None, tuple[int, ...] | None]] = []

    @property
    def comm(self) -> CommunicatorBase:
        """The communicator."""
        return self._comm

    def add_link(self, link: Link, rank_in: RankSpec = None, rank_out: RankSpec = None) -> None:
        """Append a component and where its inputs come from and its output goes.

        Args:
            link: The component.
            rank_in: The rank (or ranks, one per input) to receive the inputs from;
                ``None`` for the model's inputs.
            rank_out: The rank (or ranks) to send the output to; ``None`` to make it the
                model's output (at most one component per process).

        Raises:
            ValueError: If a rank is out of range, or a second component has
                ``rank_out=None``.
            TypeError: If ``link`` is not a Link.
        """
        size = self._comm.size
        ins = _ranks(rank_in, "rank_in", size)
        outs = _ranks(rank_out, "rank_out", size)
        if outs is None:
            for index, (_, other) in enumerate(self._rank_inouts):
                if other is None:
                    raise ValueError(
                        "MultiNodeChainList cannot have more than one component whose "
                        f"rank_out is None (the model's output): component #{index} already "
                        "has rank_out=None"
                    )
        super().add_link(link)
        self._rank_inouts.append((ins, outs))

    def forward(self, *inputs: Any) -> Variable:
        """Run this process's components, communicating with the other processes.

        Args:
            *inputs: The model's inputs, for the components with ``rank_in=None``.

        Returns:
            The model's output on the process that has one; a delegate variable elsewhere.

        Raises:
            RuntimeError: If the model has no component.
            ValueError: If a component sends to this process more (or less) than
                another receives from it.
        """
        if not self._rank_inouts:
            raise RuntimeError("MultiNodeChainList has no component: add_link() first")
        me = self._comm.rank
        local: collections.deque[Variable] = collections.deque()
        output: Variable | None = None
        # The variable whose backward must run last among what this process did so far;
        # later communication is hung on it, so backward undoes it in reverse order.
        delegate: Variable | None = None
        for link, (ins, outs) in zip(self._children, self._rank_inouts, strict=True):
            if ins is None:
                args: tuple[Any, ...] = inputs
                if delegate is not None:
                    args = pseudo_connect(delegate, *inputs)
                x: Variable = link(*args)
            else:
                received: list[Variable] = []
                for rank in ins:
                    if rank == me:
                        if not local:
                            raise ValueError(
                                f"a component receives from its own rank {me}, but no earlier "
                                "component sent to it: make rank_in and rank_out correspond"
                            )
                        value = local.popleft()
                        if delegate is not None:
                            (value,) = pseudo_connect(delegate, value)
                    else:
                        (value,) = recv(self._comm, rank, delegate, force_tuple=True)
                    received.append(value)
                    delegate = value
                delegate = None  # the output depends on all of them
                x = link(*received)
            if outs is None:
                output = x
                delegate = x
                continue
            for position, rank in enumerate(outs):
                if rank == me:
                    if delegate is not None:
                        (x,) = pseudo_connect(delegate, x)
                    local.append(x)
                    delegate = x
                else:
                    if position > 0 and delegate is not None:
                        (x,) = pseudo_connect(delegate, x)
                    delegate = send(x, self._comm, rank)
        if local:
            raise ValueError(
                f"{len(local)} output(s) sent by this process to itself were never received: "
                "make rank_in and rank_out correspond"
            )
        assert delegate is not None
        if output is None or output is delegate:
            return delegate
        (connected,) = pseudo_connect(delegate, output)
        return connected
