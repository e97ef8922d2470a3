"""Stacked GRUs over variable-length sequences (:func:`n_step_gru`, :func:`n_step_bigru`)."""

from __future__ import annotations

from collections.abc import Sequence

from kusari.graph import Variable, VariableOrArray

from ._n_step import n_step

__all__ = ["n_step_bigru", "n_step_gru"]


def n_step_gru(
    n_layers: int,
    dropout_ratio: float,
    hx: VariableOrArray,
    ws: Sequence[Sequence[VariableOrArray]],
    bs: Sequence[Sequence[VariableOrArray]],
    xs: Sequence[VariableOrArray],
) -> tuple[Variable, tuple[Variable, ...]]:
    """A stack of ``n_layers`` GRUs run over a mini-batch of variable-length sequences.

    ``xs`` is time-major: ``xs[t]`` has shape ``(B_t, in_size)`` with non-increasing
    ``B_t``.  Layer ``l`` uses six weights and biases: ``0..2`` for the input and ``3..5``
    for the previous ``h``::

        r = sigmoid(W0 x + b0 + W3 h + b3)      z = sigmoid(W1 x + b1 + W4 h + b4)
        h~ = tanh(W2 x + b2 + r * (W5 h + b5))  h' = (1 - z) * h~ + z * h

    Args:
        n_layers: The number of layers.
        dropout_ratio: The dropout ratio of the inputs of layers ``1..n_layers-1``.
        hx: The initial hidden states, ``(n_layers, B_0, units)``.
        ws: ``n_layers`` lists of six weights.
        bs: ``n_layers`` lists of six biases.
        xs: The inputs, time-major.

    Returns:
        ``(hy, ys)``: the final states ``(n_layers, B_0, units)`` and the outputs of the
        last layer, one ``(B_t, units)`` Variable per time step.

    Raises:
        ValueError: If the arguments do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> ws = [[numpy.full((2, 3 if k < 3 else 2), 0.1) for k in range(6)]]
        >>> bs = [[numpy.zeros(2) for _ in range(6)]]
        >>> hy, ys = F.n_step_gru(1, 0.0, numpy.zeros((1, 1, 2)), ws, bs, [numpy.ones((1, 3))])
        >>> numpy.round(hy.array, 4).tolist()
        [[[0.124, 0.124]]]
    """
    hy, _, ys = n_step("gru", n_layers, dropout_ratio, hx, None, ws, bs, xs, False)
    return hy, ys


def n_step_bigru(
    n_layers: int,
    dropout_ratio: float,
    hx: VariableOrArray,
    ws: Sequence[Sequence[VariableOrArray]],
    bs: Sequence[Sequence[VariableOrArray]],
    xs: Sequence[VariableOrArray],
) -> tuple[Variable, tuple[Variable, ...]]:
    """A stack of bidirectional GRUs (entry ``2 * l + 1`` runs backwards in time).

    See :func:`n_step_gru` and :func:`n_step_bilstm` for the layouts; the outputs of the two
    directions are concatenated, so later layers take ``2 * units`` inputs.

    Args:
        n_layers: The number of layers.
        dropout_ratio: The dropout ratio of the inputs of layers ``1..n_layers-1``.
        hx: The initial hidden states, ``(2 * n_layers, B_0, units)``.
        ws: ``2 * n_layers`` lists of six weights.
        bs: ``2 * n_layers`` lists of six biases.
        xs: The inputs, time-major.

    Returns:
        ``(hy, ys)``; ``ys[t]`` has shape ``(B_t, 2 * units)``.

    Raises:
        ValueError: If the arguments do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> ws = [[numpy.full((2, 3 if k < 3 else 2), 0.1) for k in range(6)]] * 2
        >>> bs = [[numpy.zeros(2) for _ in range(6)]] * 2
        >>> hy, ys = F.n_step_bigru(1, 0.0, numpy.zeros((2, 1, 2)), ws, bs, [numpy.ones((1, 3))])
        >>> hy.shape, ys[0].shape
        ((2, 1, 2), (1, 4))
    """
    hy, _, ys = n_step("gru", n_layers, dropout_ratio, hx, None, ws, bs, xs, True)
    return hy, ys
