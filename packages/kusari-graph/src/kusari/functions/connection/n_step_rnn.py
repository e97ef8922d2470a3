"""Stacked Elman RNNs over variable-length sequences (:func:`n_step_rnn`, :func:`n_step_birnn`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from kusari.graph import Variable, VariableOrArray

from ._n_step import Cell, n_step

__all__ = ["n_step_birnn", "n_step_rnn"]


def _cell(activation: str) -> Cell:
    if activation == "tanh":
        return "tanh"
    if activation == "relu":
        return "relu"
    raise ValueError(f'Invalid activation: "{activation}". Please select from [tanh,relu]')


def n_step_rnn(
    n_layers: int,
    dropout_ratio: float,
    hx: VariableOrArray,
    ws: Sequence[Sequence[VariableOrArray]],
    bs: Sequence[Sequence[VariableOrArray]],
    xs: Sequence[VariableOrArray],
    activation: Literal["tanh", "relu"] = "tanh",
) -> tuple[Variable, tuple[Variable, ...]]:
    """A stack of ``n_layers`` Elman RNNs run over a mini-batch of variable-length sequences.

    ``xs`` is time-major: ``xs[t]`` has shape ``(B_t, in_size)`` with non-increasing
    ``B_t``.  Layer ``l`` computes ``h' = activation(W0 x + b0 + W1 h + b1)`` with
    ``ws[l] = [W0, W1]`` and ``bs[l] = [b0, b1]``.

    Args:
        n_layers: The number of layers.
        dropout_ratio: The dropout ratio of the inputs of layers ``1..n_layers-1``.
        hx: The initial hidden states, ``(n_layers, B_0, units)``.
        ws: ``n_layers`` pairs of weights.
        bs: ``n_layers`` pairs of biases.
        xs: The inputs, time-major.
        activation: ``"tanh"`` or ``"relu"``.

    Returns:
        ``(hy, ys)``: the final states and the last layer's outputs per time step.

    Raises:
        ValueError: If ``activation`` is unknown or the arguments do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> ws = [[numpy.eye(2), numpy.eye(2)]]
        >>> bs = [[numpy.zeros(2), numpy.zeros(2)]]
        >>> xs = [numpy.ones((1, 2)), numpy.ones((1, 2))]
        >>> hy, ys = F.n_step_rnn(1, 0.0, numpy.zeros((1, 1, 2)), ws, bs, xs, "relu")
        >>> [y.array.tolist() for y in ys]
        [[[1.0, 1.0]], [[2.0, 2.0]]]
    """
    hy, _, ys = n_step(_cell(activation), n_layers, dropout_ratio, hx, None, ws, bs, xs, False)
    return hy, ys


def n_step_birnn(
    n_layers: int,
    dropout_ratio: float,
    hx: VariableOrArray,
    ws: Sequence[Sequence[VariableOrArray]],
    bs: Sequence[Sequence[VariableOrArray]],
    xs: Sequence[VariableOrArray],
    activation: Literal["tanh", "relu"] = "tanh",
) -> tuple[Variable, tuple[Variable, ...]]:
    """A stack of bidirectional Elman RNNs (entry ``2 * l + 1`` runs backwards in time).

    See :func:`n_step_rnn`; the two directions' outputs are concatenated, so later layers
    take ``2 * units`` inputs.

    Args:
        n_layers: The number of layers.
        dropout_ratio: The dropout ratio of the inputs of layers ``1..n_layers-1``.
        hx: The initial hidden states, ``(2 * n_layers, B_0, units)``.
        ws: ``2 * n_layers`` pairs of weights.
        bs: ``2 * n_layers`` pairs of biases.
        xs: The inputs, time-major.
        activation: ``"tanh"`` or ``"relu"``.

    Returns:
        ``(hy, ys)``; ``ys[t]`` has shape ``(B_t, 2 * units)``.

    Raises:
        ValueError: If ``activation`` is unknown or the arguments do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> ws = [[numpy.eye(2), numpy.eye(2)]] * 2
        >>> bs = [[numpy.zeros(2), numpy.zeros(2)]] * 2
        >>> xs = [numpy.ones((1, 2)), numpy.ones((1, 2))]
        >>> hy, ys = F.n_step_birnn(1, 0.0, numpy.zeros((2, 1, 2)), ws, bs, xs, "relu")
        >>> [y.array.tolist() for y in ys]
        [[[1.0, 1.0, 2.0, 2.0]], [[2.0, 2.0, 1.0, 1.0]]]
    """
    hy, _, ys = n_step(_cell(activation), n_layers, dropout_ratio, hx, None, ws, bs, xs, True)
    return hy, ys
