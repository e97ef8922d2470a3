"""BlackOut loss (:func:`black_out`)."""

from __future__ import annotations

from typing import Final, Literal

from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..array import _shape_check
from ..array.broadcast_to import broadcast_to
from ..array.concat import concat
from ..array.expand_dims import expand_dims
from ..array.get_item import get_item
from ..array.select_item import expect_labels
from ..math.exp import exp
from ..math.log import log
from ..math.logsumexp import logsumexp
from ..math.mean import mean
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce

__all__ = ["black_out"]

_REDUCE: Final = ("mean", "no")


def _check_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x", "t", "W", "samples"))
    x_type, t_type, w_type, s_type = in_types
    type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 2)
    expect_labels(t_type)
    expect_labels(s_type, "samples")
    type_check.expect(
        t_type.ndim == 1,
        x_type.shape[0] == t_type.shape[0],
        w_type.dtype == x_type.dtype,
        w_type.ndim == 2,
        w_type.shape[1] == x_type.shape[1],
        s_type.ndim == 2,
        s_type.shape[0] == x_type.shape[0],
    )


def black_out(
    x: VariableOrArray,
    t: VariableOrArray,
    W: VariableOrArray,
    samples: VariableOrArray,
    reduce: Literal["mean", "no"] = "mean",
) -> Variable:
    """The BlackOut loss (Ji et al., 2016): a softmax over the target and sampled words.

    With the scores ``f = <x[b], W[id]>`` of the target and of the samples, and
    ``p = softmax(f)`` over those ids, each input costs
    ``-(log p_target + sum(log(1 - p_sample)))``.

    Args:
        x: ``(B, D)`` input vectors (floating point).
        t: ``(B,)`` integer target ids.
        W: ``(V, D)`` output word vectors, of ``x``'s dtype.
        samples: ``(B, S)`` integer ids of the negative samples.
        reduce: ``"mean"`` averages over the batch; ``"no"`` keeps one loss per input.

    Returns:
        The loss, of ``x``'s dtype.

    Raises:
        ValueError: If ``reduce`` is unknown.
        kusari.graph.type_check.InvalidType: If the inputs do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.zeros((1, 2))
        >>> W = numpy.ones((4, 2))
        >>> loss = F.black_out(x, numpy.array([0]), W, numpy.array([[1, 2]]))
        >>> bool(numpy.isclose(loss.array, numpy.log(3) - 2 * numpy.log(2 / 3)))
        True
    """
    check_reduce(reduce, _REDUCE)
    x_array, labels, w_array, ids = array_of(x), array_of(t), array_of(W), array_of(samples)
    _shape_check.run_type_check(_check_types, (x_array, labels, w_array, ids), "BlackOut")
    x_var = as_variable(x)
    negatives = get_item(W, ids)
    negative_scores = _sum(
        negatives * broadcast_to(expand_dims(x_var, 1), negatives.shape), axis=2
    )
    positive_scores = _sum(get_item(W, labels) * x_var, axis=1)
    log_z = logsumexp(concat((expand_dims(positive_scores, 1), negative_scores), axis=1), axis=1)
    log_p = positive_scores - log_z
    log_z_per_sample = broadcast_to(expand_dims(log_z, 1), negative_scores.shape)
    log_not_q = log(1.0 - exp(negative_scores - log_z_per_sample))
    losses = -(log_p + _sum(log_not_q, axis=1))
    if reduce == "no":
        return losses
    return mean(losses)
