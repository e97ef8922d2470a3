"""The S-LSTM cell of binary trees (:func:`slstm`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from ..activation.sigmoid import sigmoid
from ..activation.tanh import tanh
from .tree_lstm import check_cell, split_gates

__all__ = ["slstm"]


def slstm(
    c_prev1: VariableOrArray,
    c_prev2: VariableOrArray,
    x1: VariableOrArray,
    x2: VariableOrArray,
) -> tuple[Variable, Variable]:
    """The S-LSTM cell (Zhu et al., 2015): an LSTM node with two children.

    ``x1`` and ``x2`` are the pre-activations from the two children, each with the four
    gates ``a, i, f, o`` interleaved as in :func:`~kusari.functions.lstm` (unit ``u`` of
    gate ``k`` is ``x[:, 4 * u + k]``).  Each child writes to the cell through its own
    input and forget gates; the output gate adds the two children's terms (Chainer's
    definition)::

        c = tanh(a1) * sigmoid(i1) + tanh(a2) * sigmoid(i2)
            + sigmoid(f1) * c_prev1 + sigmoid(f2) * c_prev2
        h = sigmoid(o1 + o2) * tanh(c)

    Args:
        c_prev1: The first child's cell state, ``(B, H, ...)`` (floating point).
        c_prev2: The second child's cell state, of the same shape.
        x1: The first child's pre-activations, ``(B, 4 * H, ...)``.
        x2: The second child's pre-activations, of the same shape.

    Returns:
        ``(c, h)``: the new cell state and output, ``(B, H, ...)`` each.

    Raises:
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> c1, c2 = numpy.ones((1, 1)), numpy.full((1, 1), 2.0)
        >>> x1 = numpy.array([[0.0, 0.0, 100.0, 0.0]])  # a, i, f (open), o
        >>> x2 = numpy.array([[0.0, 0.0, -100.0, 0.0]])  # f shut
        >>> c, h = F.slstm(c1, c2, x1, x2)
        >>> c.array.tolist()
        [[1.0]]
    """
    names = ("c_prev1", "c_prev2", "x1", "x2")
    check_cell((c_prev1, c_prev2, x1, x2), 2, 4, names, "slstm")
    a1, i1, f1, o1 = split_gates(x1, 4, interleaved=True)
    a2, i2, f2, o2 = split_gates(x2, 4, interleaved=True)
    c = tanh(a1) * sigmoid(i1) + tanh(a2) * sigmoid(i2)
    c = c + sigmoid(f1) * c_prev1 + sigmoid(f2) * c_prev2
    h = sigmoid(o1 + o2) * tanh(c)
    return c, h
