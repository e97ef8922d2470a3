"""Padding sequences to a common length (:func:`pad_sequence`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from . import _shape_check
from .get_item import get_item

__all__ = ["PadSequence", "pad_sequence"]


@final
class PadSequence(FunctionNode):
    """Stack sequences of different lengths into ``(n, length, ...)``, padding the ends.

    Args:
        length: The padded length, or ``None`` for the longest sequence.
        padding: The fill value.
    """

    __slots__ = ("_lengths", "length", "padding")

    def __init__(self, length: int | None, padding: float) -> None:
        self.length = length
        self.padding = padding

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """At least one sequence; one dtype and item shape; none longer than ``length``."""
        type_check.expect(in_types.size() > 0)
        type_check.argname(in_types, [f"x{i}" for i in range(len(in_types))])
        x0 = in_types[0]
        type_check.expect(x0.ndim > 0)
        for x in in_types[1:]:
            type_check.expect(x.ndim == x0.ndim, x.shape[1:] == x0.shape[1:], x.dtype == x0.dtype)
        if self.length is not None:
            for x in in_types:
                type_check.expect(x.shape[0] <= self.length)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Pad and stack."""
        self._lengths = [len(x) for x in inputs]
        length = max(self._lengths) if self.length is None else self.length
        x0 = inputs[0]
        xp = _shape_check.xp_of(x0)
        y = xp.full((len(inputs), length, *x0.shape[1:]), self.padding, x0.dtype)
        for i, x in enumerate(inputs):
            y[i, : len(x)] = x
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Each sequence's rows of the gradient."""
        gy = grad_outputs[0]
        assert gy is not None
        return tuple(get_item(gy, (i, slice(0, self._lengths[i]))) for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Each sequence's rows of the gradient."""
        gy = grad_outputs[0]
        assert gy is not None
        return tuple(gy[i, : self._lengths[i]] for i in target_input_indexes)


def pad_sequence(
    xs: Sequence[VariableOrArray], length: int | None = None, padding: float = 0
) -> Variable:
    """Pad sequences of different lengths and stack them: ``(len(xs), length, ...)``.

    Args:
        xs: The sequences: arrays of shape ``(L_i, ...)`` with one dtype and the same
            ``...``.
        length: The padded length; ``None`` for the longest ``L_i``.
        padding: The value of the padding.

    Returns:
        The padded batch.

    Raises:
        TypeError: If ``length`` is not an int or ``None``.
        kusari.graph.type_check.InvalidType: If ``xs`` is empty, the sequences do not
            match, or one is longer than ``length``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.pad_sequence([numpy.array([1.0, 2.0]), numpy.array([3.0])], padding=-1)
        >>> y.array.tolist()
        [[1.0, 2.0], [3.0, -1.0]]
    """
    if length is not None:
        length = _shape_check.as_int(length, "length")
    return PadSequence(length, padding).apply(tuple(xs))[0]
