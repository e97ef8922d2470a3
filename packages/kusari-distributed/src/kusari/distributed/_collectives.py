"""Differentiable collectives: ``allgather``, ``alltoall``, ``bcast``, ``gather``, ``scatter``.

Each backward pass is the adjoint collective: allgather's is an alltoall of the output
gradients summed per source, alltoall's an alltoall, bcast's a gather summed on the root,
gather's a scatter from the root and scatter's a gather to the root.  All processes must
run the forward and the backward passes (collectives).  ``allgather`` and ``alltoall``
are differentiable twice; ``bcast``, ``gather`` and ``scatter`` once.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import final

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray

from ._communicator import CommunicatorBase
from ._delegate import (
    Shapes,
    constant_backward,
    empty_delegate,
    fill_missing,
    make_delegate,
    remember,
)

__all__ = [
    "AllGather",
    "AllToAll",
    "Bcast",
    "Gather",
    "Scatter",
    "allgather",
    "alltoall",
    "bcast",
    "gather",
    "scatter",
]


def _check_comm(comm: object) -> CommunicatorBase:
    if not isinstance(comm, CommunicatorBase):
        raise TypeError(
            f"comm must come from kusari.distributed.create_communicator, got "
            f"{type(comm).__name__}"
        )
    return comm


def _check_root(comm: CommunicatorBase, root: object) -> int:
    if isinstance(root, bool) or not isinstance(root, int) or not 0 <= root < comm.size:
        raise ValueError(f"root must be a rank in [0, {comm.size}), got {root!r}")
    return root


def _check_per_process(comm: CommunicatorBase, xs: object, what: str) -> tuple[object, ...]:
    if not isinstance(xs, (tuple, list)) or len(xs) != comm.size:
        got = f"length {len(xs)}" if isinstance(xs, (tuple, list)) else type(xs).__name__
        raise ValueError(
            f"{what} needs one Variable per process: xs must be a tuple or list of length "
            f"{comm.size} (the communicator size), got {got}"
        )
    return tuple(xs)


def _sum(arrays: Sequence[Array]) -> Array:
    total: Array = functools.reduce(operator.add, arrays)
    return total


@final
class AllToAll(FunctionNode):
    """Input ``j`` goes to process ``j``; output ``i`` came from process ``i``.

    Backward is an alltoall of the output gradients (differentiable again).

    Args:
        comm: The communicator.
    """

    __slots__ = ("_outputs_like", "comm")

    def __init__(self, comm: CommunicatorBase) -> None:
        self.comm = comm
        self._outputs_like: Shapes = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Exchange the inputs."""
        outputs = self.comm.alltoall(inputs)
        self._outputs_like = remember(outputs)
        return outputs

    def _filled(self, grad_outputs: tuple[Variable | None, ...]) -> tuple[Variable, ...]:
        arrays = fill_missing(
            [None if g is None else g.array for g in grad_outputs], self._outputs_like
        )
        return tuple(
            g if g is not None else Variable(a, requires_grad=False)
            for g, a in zip(grad_outputs, arrays, strict=True)
        )

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Send every output gradient back where its output came from."""
        return AllToAll(self.comm).apply(self._filled(grad_outputs))

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Send every output gradient back where its output came from."""
        return self.comm.alltoall(fill_missing(grad_outputs, self._outputs_like))


