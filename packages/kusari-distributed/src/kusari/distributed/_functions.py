"""Differentiable collectives: the building blocks of cross-process layers."""

from __future__ import annotations

from typing import final

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable
from kusari.graph.type_check import InputSpec

from ._communicator import CommunicatorBase

__all__ = ["AllreduceSum", "allreduce_sum"]


@final
class AllreduceSum(FunctionNode):
    """Each input summed elementwise over the processes, in one packed collective.

    The operation is its own adjoint: the gradient of an input on one process is the sum
    over the processes of the gradients of the output, so backward applies it again (and
    double backward works).  Every process must run it, forward and backward, in the same
    order: true of data-parallel code, which builds the same graph everywhere.

    Args:
        comm: The communicator.
    """

    __slots__ = ("_like", "_shapes", "comm")
    input_spec = InputSpec("x", kinds="f", variadic=True)

    def __init__(self, comm: CommunicatorBase) -> None:
        self.comm = comm
        self._like: tuple[Array, ...] = ()
        self._shapes: tuple[tuple[int, ...], ...] = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum every input over the processes."""
        outputs = tuple(self.comm._sum_arrays(inputs))
        # Zero-size stand-ins that remember each output's module, dtype and shape.
        self._like = tuple(get_array_module(y).empty((0,), y.dtype) for y in outputs)
        self._shapes = tuple(y.shape for y in outputs)
        return outputs

    def _zeros_for_missing(self, grads: tuple[Array | None, ...]) -> list[Array]:
        # Every process must contribute to the collective, even without a gradient.
        filled: list[Array] = []
        for i, g in enumerate(grads):
            if g is None:
                like = self._like[i]
                g = get_array_module(like).zeros(self._shapes[i], like.dtype)
            filled.append(g)
        return filled

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Sum the output gradients over the processes."""
        arrays = self._zeros_for_missing(
            tuple(None if g is None else g.array for g in grad_outputs)
        )
        grads = [
            g if g is not None else Variable(a, requires_grad=False)
            for g, a in zip(grad_outputs, arrays, strict=True)
        ]
        return AllreduceSum(self.comm).apply(tuple(grads))

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Sum the output gradients over the processes."""
        return tuple(self.comm._sum_arrays(self._zeros_for_missing(grad_outputs)))


def allreduce_sum(comm: CommunicatorBase, *xs: Variable | Array) -> tuple[Variable, ...]:
    """Sum each of ``xs`` elementwise over the processes (differentiable, collective).

    Args:
        comm: The communicator.
        *xs: Floating-point Variables or arrays; each process passes the same shapes.

    Returns:
        One Variable per input.

    Example:
        >>> import numpy
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.functions import allreduce_sum
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.array([1.0, 2.0]))
        >>> (y,) = allreduce_sum(create_communicator("mpi"), x)  # one process: y == x
        >>> y.array.tolist()
        [1.0, 2.0]
    """
    return AllreduceSum(comm).apply(xs)
