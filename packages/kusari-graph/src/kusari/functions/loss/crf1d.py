"""Linear-chain conditional random field (:func:`crf1d`, :func:`argmax_crf1d`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..array import _shape_check
from ..array.broadcast_to import broadcast_to
from ..array.concat import concat
from ..array.expand_dims import expand_dims
from ..array.get_item import get_item
from ..array.select_item import expect_labels, select_item
from ..math.logsumexp import logsumexp
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce

__all__ = ["argmax_crf1d", "crf1d"]

_REDUCE: Final = ("mean", "no")


def _check_inputs(cost: Array, xs: Sequence[Array], ys: Sequence[Array] | None) -> None:
    if not xs:
        raise ValueError("crf1d: xs must hold at least one time step")
    if ys is not None and len(ys) != len(xs):
        raise ValueError(
            f"crf1d: xs and ys must have one entry per time step, got {len(xs)} and {len(ys)}"
        )
    n_steps = len(xs)
    arrays: list[Array] = [cost, *xs] + ([] if ys is None else list(ys))

    def check(in_types: TypeInfoTuple) -> None:
        cost_type = in_types[0]
        x_types = in_types[1 : 1 + n_steps]
        y_types = in_types[1 + n_steps :]
        type_check.expect(
            cost_type.dtype.kind == "f",
            cost_type.ndim == 2,
            cost_type.shape[0] == cost_type.shape[1],
        )
        previous = None
        for x_type in x_types:
            type_check.expect(
                x_type.dtype == cost_type.dtype,
                x_type.ndim == 2,
                x_type.shape[1] == cost_type.shape[0],
            )
            if previous is not None:
                type_check.expect(previous.shape[0] >= x_type.shape[0])
            previous = x_type
        for x_type, y_type in zip(x_types, y_types, strict=False):
            expect_labels(y_type, "ys[t]")
            type_check.expect(y_type.ndim == 1, y_type.shape[0] == x_type.shape[0])

    _shape_check.run_type_check(check, arrays, "CRF1d")


def crf1d(
    cost: VariableOrArray,
    xs: Sequence[VariableOrArray],
    ys: Sequence[VariableOrArray],
    reduce: Literal["mean", "no"] = "mean",
) -> Variable:
    """The negative log-likelihood of label sequences under a linear-chain CRF.

    A path ``y`` of sequence ``b`` scores ``sum_t xs[t][b, y_t] + sum_t cost[y_{t-1}, y_t]``;
    the loss is ``log(sum over paths of exp(score)) - score(ys)``, computed with the forward
    algorithm.  The sequences are given time-major, sorted by decreasing length, as
    :func:`~kusari.functions.transpose_sequence` makes them: ``xs[t]`` holds the ``t``-th
    element of the ``B_t`` sequences longer than ``t``.

    Args:
        cost: The ``(K, K)`` transition scores (floating point).
        xs: One ``(B_t, K)`` array of label scores per time step, ``B_t`` non-increasing.
        ys: One ``(B_t,)`` integer array of labels per time step.
        reduce: ``"mean"`` averages over the ``B_0`` sequences; ``"no"`` keeps one loss per
            sequence.

    Returns:
        The loss, of ``cost``'s dtype.

    Raises:
        ValueError: If ``reduce`` is unknown, or ``xs`` is empty or does not match ``ys``.
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> cost = numpy.zeros((2, 2))
        >>> xs = [numpy.zeros((1, 2)), numpy.zeros((1, 2))]
        >>> ys = [numpy.array([0]), numpy.array([1])]
        >>> bool(numpy.isclose(F.crf1d(cost, xs, ys).array, numpy.log(4)))
        True
    """
    check_reduce(reduce, _REDUCE)
    cost_array = array_of(cost)
    x_arrays = [array_of(x) for x in xs]
    y_arrays = [array_of(y) for y in ys]
    _check_inputs(cost_array, x_arrays, y_arrays)
    cost_var = as_variable(cost)
    n_classes = cost_array.shape[0]
    sizes = [x.shape[0] for x in x_arrays]

    alpha = as_variable(xs[0])
    score = select_item(xs[0], y_arrays[0])
    finished: list[Variable] = []
    scores: list[Variable] = []
    for t in range(1, len(xs)):
        size = sizes[t]
        if size < alpha.shape[0]:
            finished.append(get_item(alpha, slice(size, None)))
            scores.append(get_item(score, slice(size, None)))
            alpha = get_item(alpha, slice(0, size))
            score = get_item(score, slice(0, size))
        paths = expand_dims(alpha, 2) + broadcast_to(cost_var, (size, n_classes, n_classes))
        alpha = logsumexp(paths, axis=1) + xs[t]
        transitions = get_item(cost_var, (y_arrays[t - 1][:size], y_arrays[t]))
        score = score + select_item(xs[t], y_arrays[t]) + transitions
    finished.append(alpha)
    scores.append(score)
    final_alpha = concat(finished[::-1], axis=0)
    final_score = concat(scores[::-1], axis=0)
    losses = logsumexp(final_alpha, axis=1) - final_score
    if reduce == "no":
        return losses
    scale = 1.0 / int(sizes[0])
    return _sum(losses) * scale


def argmax_crf1d(
    cost: VariableOrArray, xs: Sequence[VariableOrArray]
) -> tuple[Variable, list[Array]]:
    """The best label path of each sequence under a linear-chain CRF (Viterbi).

    Args:
        cost: The ``(K, K)`` transition scores.
        xs: One ``(B_t, K)`` array of label scores per time step, ``B_t`` non-increasing
            (see :func:`crf1d`).

    Returns:
        ``(score, path)``: the ``(B_0,)`` best scores (a Variable, not differentiable) and
        one ``(B_t,)`` integer array of labels per time step.

    Raises:
        ValueError: If ``xs`` is empty.
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> cost = numpy.array([[0.0, -5.0], [0.0, 0.0]])
        >>> xs = [numpy.array([[1.0, 0.0]]), numpy.array([[0.0, 1.0]])]
        >>> score, path = F.argmax_crf1d(cost, xs)
        >>> score.array.tolist(), [p.tolist() for p in path]
        ([1.0], [[0], [0]])
    """
    cost_array = array_of(cost)
    x_arrays = [array_of(x) for x in xs]
    _check_inputs(cost_array, x_arrays, None)
    xp: Any = _shape_check.xp_of(cost_array)
    alpha = x_arrays[0]
    backpointers = []
    finished_alpha = []
    for x in x_arrays[1:]:
        size = x.shape[0]
        finished_alpha.append(alpha[size:])
        paths = alpha[:size, :, None] + cost_array
        backpointers.append(paths.argmax(axis=1))
        alpha = paths.max(axis=1) + x
    finished_alpha.append(alpha)
    final = xp.concatenate(finished_alpha[::-1], axis=0)
    best_score = final.max(axis=1)
    labels = alpha.argmax(axis=1)
    path = [labels]
    for t in range(len(x_arrays) - 1, 0, -1):
        # The sequences still running at t follow their back-pointers; those whose last
        # step is t - 1 start from their best final label.
        labels = backpointers[t - 1][xp.arange(len(labels)), labels]
        ended = finished_alpha[t - 1]
        if len(ended):
            labels = xp.concatenate((labels, ended.argmax(axis=1)))
        path.append(labels)
    path.reverse()
    return Variable(best_score, requires_grad=False), path