@final
class AllGather(FunctionNode):
    """Every process's input, in rank order, on every process.

    Backward sends the gradient of output ``j`` to process ``j`` (an alltoall) and sums
    what arrives (differentiable again).

    Args:
        comm: The communicator.
    """

    __slots__ = ("_outputs_like", "comm")

    def __init__(self, comm: CommunicatorBase) -> None:
        self.comm = comm
        self._outputs_like: Shapes = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Gather the input of every process."""
        outputs = self.comm.allgather(inputs[0])
        self._outputs_like = remember(outputs)
        return outputs

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Sum over the processes of their gradients of this process's input."""
        arrays = fill_missing(
            [None if g is None else g.array for g in grad_outputs], self._outputs_like
        )
        grads = tuple(
            g if g is not None else Variable(a, requires_grad=False)
            for g, a in zip(grad_outputs, arrays, strict=True)
        )
        received = AllToAll(self.comm).apply(grads)
        total: Variable = functools.reduce(operator.add, received)
        return (total,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Sum over the processes of their gradients of this process's input."""
        received = self.comm.alltoall(fill_missing(grad_outputs, self._outputs_like))
        return (_sum(received),)


@final
class Bcast(FunctionNode):
    """The root's input on every process (other processes pass an empty stand-in).

    Backward gathers the output gradients on the root and sums them.

    Args:
        comm: The communicator.
        root: The broadcasting rank.
    """

    __slots__ = ("_input", "_output", "comm", "root")

    def __init__(self, comm: CommunicatorBase, root: int = 0) -> None:
        self.comm = comm
        self.root = root
        self._input: Shapes = ()
        self._output: Shapes = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Broadcast the root's input."""
        self._input = remember(inputs)
        y = self.comm.bcast(inputs[0] if self.comm.rank == self.root else None, self.root)
        self._output = remember((y,))
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Sum of the output gradients, on the root (zeros for the stand-in elsewhere)."""
        return constant_backward(self, "bcast", target_input_indexes, grad_outputs)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Sum of the output gradients, on the root (zeros for the stand-in elsewhere)."""
        (gy,) = fill_missing(grad_outputs, self._output)
        gathered = self.comm.gather(gy, self.root)
        if gathered is not None:
            return (_sum(gathered),)
        like, shape = self._input[0]
        return (get_array_module(like).zeros(shape, like.dtype),)


@final
class Gather(FunctionNode):
    """Every process's input on the root, in rank order; an empty delegate elsewhere.

    Backward scatters the root's output gradients back to the processes.

    Args:
        comm: The communicator.
        root: The gathering rank.
    """

    __slots__ = ("_outputs_like", "comm", "root")

    def __init__(self, comm: CommunicatorBase, root: int = 0) -> None:
        self.comm = comm
        self.root = root
        self._outputs_like: Shapes = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Gather the inputs on the root."""
        gathered = self.comm.gather(inputs[0], self.root)
        outputs = gathered if gathered is not None else (empty_delegate(inputs[0]),)
        self._outputs_like = remember(outputs)
        return outputs

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """This process's share of the root's output gradients."""
        return constant_backward(self, "gather", target_input_indexes, grad_outputs)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """This process's share of the root's output gradients."""
        if self.comm.rank == self.root:
            return (self.comm.scatter(fill_missing(grad_outputs, self._outputs_like), self.root),)
        return (self.comm.scatter(None, self.root),)


@final
class Scatter(FunctionNode):
    """Input ``i`` of the root to process ``i`` (other processes pass an empty stand-in).

    Backward gathers the output gradients on the root.

    Args:
        comm: The communicator.
        root: The scattering rank.
    """

    __slots__ = ("_input", "_output", "comm", "root")

    def __init__(self, comm: CommunicatorBase, root: int = 0) -> None:
        self.comm = comm
        self.root = root
        self._input: Shapes = ()
        self._output: Shapes = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Scatter the root's inputs."""
        self._input = remember(inputs)
        is_root = self.comm.rank == self.root
        y = self.comm.scatter(inputs if is_root else None, self.root)
        self._output = remember((y,))
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """On the root, every process's output gradient (zeros for the stand-in elsewhere)."""
        return constant_backward(self, "scatter", target_input_indexes, grad_outputs)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """On the root, every process's output gradient (zeros for the stand-in elsewhere)."""
        (gy,) = fill_missing(grad_outputs, self._output)
        gathered = self.comm.gather(gy, self.root)
        if gathered is not None:
            return gathered
        like, shape = self._input[0]
        return (get_array_module(like).zeros(shape, like.dtype),)


def _stand_in() -> Variable:
    return Variable(empty_delegate())


def allgather(comm: CommunicatorBase, x: VariableOrArray) -> tuple[Variable, ...]:
    """Every process's ``x``, in rank order, on every process (differentiable, collective).

    The gradient of ``x`` is the sum over the processes of the gradients of their copy of
    it.  Shapes may differ between processes.

    Args:
        comm: The communicator.
        x: This process's Variable or array.

    Returns:
        ``comm.size`` Variables.

    Raises:
        TypeError: If ``comm`` is not a kusari communicator.

    Example:
        >>> import numpy
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.functions import allgather
        >>> comm = create_communicator("mpi")
        >>> ys = allgather(comm, numpy.array([float(comm.rank)]))
        >>> [y.array.tolist() for y in ys]  # one process: its own array
        [[0.0]]
    """
    comm = _check_comm(comm)
    return AllGather(comm).apply((x,))


def alltoall(comm: CommunicatorBase, xs: Sequence[VariableOrArray]) -> tuple[Variable, ...]:
    """Send ``xs[j]`` to process ``j``; output ``i`` came from process ``i`` (collective).

    Differentiable (twice): the gradients go back the way the arrays came.

    Args:
        comm: The communicator.
        xs: One Variable or array per process.

    Returns:
        ``comm.size`` Variables.

    Raises:
        ValueError: If ``xs`` does not hold one entry per process.
        TypeError: If ``comm`` is not a kusari communicator.

    Example:
        >>> import numpy
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.functions import alltoall
        >>> comm = create_communicator("mpi")
        >>> xs = [numpy.array([10.0 * comm.rank + j]) for j in range(comm.size)]
        >>> [y.array.tolist() for y in alltoall(comm, xs)]
        [[0.0]]
    """
    comm = _check_comm(comm)
    entries = _check_per_process(comm, xs, "alltoall")
    return AllToAll(comm).apply(entries)  # type: ignore[arg-type]


def bcast(comm: CommunicatorBase, x: VariableOrArray | None, root: int = 0) -> Variable:
    """The root's ``x`` on every process (differentiable once, collective).

    The other processes' ``x`` is ignored (pass ``None``).  The root's gradient is the sum
    of every process's output gradient.

    Args:
        comm: The communicator.
        x: The Variable or array to broadcast, on the root.
        root: The broadcasting rank.

    Returns:
        The broadcast Variable.

    Raises:
        ValueError: If ``root`` is not a rank, or ``x`` is ``None`` on the root.
        TypeError: If ``comm`` is not a kusari communicator.

    Example:
        >>> import numpy
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.functions import bcast
        >>> comm = create_communicator("mpi")
        >>> x = numpy.array([1.0, 2.0]) if comm.rank == 0 else None
        >>> bcast(comm, x).array.tolist()
        [1.0, 2.0]
    """
    comm = _check_comm(comm)
    root = _check_root(comm, root)
    if comm.rank != root:
        x = _stand_in()
    elif x is None:
        raise ValueError(f"bcast needs a Variable or array to broadcast on the root ({root})")
    (y,) = Bcast(comm, root).apply((x,))
    return y


def gather(
    comm: CommunicatorBase, x: VariableOrArray, root: int = 0
) -> tuple[Variable, ...] | Variable:
    """Every process's ``x`` on the root, in rank order (differentiable once, collective).

    On the root: a tuple of ``comm.size`` Variables.  Elsewhere: a *delegate variable*
    (empty); call ``backward()`` on it (after the root started its backward pass, which
    scatters the gradients) to receive this process's gradient of ``x``.

    Args:
        comm: The communicator.
        x: This process's Variable or array (shapes may differ between processes).
        root: The gathering rank.

    Returns:
        The gathered Variables on the root; a delegate variable elsewhere.

    Raises:
        ValueError: If ``root`` is not a rank.
        TypeError: If ``comm`` is not a kusari communicator.

    Example:
        >>> import numpy
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.functions import gather
        >>> comm = create_communicator("mpi")
        >>> ys = gather(comm, numpy.array([float(comm.rank)]))
        >>> [y.array.tolist() for y in ys] if comm.rank == 0 else ys.shape
        [[0.0]]
    """
    comm = _check_comm(comm)
    root = _check_root(comm, root)
    ys = Gather(comm, root).apply((x,))
    if comm.rank == root:
        return ys
    return make_delegate(ys[0])


def scatter(
    comm: CommunicatorBase, xs: Sequence[VariableOrArray] | None, root: int = 0
) -> Variable:
    """Give process ``i`` the root's ``xs[i]`` (differentiable once, collective).

    The other processes' ``xs`` is ignored (pass ``None``).  On the root, the gradient of
    ``xs[i]`` is process ``i``'s output gradient.

    Args:
        comm: The communicator.
        xs: On the root, one Variable or array per process.
        root: The scattering rank.

    Returns:
        This process's Variable.

    Raises:
        ValueError: If ``root`` is not a rank, or ``xs`` does not hold one entry per
            process on the root.
        TypeError: If ``comm`` is not a kusari communicator.

    Example:
        >>> import numpy
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.functions import scatter
        >>> comm = create_communicator("mpi")
        >>> xs = [numpy.array([1.0 + i]) for i in range(comm.size)]
        >>> scatter(comm, xs if comm.rank == 0 else None).array.tolist()
        [1.0]
    """
    comm = _check_comm(comm)
    root = _check_root(comm, root)
    if comm.rank == root:
        inputs = _check_per_process(comm, xs, "scatter")
    else:
        inputs = (_stand_in(),)
    (y,) = Scatter(comm, root).apply(inputs)  # type: ignore[arg-type]
    return y
