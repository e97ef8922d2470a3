"""The N-ary tree LSTM cell (:func:`tree_lstm`) and its gate layout, shared with slstm."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..activation.sigmoid import sigmoid
from ..activation.tanh import tanh
from ..array import _shape_check
from ..array.reshape import reshape
from ..loss._checks import array_of

__all__ = ["tree_lstm"]


def split_gates(x: VariableOrArray, n_gates: int, interleaved: bool) -> list[Variable]:
    """The ``n_gates`` gates of the ``(B, n_gates * H, ...)`` pre-activations ``x``.

    Args:
        x: The pre-activations.
        n_gates: The number of gates.
        interleaved: Whether unit ``u`` of gate ``k`` is ``x[:, u * n_gates + k]`` (as in
            :func:`~kusari.functions.lstm`), or else ``x[:, k * H + u]`` (gate-major).

    Returns:
        One ``(B, H, ...)`` Variable per gate.
    """
    shape = x.shape
    units = shape[1] // n_gates
    if interleaved:
        r = reshape(x, (shape[0], units, n_gates, *shape[2:]))
        return [r[:, :, k] for k in range(n_gates)]
    r = reshape(x, (shape[0], n_gates, units, *shape[2:]))
    return [r[:, k] for k in range(n_gates)]


@final
class _CellCheck:
    """The type check of a cell: ``n_cells`` cell states, then the pre-activations."""

    __slots__ = ("n_cells", "n_gates", "names")

    def __init__(self, n_cells: int, n_gates: int, names: tuple[str, ...]) -> None:
        self.n_cells = n_cells
        self.n_gates = n_gates
        self.names = names

    def __call__(self, in_types: TypeInfoTuple) -> None:
        type_check.argname(in_types, self.names)
        c_type = in_types[0]
        type_check.expect(c_type.dtype.kind == "f", c_type.ndim >= 2)
        for t in in_types[1:]:
            type_check.expect(t.dtype == c_type.dtype, t.ndim == c_type.ndim)
        for t in in_types[1 : self.n_cells]:
            type_check.expect(t.shape == c_type.shape)
        for x_type in in_types[self.n_cells :]:
            type_check.expect(
                x_type.shape[0] == c_type.shape[0],
                x_type.shape[1] == self.n_gates * c_type.shape[1],
                x_type.shape[2:] == c_type.shape[2:],
            )


def check_cell(
    inputs: tuple[VariableOrArray, ...],
    n_cells: int,
    n_gates: int,
    names: tuple[str, ...],
    label: str,
) -> list[Array]:
    """Run the cell's type check; return the input arrays."""
    arrays = [array_of(v) for v in inputs]
    _shape_check.run_type_check(_CellCheck(n_cells, n_gates, names), arrays, label)
    return arrays


def tree_lstm(*inputs: VariableOrArray) -> tuple[Variable, Variable]:
    """The cell of an N-ary tree LSTM (Tai et al., 2015): one node with ``N`` children.

    The inputs are the children's cell states ``c_1, ..., c_N`` and the pre-activations
    ``x`` (the sum of the linear maps of the children's outputs and of the node's input),
    whose ``3 + N`` gates are laid out gate-major (unlike :func:`~kusari.functions.lstm`,
    as in Chainer): unit ``u`` of gate ``k`` is ``x[:, k * H + u]``, in the order
    ``a, i, o, f_1, ..., f_N``.
    Then ``c = tanh(a) * sigmoid(i) + sum_k sigmoid(f_k) * c_k`` and
    ``h = sigmoid(o) * tanh(c)``.

    Args:
        *inputs: ``c_1, ..., c_N`` (``N >= 1``), each ``(B, H, ...)``, then ``x``,
            ``(B, (3 + N) * H, ...)``; floating point, of one dtype.

    Returns:
        ``(c, h)``: the new cell state and output, ``(B, H, ...)`` each.

    Raises:
        ValueError: If fewer than two inputs are given.
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> c1, c2 = numpy.ones((1, 1)), numpy.full((1, 1), 2.0)
        >>> x = numpy.array([[0.0, 0.0, 0.0, 100.0, -100.0]])  # a, i, o, f1 open, f2 shut
        >>> c, h = F.tree_lstm(c1, c2, x)
        >>> c.array.tolist()
        [[1.0]]
    """
    if len(inputs) < 2:
        raise ValueError(
            f"tree_lstm needs at least one cell state and x (2 inputs), got {len(inputs)}"
        )
    n_children = len(inputs) - 1
    names = (*(f"c{k + 1}" for k in range(n_children)), "x")
    check_cell(inputs, n_children, 3 + n_children, names, "tree_lstm")
    a, i, o, *forget = split_gates(inputs[-1], 3 + n_children, interleaved=False)
    c = tanh(a) * sigmoid(i)
    for f, c_child in zip(forget, inputs[:-1], strict=True):
        c = c + sigmoid(f) * c_child
    h = sigmoid(o) * tanh(c)
    return c, h
