"""Differentiable point-to-point communication: ``send``, ``recv`` and ``pseudo_connect``.

The backward pass runs the communication in reverse: the receiver's backward sends the
gradient of what it received, the sender's backward receives it.  Each process must run
its backward steps in an order that pairs up with the other's, which the *delegate
variables* arrange: :func:`send` returns one, and passing it to :func:`recv` or
:func:`pseudo_connect` makes the later communication's backward run first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, final, overload

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray, config

from ._communicator import CommunicatorBase
from ._delegate import (
    Shapes,
    constant_backward,
    empty_delegate,
    fill_missing,
    make_delegate,
    remember,
)

__all__ = ["PseudoConnect", "Recv", "Send", "pseudo_connect", "recv", "send"]


def _check_peer(comm: CommunicatorBase, rank: object, what: str) -> int:
    if not isinstance(comm, CommunicatorBase):
        raise TypeError(
            f"communicator must come from kusari.distributed.create_communicator, got "
            f"{type(comm).__name__}"
        )
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < comm.size:
        raise ValueError(f"rank must be a rank in [0, {comm.size}), got {rank!r}")
    if rank == comm.rank:
        raise ValueError(
            f"rank must be different from communicator rank ({rank}): a process cannot "
            f"{what} itself, otherwise deadlock occurs"
        )
    return rank


@final
class Send(FunctionNode):
    """Send the inputs (all but the last, an empty stand-in) to ``peer_rank``.

    The only output is an empty float32 delegate; backward receives the gradients of the
    inputs from ``peer_rank``.  The stand-in input guarantees that backward runs even when
    no sent input requires a gradient (the receiver's backward would wait forever).

    Args:
        comm: The communicator.
        peer_rank: The receiving rank.
        peer_tag: The message tag.
    """

    __slots__ = ("_n_sent", "comm", "peer_rank", "peer_tag")

    def __init__(self, comm: CommunicatorBase, peer_rank: int, peer_tag: int = 0) -> None:
        self.comm = comm
        self.peer_rank = peer_rank
        self.peer_tag = peer_tag
        self._n_sent = 0

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Send the inputs; return the empty delegate."""
        sent = inputs[:-1]
        self._n_sent = len(sent)
        self.comm.send(sent[0] if len(sent) == 1 else sent, self.peer_rank, self.peer_tag)
        return (empty_delegate(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Receive the gradients of the sent inputs."""
        return constant_backward(self, "send", target_input_indexes, grad_outputs)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Receive the gradients of the sent inputs."""
        received = self.comm.recv(self.peer_rank, self.peer_tag)
        grads = received if isinstance(received, tuple) else (received,)
        if len(grads) != self._n_sent:
            raise RuntimeError(
                f"send to rank {self.peer_rank} (tag {self.peer_tag}) sent {self._n_sent} "
                f"arrays but received {len(grads)} gradients back: the processes' graphs do "
                "not pair up"
            )
        return (*grads, empty_delegate(grads[0] if grads else None))


@final
class Recv(FunctionNode):
    """Receive arrays from ``peer_rank``; the input is a delegate (or an empty stand-in).

    Backward sends the gradients of the outputs back (zeros for those without one) and
    returns zeros for the input, which runs the backward pass of the delegate's
    communication next.

    Args:
        comm: The communicator.
        peer_rank: The sending rank.
        peer_tag: The message tag.
    """

    __slots__ = ("_input", "_outputs_like", "comm", "peer_rank", "peer_tag")

    def __init__(self, comm: CommunicatorBase, peer_rank: int, peer_tag: int = 0) -> None:
        self.comm = comm
        self.peer_rank = peer_rank
        self.peer_tag = peer_tag
        self._outputs_like: Shapes = ()
        self._input: Shapes = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Receive the arrays."""
        received = self.comm.recv(self.peer_rank, self.peer_tag)
        outputs = received if isinstance(received, tuple) else (received,)
        self._outputs_like = remember(outputs)
        self._input = remember(inputs)
        return outputs

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Send the output gradients back."""
        return constant_backward(self, "recv", target_input_indexes, grad_outputs)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Send the output gradients back."""
        grads = fill_missing(grad_outputs, self._outputs_like)
        self.comm.send(tuple(grads), self.peer_rank, self.peer_tag)
        like, shape = self._input[0]
        return (get_array_module(like).zeros(shape, like.dtype),)


@final
class PseudoConnect(FunctionNode):
    """Pass the inputs after the first through; hang them on the first (a delegate).

    Backward returns the gradients unchanged, and zeros for the delegate, so that the
    delegate's communication is undone after everything computed from the outputs.
    """

    __slots__ = ("_delegate",)

    def __init__(self) -> None:
        self._delegate: Shapes = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Return the inputs after the first."""
        self._delegate = remember(inputs[:1])
        return inputs[1:]

    def _zero_delegate(self) -> Array:
        like, shape = self._delegate[0]
        zeros: Array = get_array_module(like).zeros(shape, like.dtype)
        return zeros

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The output gradients, and zeros for the delegate."""
        return (Variable(self._zero_delegate(), requires_grad=False), *grad_outputs)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The output gradients, and zeros for the delegate."""
        return (self._zero_delegate(), *grad_outputs)


def send(
    x: VariableOrArray | Sequence[VariableOrArray],
    communicator: CommunicatorBase,
    rank: int,
    tag: int = 0,
) -> Variable:
    """Send ``x`` to process ``rank``; its gradient comes back in the backward pass.

    The process ``rank`` calls :func:`recv` with this process's rank and the same ``tag``.
    The returned *delegate variable* (empty, float32) stands for the send: ``backward()``
    on it receives the gradient of ``x`` from ``rank`` (and backpropagates it further), or
    pass it to :func:`recv` or :func:`pseudo_connect` so that the send is undone after the
    later part of the graph.  Not differentiable twice.

    Args:
        x: A Variable or array, or a tuple or list of them (received as a tuple).
        communicator: The communicator.
        rank: The receiving rank (not this process's).
        tag: The message tag.

    Returns:
        The delegate variable.

    Raises:
        ValueError: If ``rank`` is not another process's rank.
        TypeError: If ``communicator`` is not a kusari communicator.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.functions import recv, send
        >>> from kusari.graph import Variable
        >>> comm = create_communicator("mpi")
        >>> if comm.size == 2:  # under mpiexec -n 2: rank 0 computes, rank 1 continues
        ...     if comm.rank == 0:
        ...         x = Variable(numpy.array([1.0, 2.0]))
        ...         send(x * 3, comm, rank=1).backward()  # waits for the gradient
        ...         print(x.grad.tolist())  # d/dx of sum((3x)**2): [18.0, 36.0]
        ...     else:
        ...         h = recv(comm, rank=0)
        ...         F.sum(h * h).backward()  # sends 2h back
    """
    rank = _check_peer(communicator, rank, "send to")
    xs = tuple(x) if isinstance(x, (tuple, list)) else (x,)
    if not xs:
        raise ValueError("send needs at least one Variable or array to send")
    first = xs[0].array if isinstance(xs[0], Variable) else xs[0]
    stand_in = Variable(empty_delegate(first))
    (delegate,) = Send(communicator, rank, tag).apply((*xs, stand_in))
    return make_delegate(delegate)


@overload
def recv(
    communicator: CommunicatorBase,
    rank: int,
    delegate_variable: Variable | None = None,
    tag: int = 0,
    *,
    force_tuple: Literal[True],
) -> tuple[Variable, ...]: ...
@overload
def recv(
    communicator: CommunicatorBase,
    rank: int,
    delegate_variable: Variable | None = None,
    tag: int = 0,
    force_tuple: bool = False,
) -> Variable | tuple[Variable, ...]: ...
def recv(
    communicator: CommunicatorBase,
    rank: int,
    delegate_variable: Variable | None = None,
    tag: int = 0,
    force_tuple: bool = False,
) -> Variable | tuple[Variable, ...]:
    """Receive what process ``rank`` passed to :func:`send`; backward sends the gradient back.

    Args:
        communicator: The communicator.
        rank: The sending rank (not this process's).
        delegate_variable: A delegate of an earlier communication of this process (from
            :func:`send`); its backward then runs after this receive's backward.
        tag: The message tag.
        force_tuple: Return a tuple also when a single array was sent.

    Returns:
        A Variable, or a tuple of them when the sender sent a tuple (or ``force_tuple``).

    Raises:
        ValueError: If ``rank`` is not another process's rank.
        TypeError: If ``communicator`` is not a kusari communicator, or
            ``delegate_variable`` is not a Variable.

    Example:
        >>> import numpy
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.functions import recv, send
        >>> comm = create_communicator("mpi")
        >>> if comm.size == 2:  # under mpiexec -n 2
        ...     if comm.rank == 0:
        ...         delegate = send(numpy.ones(2), comm, rank=1)
        ...     else:
        ...         (y,) = recv(comm, rank=0, force_tuple=True)
    """
    rank = _check_peer(communicator, rank, "receive from")
    if delegate_variable is None:
        source: Variable = Variable(numpy.empty((0,), dtype=numpy.float32))
    elif isinstance(delegate_variable, Variable):
        delegate_variable.name = "delegate_variable"
        source = delegate_variable
    else:
        raise TypeError(
            f"delegate_variable must be a Variable (from send) or None, got "
            f"{type(delegate_variable).__name__}"
        )
    outputs = Recv(communicator, rank, tag).apply((source,))
    if len(outputs) == 1 and not force_tuple:
        return outputs[0]
    return outputs


def pseudo_connect(
    delegate_variable: Variable | None, *actual_variables: VariableOrArray
) -> tuple[Variable, ...]:
    """Return ``actual_variables`` unchanged, with ``delegate_variable`` attached to them.

    Backpropagating through the results then also backpropagates into the delegate, after
    everything computed from them: the way to undo an earlier :func:`send` of this process
    at the right moment (e.g. when the final output depends on it only through the peer).

    Args:
        delegate_variable: A delegate (from :func:`send`), or ``None`` for an empty
            stand-in.
        *actual_variables: The Variables (or arrays) to pass through.

    Returns:
        One Variable per actual variable (a tuple, also for one).

    Raises:
        ValueError: If no actual variable is given.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.distributed.functions import pseudo_connect
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.array([1.0, 2.0]))
        >>> (y,) = pseudo_connect(None, x)
        >>> F.sum(y * y).backward()
        >>> y.array.tolist(), x.grad.tolist()
        ([1.0, 2.0], [2.0, 4.0])
    """
    if not actual_variables:
        raise ValueError("pseudo_connect needs at least one actual variable to pass through")
    if delegate_variable is None:
        first = actual_variables[0]
        array = first.array if isinstance(first, Variable) else first
        assert array is not None
        xp = get_array_module(array)
        delegate: VariableOrArray = xp.empty((0,), dtype=config.dtype)
    else:
        delegate = delegate_variable
    return PseudoConnect().apply((delegate, *actual_variables))
