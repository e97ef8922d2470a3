"""Transposing a batch of sequences into a sequence of batches (:func:`transpose_sequence`)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from . import _shape_check

__all__ = ["TransposeSequence", "transpose_sequence"]


def _transpose(xs: Sequence[Array]) -> tuple[Array, ...]:
    """``ys[t] = concatenate([x[t:t+1] for x in xs if len(x) > t])``."""
    if not xs:
        return ()
    xp = _shape_check.xp_of(xs[0])
    length = len(xs[0])
    result = []
    for t in range(length):
        rows = [x[t : t + 1] for x in xs if len(x) > t]
        result.append(xp.concatenate(rows, axis=0))
    return tuple(result)


@final
class TransposeSequence(FunctionNode):
    """Turn sequences sorted by decreasing length into one batch per time step."""

    __slots__ = ("_in_shapes",)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Every sequence has ndim >= 1, the same item shape and dtype; lengths decrease."""
        for x in in_types:
            type_check.expect(x.ndim >= 1)
        for prev, x in itertools.pairwise(in_types):
            type_check.expect(
                prev.shape[0] >= x.shape[0],
                prev.shape[1:] == x.shape[1:],
                prev.dtype == x.dtype,
            )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Transpose."""
        self._in_shapes = [x.shape for x in inputs]
        return _transpose(inputs)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Transpose the gradients back (zeros where a time step has none)."""
        xp = next(g.xp for g in grad_outputs if g is not None)
        dtype = next(g.dtype for g in grad_outputs if g is not None)
        item = self._in_shapes[0][1:]
        counts = [sum(1 for s in self._in_shapes if s[0] > t) for t in range(len(grad_outputs))]
        shapes = [(n, *item) for n in counts]
        gys = _shape_check.zero_filled(grad_outputs, shapes, dtype, xp)
        gxs = list(TransposeSequence().apply(gys)) if gys else []
        for shape in self._in_shapes[len(gxs) :]:
            gxs.append(Variable(xp.zeros(shape, dtype), requires_grad=False))
        return tuple(gxs[i] for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Transpose the gradients back (zeros where a time step has none)."""
        first = next(g for g in grad_outputs if g is not None)
        xp = _shape_check.xp_of(first)
        item = self._in_shapes[0][1:]
        counts = [sum(1 for s in self._in_shapes if s[0] > t) for t in range(len(grad_outputs))]
        shapes = [(n, *item) for n in counts]
        gys = _shape_check.zero_filled_arrays(grad_outputs, shapes, first.dtype, xp)
        gxs = list(_transpose(gys))
        for shape in self._in_shapes[len(gxs) :]:
            gxs.append(xp.zeros(shape, first.dtype))
        return tuple(gxs[i] for i in target_input_indexes)


def transpose_sequence(xs: Sequence[VariableOrArray]) -> tuple[Variable, ...]:
    """Transpose a list of sequences into a list of time steps.

    ``xs`` holds sequences ``(L_i, ...)`` sorted by non-increasing length.  The result
    holds ``L_0`` batches; batch ``t`` stacks the ``t``-th element of every sequence that is
    longer than ``t``, so its size shrinks as sequences end.  Applying the function again
    gives the sequences back (the empty ones excepted).

    Args:
        xs: The sequences, sorted by decreasing length, with one dtype and item shape.

    Returns:
        One Variable per time step (an empty tuple for no sequences).

    Raises:
        kusari.graph.type_check.InvalidType: If the sequences are not sorted by length or
            do not match.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> xs = [numpy.array([1.0, 2.0, 3.0]), numpy.array([4.0, 5.0]), numpy.array([6.0])]
        >>> [y.array.tolist() for y in F.transpose_sequence(xs)]
        [[1.0, 4.0, 6.0], [2.0, 5.0], [3.0]]
    """
    if not xs:
        return ()
    return TransposeSequence().apply(tuple(xs))
