"""Negative sampling loss (:func:`negative_sampling`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal, overload

from kusari.devices import Array, is_array
from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..activation.softplus import softplus
from ..array import _shape_check
from ..array.broadcast_to import broadcast_to
from ..array.expand_dims import expand_dims
from ..array.get_item import get_item
from ..array.select_item import expect_labels
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce

__all__ = ["negative_sampling"]

_REDUCE: Final = ("sum", "no")
_IGNORE_LABEL: Final = -1


def _check_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x", "t", "W"))
    x_type, t_type, w_type = in_types
    type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 2)
    expect_labels(t_type)
    type_check.expect(
        t_type.ndim == 1,
        x_type.shape[0] == t_type.shape[0],
        w_type.dtype == x_type.dtype,
        w_type.ndim == 2,
        w_type.shape[1] == x_type.shape[1],
    )


@overload
def negative_sampling(
    x: VariableOrArray,
    t: VariableOrArray,
    W: VariableOrArray,
    sampler: Callable[[tuple[int, int]], Array],
    sample_size: int,
    reduce: Literal["sum", "no"] = "sum",
    *,
    return_samples: Literal[False] = False,
) -> Variable: ...


@overload
def negative_sampling(
    x: VariableOrArray,
    t: VariableOrArray,
    W: VariableOrArray,
    sampler: Callable[[tuple[int, int]], Array],
    sample_size: int,
    reduce: Literal["sum", "no"] = "sum",
    *,
    return_samples: Literal[True],
) -> tuple[Variable, Array]: ...


def negative_sampling(
    x: VariableOrArray,
    t: VariableOrArray,
    W: VariableOrArray,
    sampler: Callable[[tuple[int, int]], Array],
    sample_size: int,
    reduce: Literal["sum", "no"] = "sum",
    *,
    return_samples: bool = False,
) -> Variable | tuple[Variable, Array]:
    """The negative sampling loss of word2vec (Mikolov et al., 2013).

    ``sampler((B, sample_size + 1))`` draws word ids; the first column is replaced by the
    targets ``t``.  For the scores ``f = <x[b], W[id]>`` each sample costs
    ``softplus(-f_target) + sum(softplus(f_negative))``.  Samples with ``t == -1`` cost 0.

    Args:
        x: ``(B, D)`` input vectors (floating point).
        t: ``(B,)`` integer target ids (``-1`` to ignore a sample).
        W: ``(V, D)`` output word vectors, of ``x``'s dtype.
        sampler: A function that returns an integer array of the shape it is given.
        sample_size: The number of negative samples per input (positive).
        reduce: ``"sum"`` gives the total loss; ``"no"`` one loss per sample.
        return_samples: Also return the ``(B, sample_size + 1)`` word ids used.

    Returns:
        The loss (and the ids when ``return_samples`` is true).

    Raises:
        TypeError: If ``sample_size`` is not an int.
        ValueError: If ``reduce`` is unknown, ``sample_size`` is not positive, or the
            sampler returns an array of another shape or a non-integer dtype.
        kusari.graph.type_check.InvalidType: If the inputs do not fit together.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.zeros((2, 3), numpy.float32)
        >>> W = numpy.ones((5, 3), numpy.float32)
        >>> def sampler(shape):
        ...     return numpy.zeros(shape, numpy.int32)
        >>> loss = F.negative_sampling(x, numpy.array([1, 3]), W, sampler, 2)
        >>> round(float(loss.array), 4)  # 6 * log(2)
        4.1589
    """
    check_reduce(reduce, _REDUCE)
    size = _shape_check.as_int(sample_size, "sample_size")
    if size <= 0:
        raise ValueError(f"sample_size must be positive, got {size}")
    x_array, labels, w_array = array_of(x), array_of(t), array_of(W)
    _shape_check.run_type_check(_check_types, (x_array, labels, w_array), "NegativeSampling")
    batch = x_array.shape[0]
    xp = _shape_check.xp_of(x_array)
    drawn = sampler((batch, size + 1))
    if not is_array(drawn) or drawn.shape != (batch, size + 1) or drawn.dtype.kind not in "iu":
        raise ValueError(
            f"sampler must return an integer array of shape {(batch, size + 1)}, got "
            f"{getattr(drawn, 'dtype', type(drawn).__name__)} of shape "
            f"{getattr(drawn, 'shape', None)}"
        )
    samples = xp.array(drawn, copy=True)
    samples[:, 0] = labels
    valid = labels != _IGNORE_LABEL
    ids = xp.where(valid[:, None], samples, 0)
    vectors = get_item(W, ids)
    x_var = as_variable(x)
    scores = _sum(vectors * broadcast_to(expand_dims(x_var, 1), vectors.shape), axis=2)
    sign = xp.ones((batch, size + 1), x_array.dtype)
    sign[:, 0] = -1
    losses = _sum(softplus(scores * sign), axis=1) * valid.astype(x_array.dtype)
    loss = losses if reduce == "no" else _sum(losses)
    if return_samples:
        return loss, samples
    return loss
