"""Stacked LSTMs over variable-length sequences (:func:`n_step_lstm`, :func:`n_step_bilstm`)."""

from __future__ import annotations

from collections.abc import Sequence

from kusari.graph import Variable, VariableOrArray

from ._n_step import n_step

__all__ = ["n_step_bilstm", "n_step_lstm"]


def n_step_lstm(
    n_layers: int,
    dropout_ratio: float,
    hx: VariableOrArray,
    cx: VariableOrArray,
    ws: Sequence[Sequence[VariableOrArray]],
    bs: Sequence[Sequence[VariableOrArray]],
    xs: Sequence[VariableOrArray],
) -> tuple[Variable, Variable, tuple[Variable, ...]]:
    """A stack of ``n_layers`` LSTMs run over a mini-batch of variable-length sequences.

    ``xs`` is *time-major*: ``xs[t]`` holds the inputs of time ``t``, shape
    ``(B_t, in_size)`` with ``B_0 >= B_1 >= ...`` (sort the sequences by decreasing length
    and transpose them with :func:`transpose_sequence`).  Layer ``l`` uses the weights
    ``ws[l]`` and biases ``bs[l]``, eight each: ``0..3`` multiply the input and ``4..7`` the
    previous ``h``, for the input gate, forget gate, cell input and output gate::

        i = sigmoid(W0 x + b0 + W4 h + b4)      f = sigmoid(W1 x + b1 + W5 h + b5)
        a = tanh(W2 x + b2 + W6 h + b6)         o = sigmoid(W3 x + b3 + W7 h + b7)
        c' = f * c + i * a                      h' = o * tanh(c')

    Each step runs the fused :func:`lstm` cell.  Dropout with ``dropout_ratio`` (training
    mode only) is applied to the input of every layer after the first.

    Args:
        n_layers: The number of layers.
        dropout_ratio: The dropout ratio of the inputs of layers ``1..n_layers-1``.
        hx: The initial hidden states, ``(n_layers, B_0, units)``.
        cx: The initial cell states, ``(n_layers, B_0, units)``.
        ws: ``n_layers`` lists of eight weights: ``(units, in_size)`` for ``0..3`` of the
            first layer, ``(units, units)`` otherwise.
        bs: ``n_layers`` lists of eight biases, ``(units,)``.
        xs: The inputs, time-major (see above).

    Returns:
        ``(hy, cy, ys)``: the final hidden and cell states ``(n_layers, B_0, units)`` (the
        state after each sequence's last step) and the outputs of the last layer, one
        ``(B_t, units)`` Variable per time step.

    Raises:
        ValueError: If the numbers of layers, weights or biases, or the shapes of ``hx``,
            ``cx`` and ``xs`` do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> units, in_size = 2, 3
        >>> ws = [[numpy.ones((units, in_size if k < 4 else units)) * 0.1 for k in range(8)]]
        >>> bs = [[numpy.zeros(units) for _ in range(8)]]
        >>> xs = [numpy.ones((2, in_size)), numpy.ones((1, in_size))]
        >>> h0 = numpy.zeros((1, 2, units))
        >>> hy, cy, ys = F.n_step_lstm(1, 0.0, h0, h0, ws, bs, xs)
        >>> hy.shape, cy.shape, [y.shape for y in ys]
        ((1, 2, 2), (1, 2, 2), [(2, 2), (1, 2)])
    """
    hy, cy, ys = n_step("lstm", n_layers, dropout_ratio, hx, cx, ws, bs, xs, False)
    assert cy is not None
    return hy, cy, ys


def n_step_bilstm(
    n_layers: int,
    dropout_ratio: float,
    hx: VariableOrArray,
    cx: VariableOrArray,
    ws: Sequence[Sequence[VariableOrArray]],
    bs: Sequence[Sequence[VariableOrArray]],
    xs: Sequence[VariableOrArray],
) -> tuple[Variable, Variable, tuple[Variable, ...]]:
    """A stack of bidirectional LSTMs over variable-length sequences.

    Like :func:`n_step_lstm`, with a forward and a backward LSTM per layer: entry
    ``2 * l`` of ``hx``, ``cx``, ``ws`` and ``bs`` belongs to the forward direction of layer
    ``l`` and entry ``2 * l + 1`` to the backward one.  Each layer's output is the
    concatenation of both directions, so the input size of layers after the first (and the
    width of ``ys``) is ``2 * units``.

    Args:
        n_layers: The number of layers.
        dropout_ratio: The dropout ratio of the inputs of layers ``1..n_layers-1``.
        hx: The initial hidden states, ``(2 * n_layers, B_0, units)``.
        cx: The initial cell states, ``(2 * n_layers, B_0, units)``.
        ws: ``2 * n_layers`` lists of eight weights.
        bs: ``2 * n_layers`` lists of eight biases.
        xs: The inputs, time-major: ``xs[t]`` has shape ``(B_t, in_size)``.

    Returns:
        ``(hy, cy, ys)``; ``ys[t]`` has shape ``(B_t, 2 * units)``.

    Raises:
        ValueError: If the arguments do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> ws = [[numpy.full((2, 3 if k < 4 else 2), 0.1) for k in range(8)]] * 2
        >>> bs = [[numpy.zeros(2) for _ in range(8)]] * 2
        >>> h0 = numpy.zeros((2, 1, 2))
        >>> hy, cy, ys = F.n_step_bilstm(1, 0.0, h0, h0, ws, bs, [numpy.ones((1, 3))])
        >>> hy.shape, ys[0].shape
        ((2, 1, 2), (1, 4))
    """
    hy, cy, ys = n_step("lstm", n_layers, dropout_ratio, hx, cx, ws, bs, xs, True)
    assert cy is not None
    return hy, cy, ys
