"""Hinge loss for multi-class classification (:func:`hinge`)."""

from __future__ import annotations

from typing import Final, Literal

import numpy

from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..activation.relu import relu
from ..array import _shape_check
from ..array.select_item import expect_labels
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce

__all__ = ["hinge"]

_REDUCE: Final = ("mean", "no")
_NORMS: Final = ("L1", "L2")


def _check_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x", "t"))
    x_type, t_type = in_types
    type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 2)
    expect_labels(t_type)
    type_check.expect(t_type.ndim == 1, x_type.shape[0] == t_type.shape[0])


def hinge(
    x: VariableOrArray,
    t: VariableOrArray,
    norm: Literal["L1", "L2"] = "L1",
    reduce: Literal["mean", "no"] = "mean",
) -> Variable:
    """The one-vs-all hinge loss of scores ``x`` for labels ``t``.

    With ``s = +1`` for the true class and ``-1`` elsewhere, each element's loss is
    ``max(0, 1 - s * x)``, squared for ``norm="L2"``.

    Args:
        x: The ``(B, K)`` scores (floating point).
        t: The ``(B,)`` integer labels in ``[0, K)``.
        norm: ``"L1"`` or ``"L2"``.
        reduce: ``"mean"`` sums the losses and divides by ``B``; ``"no"`` keeps the
            ``(B, K)`` losses.

    Returns:
        The loss, of ``x``'s dtype.

    Raises:
        ValueError: If ``norm`` or ``reduce`` is unknown, or (NumPy) a label is out of
            range.
        kusari.graph.type_check.InvalidType: If ``x`` is not a 2-D floating point array or
            ``t`` is not a matching 1-D integer array.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[2.0, 0.5], [0.0, -3.0]])
        >>> F.hinge(x, numpy.array([0, 1]), reduce="no").array.tolist()
        [[0.0, 1.5], [1.0, 4.0]]
    """
    if norm not in _NORMS:
        raise ValueError(f"norm must be 'L1' or 'L2', got {norm!r}")
    check_reduce(reduce, _REDUCE)
    x_array = array_of(x)
    labels = array_of(t)
    _shape_check.run_type_check(_check_types, (x_array, labels), "Hinge")
    n_classes = x_array.shape[1]
    if type(labels) is numpy.ndarray and ((labels < 0) | (labels >= n_classes)).any():
        raise ValueError(
            f"hinge: every label in t must be in [0, {n_classes}), got {labels.tolist()}"
        )
    xp = _shape_check.xp_of(x_array)
    x = as_variable(x)
    sign = xp.ones(x_array.shape, x_array.dtype)
    sign[xp.arange(len(labels)), labels] = -1
    loss = relu(x * sign + 1.0)
    if norm == "L2":
        loss = loss * loss
    if reduce == "no":
        return loss
    scale = 1.0 / max(int(x_array.shape[0]), 1)
    return _sum(loss) * scale
