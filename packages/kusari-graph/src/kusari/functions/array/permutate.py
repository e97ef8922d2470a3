"""Permuting along an axis (:func:`permutate`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, is_array
from kusari.graph import FunctionNode, Variable, VariableOrArray, is_debug, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["Permutate", "permutate"]


def _inverse(indices: Array) -> Array:
    xp = _shape_check.xp_of(indices)
    inverse = xp.empty_like(indices)
    inverse[indices] = xp.arange(len(indices), dtype=indices.dtype)
    return inverse  # type: ignore[no-any-return]


@final
class Permutate(FunctionNode):
    """Reorder the input along ``axis``: ``y[..., i, ...] = x[..., indices[i], ...]``.

    The indices are the second input (an integer array without gradient).

    Args:
        axis: The axis to permute.
        inv: Apply the inverse permutation instead.
    """

    __slots__ = ("axis", "inv")

    def __init__(self, axis: int, inv: bool) -> None:
        self.axis = axis
        self.inv = inv

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``indices`` is a 1-D integer array with one entry per element along ``axis``."""
        type_check.argname(in_types, ("x", "indices"))
        x_type, ind_type = in_types
        _shape_check.expect_axis(x_type, self.axis)
        type_check.expect(
            ind_type.dtype.kind == "i",
            ind_type.ndim == 1,
            x_type.shape[self.axis] == ind_type.shape[0],
        )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Permute (the indices are retained for backward)."""
        self.retain_inputs((1,))
        x, indices = inputs
        if type(indices) is numpy.ndarray or is_debug():
            _check_permutation(indices)
        if self.inv:
            indices = _inverse(indices)
        return (x.take(indices, axis=self.axis),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Apply the inverse permutation to the gradient."""
        gy = _utils.first_grad(grad_outputs)
        indices = self.retained_input_array(1)
        return (Permutate(self.axis, not self.inv).apply((gy, indices))[0], None)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Apply the inverse permutation to the gradient."""
        gy = grad_outputs[0]
        assert gy is not None
        indices = self.retained_input_array(1)
        if not self.inv:
            indices = _inverse(indices)
        return (gy.take(indices, axis=self.axis), None)


def _check_permutation(indices: Array) -> None:
    xp = _shape_check.xp_of(indices)
    seen = xp.zeros(len(indices), bool)
    valid = (indices >= 0) & (indices < len(indices))
    seen[indices[valid]] = True
    if not bool(valid.all()) or not bool(seen.all()):
        raise ValueError(
            f"permutate: indices must be a permutation of 0..{len(indices) - 1}, got "
            f"{indices.tolist() if len(indices) <= 20 else 'another array'}"
        )


def permutate(
    x: VariableOrArray, indices: VariableOrArray, axis: int = 0, inv: bool = False
) -> Variable:
    """Permute ``x`` along an axis: ``y[..., i, ...] = x[..., indices[i], ...]``.

    Args:
        x: The input.
        indices: A permutation of ``0 .. x.shape[axis] - 1`` (a 1-D signed integer array or
            Variable; it gets no gradient).  It is checked on NumPy arrays (and on CuPy
            arrays in debug mode).
        axis: The axis to permute.
        inv: Apply the inverse permutation: ``y[..., indices[i], ...] = x[..., i, ...]``.

    Returns:
        The permuted Variable.

    Raises:
        TypeError: If ``indices`` is not an array or ``axis`` not an int.
        ValueError: If ``indices`` is not a permutation.
        kusari.graph.type_check.InvalidType: If ``indices`` is not a 1-D integer array of
            the length of the axis, or ``axis`` is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([10.0, 20.0, 30.0])
        >>> F.permutate(x, numpy.array([2, 0, 1])).array.tolist()
        [30.0, 10.0, 20.0]
        >>> F.permutate(x, numpy.array([2, 0, 1]), inv=True).array.tolist()
        [20.0, 30.0, 10.0]
    """
    if isinstance(indices, Variable):
        indices = indices.array  # type: ignore[assignment]
    if not is_array(indices):
        raise TypeError(f"indices must be an array or a Variable, got {type(indices).__name__}")
    axis = _shape_check.as_int(axis, "axis")
    return Permutate(axis, bool(inv)).apply((x, indices))[0]
