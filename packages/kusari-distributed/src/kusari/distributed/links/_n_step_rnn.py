"""``create_multi_node_n_step_rnn``: an N-step RNN whose states come from and go to peers."""

from __future__ import annotations

from typing import Any

from kusari.graph import Variable
from kusari.links import (
    Chain,
    Link,
    NStepBiGRU,
    NStepBiLSTM,
    NStepBiRNNReLU,
    NStepBiRNNTanh,
    NStepGRU,
    NStepLSTM,
    NStepRNNReLU,
    NStepRNNTanh,
)

from .._communicator import CommunicatorBase
from .._point_to_point import pseudo_connect, recv, send

__all__ = ["MultiNodeNStepRNN", "create_multi_node_n_step_rnn"]

_TWO_STATES = (NStepLSTM, NStepBiLSTM)
_ONE_STATE = (NStepGRU, NStepBiGRU, NStepRNNTanh, NStepRNNReLU, NStepBiRNNTanh, NStepBiRNNReLU)


def _check_rank(value: object, what: str, comm: CommunicatorBase) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < comm.size:
        raise ValueError(f"{what} must be None or a rank in [0, {comm.size}), got {value!r}")
    if value == comm.rank:
        raise ValueError(f"{what} must be another process's rank, got this process's ({value})")
    return value


class MultiNodeNStepRNN(Chain):
    """An N-step RNN link whose initial states come from ``rank_in`` and final go to ``rank_out``.

    Made by :func:`create_multi_node_n_step_rnn`.  Calling it with the link's other
    arguments (``xs``) receives the initial states from ``rank_in`` (zeros when ``None``),
    runs the RNN, sends the final states to ``rank_out`` (when not ``None``) and returns
    the link's outputs followed by the delegate variable of the sends (``None`` when
    nothing is sent).  Two processes chained this way form an encoder-decoder whose
    gradients flow back from the decoder into the encoder.

    Args:
        link: The N-step RNN (``NStepLSTM``, ``NStepGRU``, ``NStepRNNTanh``, ... and their
            bidirectional versions).
        comm: The communicator.
        rank_in: The rank to receive the initial states from, or ``None``.
        rank_out: The rank to send the final states to, or ``None``.

    Attributes:
        actual_rnn: The wrapped link (a child: its parameters are this link's).
        n_cells: The number of states (2 for LSTMs: hidden and cell; else 1).
        rank_in: The rank the initial states come from, or ``None``.
        rank_out: The rank the final states go to, or ``None``.

    Raises:
        ValueError: If ``link`` is not an N-step RNN, or a rank is out of range or this
            process's.
        TypeError: If ``comm`` is not a kusari communicator.
    """

    actual_rnn: Link

    def __init__(
        self,
        link: Any,
        comm: CommunicatorBase,
        rank_in: int | None = None,
        rank_out: int | None = None,
    ) -> None:
        if not isinstance(comm, CommunicatorBase):
            raise TypeError(
                "communicator must come from kusari.distributed.create_communicator, got "
                f"{type(comm).__name__}"
            )
        if isinstance(link, _TWO_STATES):
            n_cells = 2
        elif isinstance(link, _ONE_STATE):
            n_cells = 1
        else:
            raise ValueError(
                "link must be NStepRNN and its inherited link (NStepLSTM, NStepGRU, "
                f"NStepRNNTanh, NStepRNNReLU or a bidirectional one), got {type(link).__name__}"
            )
        rank_in = _check_rank(rank_in, "rank_in", comm)
        rank_out = _check_rank(rank_out, "rank_out", comm)
        super().__init__(actual_rnn=link)
        self.comm = comm
        self.rank_in = rank_in
        self.rank_out = rank_out
        self.n_cells = n_cells

    def forward(self, *inputs: Any) -> tuple[Any, ...]:
        """Receive the initial states, run the RNN on ``inputs``, send the final states.

        Args:
            *inputs: The link's arguments after the states (``xs``).

        Returns:
            The link's outputs (final states, then ``ys``) and the delegate variable (or
            ``None``).
        """
        states: list[Variable | None] = [None] * self.n_cells
        if self.rank_in is not None:
            previous: Variable | None = None
            for i in range(self.n_cells):
                # Each receive hangs on the previous one, so that backward sends the
                # gradients back in the order the sender's backward receives them.
                received = recv(self.comm, self.rank_in, delegate_variable=previous)
                assert isinstance(received, Variable)
                states[i] = previous = received
        outputs: tuple[Any, ...] = tuple(self.actual_rnn(*states, *inputs))
        delegate: Variable | None = None
        if self.rank_out is not None:
            state: Variable = outputs[0]
            for i in range(self.n_cells):
                delegate = send(state, self.comm, self.rank_out)
                if i + 1 < self.n_cells:
                    (state,) = pseudo_connect(delegate, outputs[i + 1])
        return (*outputs, delegate)


def create_multi_node_n_step_rnn(
    actual_link: Any,
    communicator: CommunicatorBase,
    rank_in: int | None = None,
    rank_out: int | None = None,
) -> MultiNodeNStepRNN:
    """Wrap an N-step RNN so that its states are received from and sent to other processes.

    Args:
        actual_link: The N-step RNN link (``NStepLSTM``, ``NStepGRU``, ...).
        communicator: The communicator.
        rank_in: The rank to receive the initial states from; ``None`` for zeros.
        rank_out: The rank to send the final states to; ``None`` to send nothing.

    Returns:
        The wrapping link (see :class:`MultiNodeNStepRNN`).

    Raises:
        ValueError: If ``actual_link`` is not an N-step RNN or a rank is invalid.

    Example:
        >>> import numpy
        >>> import kusari.links as L
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.links import create_multi_node_n_step_rnn
        >>> comm = create_communicator("mpi")
        >>> rnn = create_multi_node_n_step_rnn(L.NStepLSTM(1, 3, 4, 0.0), comm)
        >>> hy, cy, ys, delegate = rnn([numpy.ones((5, 3), numpy.float32)])
        >>> hy.shape, ys[0].shape, delegate is None
        ((1, 1, 4), (5, 4), True)
    """
    return MultiNodeNStepRNN(actual_link, communicator, rank_in, rank_out)
