"""The stacked, optionally bidirectional RNN/GRU/LSTM loop behind ``n_step_*`` (private).

Everything is a composition of differentiable functions, so double backprop works.  The
inputs are *time-major*, as in Chainer: ``xs[t]`` has shape ``(B_t, in_size)`` with
``B_0 >= B_1 >= ...`` (the mini-batch of sequences sorted by decreasing length, transposed
with :func:`~kusari.functions.transpose_sequence`).  Per layer and direction, the input
projection of all time steps is one GEMM (the steps are concatenated); the recurrent part
is one small GEMM per step on the ``B_t`` running rows.  Rows whose sequence has ended keep
their last state, which becomes their entry of ``hy``.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from typing import Literal

from kusari.graph import Variable, VariableOrArray, as_variable

from ..activation.relu import relu
from ..activation.sigmoid import sigmoid
from ..activation.tanh import tanh
from ..array.concat import concat
from ..array.get_item import get_item
from ..array.reshape import reshape
from ..array.split_axis import split_axis
from ..array.stack import stack
from ..noise.dropout import dropout
from .linear import linear
from .lstm import lstm

__all__ = ["Cell", "n_step"]

Cell = Literal["tanh", "relu", "gru", "lstm"]

_WEIGHTS_PER_LAYER = {"tanh": 2, "relu": 2, "gru": 6, "lstm": 8}


def _check_args(
    cell: Cell,
    n_layers: int,
    directions: int,
    hx: VariableOrArray,
    cx: VariableOrArray | None,
    ws: Sequence[Sequence[VariableOrArray]],
    bs: Sequence[Sequence[VariableOrArray]],
    xs: Sequence[VariableOrArray],
) -> None:
    try:
        layers = operator.index(n_layers)
    except TypeError:
        raise TypeError(f"n_layers must be an int, got {type(n_layers).__name__}") from None
    if isinstance(n_layers, bool) or layers < 1:
        raise ValueError(f"n_layers must be a positive int, got {n_layers!r}")
    n_rows = n_layers * directions
    if len(hx.shape) != 3 or hx.shape[0] != n_rows:
        raise ValueError(
            f"hx must have shape (n_layers * {directions}, batch, units) = ({n_rows}, ...), "
            f"got {tuple(hx.shape)}"
        )
    if cx is not None and tuple(cx.shape) != tuple(hx.shape):
        raise ValueError(f"cx must have the shape of hx {tuple(hx.shape)}, got {tuple(cx.shape)}")
    per_layer = _WEIGHTS_PER_LAYER[cell]
    for name, params in (("ws", ws), ("bs", bs)):
        if len(params) != n_rows:
            raise ValueError(
                f"{name} must hold {n_rows} lists (n_layers * {directions}), got {len(params)}"
            )
        for i, row in enumerate(params):
            if len(row) != per_layer:
                raise ValueError(
                    f"{name}[{i}] must hold {per_layer} arrays for this cell, got {len(row)}"
                )
    if not xs:
        raise ValueError("xs must hold at least one time step")
    batches = [x.shape[0] for x in xs]
    if any(later > earlier for earlier, later in itertools.pairwise(batches)):
        raise ValueError(
            "xs must be time-major with non-increasing batch sizes (xs[t].shape[0] >= "
            f"xs[t + 1].shape[0]; sort the sequences by length and transpose them), got "
            f"{batches}"
        )
    if batches[0] != hx.shape[1]:
        raise ValueError(
            f"xs[0] has {batches[0]} rows but hx has a batch of {hx.shape[1]}; they must match"
        )


def _lstm_parameters(
    w: Sequence[VariableOrArray], b: Sequence[VariableOrArray]
) -> tuple[Variable, Variable, Variable]:
    """Input and recurrent weights and the bias, rows interleaved as :func:`lstm` reads them.

    Chainer's ``n_step_lstm`` orders the gates ``i, f, a, o`` (weights 0-3 for the input,
    4-7 for the recurrence); :func:`lstm` reads ``a, i, f, o`` per unit.
    """
    order = (2, 0, 1, 3)

    def interleave(parts: list[VariableOrArray]) -> Variable:
        stacked = stack(parts, axis=1)  # (units, 4, ...)
        return reshape(stacked, (stacked.shape[0] * 4, *stacked.shape[2:]))

    w_x = interleave([w[k] for k in order])
    w_h = interleave([w[k + 4] for k in order])
    bias = interleave([as_variable(b[k]) + b[k + 4] for k in order])
    return w_x, w_h, bias


def _project(xs: list[Variable], W: VariableOrArray, b: VariableOrArray) -> list[Variable]:
    """``linear(x, W, b)`` for every step, as one GEMM over the concatenated steps."""
    if len(xs) == 1:
        return [linear(xs[0], W, b)]
    joined = linear(concat(xs, axis=0), W, b)
    bounds = list(itertools.accumulate(x.shape[0] for x in xs))[:-1]
    return list(split_axis(joined, bounds, axis=0))


def _rows(v: Variable, n: int) -> Variable:
    return v if v.shape[0] == n else get_item(v, slice(0, n))


def _merge(head: Variable, full: Variable) -> Variable:
    """``head`` over the first rows of ``full`` (the rest keeps its state)."""
    n = head.shape[0]
    if n == full.shape[0]:
        return head
    return concat((head, get_item(full, slice(n, None))), axis=0)


def _direction(
    cell: Cell,
    xs: list[Variable],
    h: Variable,
    c: Variable | None,
    w: Sequence[VariableOrArray],
    b: Sequence[VariableOrArray],
    reverse: bool,
) -> tuple[list[Variable], Variable, Variable | None]:
    """Run one layer in one direction; return the outputs (time order) and final states."""
    steps = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    outputs: list[Variable | None] = [None] * len(xs)
    if cell == "lstm":
        w_x, w_h, bias = _lstm_parameters(w, b)
        projected = _project(xs, w_x, bias)
        assert c is not None
        for t in steps:
            n = xs[t].shape[0]
            gates = projected[t] + linear(_rows(h, n), w_h)
            c, h_new = lstm(c, gates)
            h = _merge(h_new, h)
            outputs[t] = h_new
    elif cell == "gru":
        projected = _project(xs, concat(w[:3], axis=0), concat(b[:3], axis=0))
        w_h, b_h = concat(w[3:], axis=0), concat(b[3:], axis=0)
        for t in steps:
            n = xs[t].shape[0]
            h_prev = _rows(h, n)
            xr, xz, xh = split_axis(projected[t], 3, axis=1)
            hr, hz, hh = split_axis(linear(h_prev, w_h, b_h), 3, axis=1)
            r = sigmoid(xr + hr)
            z = sigmoid(xz + hz)
            h_tilde = tanh(xh + r * hh)
            h_new = h_tilde + z * (h_prev - h_tilde)  # (1 - z) * h_tilde + z * h_prev
            h = _merge(h_new, h)
            outputs[t] = h_new
    else:
        activation: Callable[[Variable], Variable] = tanh if cell == "tanh" else relu
        projected = _project(xs, w[0], as_variable(b[0]) + b[1])
        for t in steps:
            n = xs[t].shape[0]
            h_new = activation(projected[t] + linear(_rows(h, n), w[1]))
            h = _merge(h_new, h)
            outputs[t] = h_new
    result = [y for y in outputs if y is not None]
    return result, h, c


def n_step(
    cell: Cell,
    n_layers: int,
    dropout_ratio: float,
    hx: VariableOrArray,
    cx: VariableOrArray | None,
    ws: Sequence[Sequence[VariableOrArray]],
    bs: Sequence[Sequence[VariableOrArray]],
    xs: Sequence[VariableOrArray],
    bidirectional: bool,
) -> tuple[Variable, Variable | None, tuple[Variable, ...]]:
    """The stacked recurrence: ``(hy, cy or None, ys)``, all Variables.

    Dropout (``dropout_ratio``, active in training mode) is applied to every time step of
    the input of each layer after the first, separately for each direction, in Chainer's
    order.
    """
    directions = 2 if bidirectional else 1
    _check_args(cell, n_layers, directions, hx, cx, ws, bs, xs)
    hx_v = as_variable(hx)
    cx_v = None if cx is None else as_variable(cx)
    inputs = [as_variable(x) for x in xs]
    hy: list[Variable] = []
    cy: list[Variable] = []
    for layer in range(n_layers):
        outputs: list[list[Variable]] = []
        for direction in range(directions):
            index = layer * directions + direction
            layer_in = inputs
            if layer > 0:
                layer_in = [dropout(x, dropout_ratio) for x in inputs]
            c0 = None if cx_v is None else get_item(cx_v, index)
            ys, h, c = _direction(
                cell,
                layer_in,
                get_item(hx_v, index),
                c0,
                ws[index],
                bs[index],
                reverse=direction == 1,
            )
            outputs.append(ys)
            hy.append(h)
            if c is not None:
                cy.append(c)
        if directions == 1:
            inputs = outputs[0]
        else:
            inputs = [concat(pair, axis=1) for pair in zip(*outputs, strict=True)]
    return stack(hy), (stack(cy) if cy else None), tuple(inputs)
