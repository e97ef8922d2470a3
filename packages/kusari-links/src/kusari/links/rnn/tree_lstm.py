"""``ChildSumTreeLSTM`` and ``NaryTreeLSTM``: the tree LSTM units of Tai et al. (2015)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kusari.functions import broadcast_to, concat, sigmoid, split_axis, tanh, tree_lstm
from kusari.graph import Variable, VariableOrArray, as_variable

from .._chain import Chain
from ..connection._args import check_size
from ..connection.linear import Linear

__all__ = ["ChildSumTreeLSTM", "NaryTreeLSTM"]

_State = VariableOrArray | None


def _split_arguments(
    link: str, args: Sequence[_State], n_children: int | None = None
) -> tuple[list[_State], list[_State], _State]:
    """``(c_1..c_N, h_1..h_N, x)`` from the flat arguments, checked."""
    count = len(args)
    if count % 2 == 0 or (n_children is not None and count != 2 * n_children + 1):
        expected = "an odd number of" if n_children is None else f"{2 * n_children + 1}"
        raise ValueError(
            f"{link}: expected {expected} arguments (the children's cell states, then their "
            f"outputs, then x), got {count}"
        )
    n = count // 2
    return list(args[:n]), list(args[n : 2 * n]), args[-1]


def _input_gates(W_x: Linear, x: _State, batch: int) -> Variable:
    """``W_x(x)``; for ``x = None`` the bias alone (Chainer treats it as a zero input)."""
    if x is not None:
        return W_x(x)
    bias = W_x.b
    if bias is None:
        raise ValueError("x is None and W_x has no bias")
    return broadcast_to(bias, (batch, bias.shape[0]))


def _leaf_cell(aio: Variable) -> tuple[Variable, Variable]:
    """A node without children: ``c = tanh(a) sigmoid(i)`` and ``h = sigmoid(o) tanh(c)``."""
    a, i, o = split_axis(aio, 3, axis=1)
    c = tanh(a) * sigmoid(i)
    return c, sigmoid(o) * tanh(c)


class ChildSumTreeLSTM(Chain):
    """The Child-Sum tree LSTM unit: a node's state from any number of unordered children.

    Called as ``unit(c_1, ..., c_N, h_1, ..., h_N, x)`` with the children's cell states
    and outputs (``N >= 0``) and the node's input; it returns the node's ``(c, h)`` and
    keeps no state.  The children are summed for the input, output and update gates
    (``a``, ``i``, ``o``), and each has its own forget gate, so the order of the children
    does not matter.  ``x`` may be ``None`` (a node without input).

    Args:
        in_size: The size of ``x`` (``None`` to take it from the first ``x``).
        out_size: The size of the cell states and outputs.

    Attributes:
        W_x: ``Linear(in_size, 4 * out_size)``: ``x`` to the gates ``a, i, o, f``.
        W_h_aio: ``Linear(out_size, 3 * out_size, nobias=True)``: the children's summed
            outputs to ``a, i, o``.
        W_h_f: ``Linear(out_size, out_size, nobias=True)``: each child's output to its
            forget gate.

    Example:
        >>> import numpy
        >>> from kusari.links import ChildSumTreeLSTM
        >>> unit = ChildSumTreeLSTM(3, 2)
        >>> x = numpy.ones((1, 3), numpy.float32)
        >>> c1, h1 = unit(x)  # two leaves
        >>> c2, h2 = unit(x)
        >>> c, h = unit(c1, c2, h1, h2, x)  # their parent
        >>> c.shape, h.shape
        ((1, 2), (1, 2))
    """

    W_x: Linear
    W_h_aio: Linear
    W_h_f: Linear

    def __init__(self, in_size: int | None, out_size: int) -> None:
        super().__init__()
        check_size("out_size", out_size)
        self.in_size = in_size
        self.state_size = out_size
        with self.init_scope():
            self.W_x = Linear(in_size, 4 * out_size)
            self.W_h_aio = Linear(out_size, 3 * out_size, nobias=True)
            self.W_h_f = Linear(out_size, out_size, nobias=True)

    def forward(self, *cshsx: _State) -> tuple[Variable, Variable]:
        """The node's ``(c, h)`` from its children's states and its input.

        Args:
            *cshsx: ``c_1, ..., c_N``, ``h_1, ..., h_N`` (each ``(B, out_size)``), then
                ``x`` (``(B, in_size)`` or ``None``).

        Returns:
            ``(c, h)``, each ``(B, out_size)``.

        Raises:
            ValueError: If the number of arguments is even, or a child's state or all of
                the inputs are ``None``.
        """
        cs, hs, x = _split_arguments("ChildSumTreeLSTM", cshsx)
        if any(c is None for c in cs) or any(h is None for h in hs):
            raise ValueError("ChildSumTreeLSTM: a child's c or h is None")
        if x is None and not cs:
            raise ValueError("ChildSumTreeLSTM: a node without children needs an input x")
        size = self.state_size
        children = [as_variable(h) for h in hs if h is not None]
        batch = children[0].shape[0] if children else 0
        x_aio, x_f = split_axis(_input_gates(self.W_x, x, batch), [3 * size], axis=1)
        if not children:
            return _leaf_cell(x_aio)
        h_sum = children[0]
        for h in children[1:]:
            h_sum = h_sum + h
        aio = self.W_h_aio(h_sum) + x_aio
        forget = [self.W_h_f(h) + x_f for h in children]
        cells = [c for c in cs if c is not None]
        c, h = tree_lstm(*cells, concat([aio, *forget], axis=1))
        return c, h

    if TYPE_CHECKING:

        def __call__(self, *cshsx: _State) -> tuple[Variable, Variable]:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class NaryTreeLSTM(Chain):
    """The N-ary tree LSTM unit: a node's state from exactly ``n_ary`` ordered children.

    Called as ``unit(c_1, ..., c_N, h_1, ..., h_N, x)`` with ``N = n_ary``; it returns the
    node's ``(c, h)`` and keeps no state.  Each child position has its own weights into
    every gate (Bowman et al.'s variant, as in Chainer), so the order matters.  A missing
    child may be given as ``None`` for both ``c_k`` and ``h_k`` (zero state), and ``x``
    may be ``None`` (a zero input: ``W_x``'s bias still applies, as in Chainer).

    Args:
        in_size: The size of ``x`` (``None`` to take it from the first ``x``).
        out_size: The size of the cell states and outputs.
        n_ary: The number of children of every node.

    Attributes:
        W_x: ``Linear(in_size, (3 + n_ary) * out_size)``: ``x`` to the gates
            ``a, i, o, f_1, ..., f_N``.
        W_h1, ..., W_hN: ``Linear(out_size, (3 + n_ary) * out_size, nobias=True)``: child
            ``k``'s output to the gates.

    Example:
        >>> import numpy
        >>> from kusari.links import NaryTreeLSTM
        >>> unit = NaryTreeLSTM(3, 2, n_ary=2)
        >>> x = numpy.ones((1, 3), numpy.float32)
        >>> c, h = unit(None, None, None, None, x)  # a leaf: no children yet
        >>> c, h = unit(c, c, h, h, x)
        >>> h.shape
        (1, 2)
    """

    W_x: Linear

    def __init__(self, in_size: int | None, out_size: int, n_ary: int = 2) -> None:
        super().__init__()
        check_size("out_size", out_size)
        check_size("n_ary", n_ary)
        self.in_size = in_size
        self.state_size = out_size
        self.n_ary = n_ary
        gates = (3 + n_ary) * out_size
        with self.init_scope():
            self.W_x = Linear(in_size, gates)
            for k in range(1, n_ary + 1):
                setattr(self, f"W_h{k}", Linear(out_size, gates, nobias=True))

    def forward(self, *cshsx: _State) -> tuple[Variable, Variable]:
        """The node's ``(c, h)`` from its children's states and its input.

        Args:
            *cshsx: ``c_1, ..., c_N``, ``h_1, ..., h_N`` (each ``(B, out_size)`` or
                ``None`` for a missing child), then ``x`` (``(B, in_size)`` or ``None``).

        Returns:
            ``(c, h)``, each ``(B, out_size)``.

        Raises:
            ValueError: If there are not ``2 * n_ary + 1`` arguments, a child has only one
                of ``c`` and ``h``, or every argument is ``None``.
        """
        cs, hs, x = _split_arguments("NaryTreeLSTM", cshsx, self.n_ary)
        for k, (c, h) in enumerate(zip(cs, hs, strict=True), start=1):
            if (c is None) != (h is None):
                raise ValueError(
                    f"NaryTreeLSTM: child {k} has {'h' if c is None else 'c'} but not "
                    f"{'c' if c is None else 'h'}; give both or neither"
                )
        present = [h for h in hs if h is not None]
        if x is None and not present:
            raise ValueError("NaryTreeLSTM: every child and x are None")
        batch = present[0].shape[0] if present else 0
        gates = _input_gates(self.W_x, x, batch)
        for k, h in enumerate(hs, start=1):
            if h is not None:
                link: Linear = getattr(self, f"W_h{k}")
                gates = gates + link(h)
        batch = gates.shape[0]
        xp = gates.xp
        cells = [
            as_variable(c)
            if c is not None
            else Variable(xp.zeros((batch, self.state_size), gates.dtype), requires_grad=False)
            for c in cs
        ]
        c_new, h_new = tree_lstm(*cells, gates)
        return c_new, h_new

    if TYPE_CHECKING:

        def __call__(self, *cshsx: _State) -> tuple[Variable, Variable]:
            """Run :meth:`forward` through the link hooks (typed like it)."""
