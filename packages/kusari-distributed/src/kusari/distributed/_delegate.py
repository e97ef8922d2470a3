"""Helpers shared by the communicating function nodes: delegates and missing gradients.

A *delegate variable* is an empty float32 Variable that stands for communication still
to be undone in the backward pass (ChainerMN's name).  Calling ``backward()`` on it, or
passing it to :func:`~kusari.distributed.functions.pseudo_connect`, runs the backward
pass of the communication it came from.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, config

__all__ = [
    "Shapes",
    "constant_backward",
    "empty_delegate",
    "fill_missing",
    "make_delegate",
    "no_double_backprop",
    "remember",
]

Shapes = tuple[tuple[Array, tuple[int, ...]], ...]
"""Per output: a zero-size array of its module and dtype, and its shape."""


def empty_delegate(like: Array | None = None) -> Array:
    """An empty float32 array on the module (NumPy or CuPy) of ``like``."""
    xp = numpy if like is None else get_array_module(like)
    empty: Array = xp.empty((0,), dtype=numpy.float32)
    return empty


def make_delegate(variable: Variable, name: str = "delegate_variable") -> Variable:
    """Name ``variable`` and give it an (empty) gradient, so that ``backward()`` runs on it.

    A variable of size 0 needs an initial gradient for ``backward()``; the delegate
    carries one, as ChainerMN's delegates need none.
    """
    variable.name = name
    array = variable.array
    assert array is not None
    variable.grad = get_array_module(array).empty((0,), dtype=array.dtype)
    return variable


def remember(arrays: Sequence[Array]) -> Shapes:
    """What :func:`fill_missing` needs to build zeros for these arrays' gradients."""
    return tuple((get_array_module(a).empty((0,), a.dtype), tuple(a.shape)) for a in arrays)


def fill_missing(grads: Sequence[Array | None], shapes: Shapes) -> list[Array]:
    """The gradients, with zeros where one is missing (every process must send something)."""
    filled: list[Array] = []
    for g, (like, shape) in zip(grads, shapes, strict=True):
        if g is None:
            g = get_array_module(like).zeros(shape, like.dtype)
        filled.append(g)
    return filled


def no_double_backprop(label: str) -> None:
    """Refuse to build a differentiable backward graph (second-order gradients).

    Raises:
        NotImplementedError: If ``config.enable_backprop`` is on during backward, i.e.
            double backprop was requested.
    """
    if config.enable_backprop:
        raise NotImplementedError(
            f"{label} does not support double backprop (enable_double_backprop=True): its "
            "gradient is received from another process as a constant"
        )


def constant_backward(
    node: FunctionNode,
    label: str,
    target_input_indexes: tuple[int, ...],
    grad_outputs: tuple[Variable | None, ...],
) -> tuple[Variable | None, ...]:
    """``backward`` of a node whose gradients come from other processes as constants.

    Runs the node's ``backward_arrays`` and wraps its arrays as Variables that need no
    gradient, after refusing double backprop (see :func:`no_double_backprop`).
    """
    no_double_backprop(label)
    arrays = tuple(None if g is None else g.array for g in grad_outputs)
    grads = node.backward_arrays(target_input_indexes, arrays)
    return tuple(None if g is None else Variable(g, requires_grad=False) for g in grads)
