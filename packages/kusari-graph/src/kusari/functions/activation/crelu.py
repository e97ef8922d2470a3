"""Concatenated ReLU (:func:`crelu`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.get_item import get_item
from ..math import _helpers

__all__ = ["CReLU", "crelu"]


@final
class CReLU(FunctionNode):
    """``concat((relu(x), relu(-x)), axis)``; the gradient at 0 is 0 on both halves.

    Args:
        axis: The (non-negative) axis to concatenate along.
    """

    __slots__ = ("axis",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: int = 1) -> None:
        self.axis = axis

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Concatenate both rectified halves (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.concatenate((xp.maximum(x, 0), xp.maximum(-x, 0)), axis=self.axis),)

    def _halves(self, n: int) -> tuple[tuple[slice, ...], tuple[slice, ...]]:
        lead = (slice(None),) * self.axis
        return (*lead, slice(0, n)), (*lead, slice(n, 2 * n))

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy1 * (x > 0) - gy2 * (x < 0)`` for the halves ``gy1``, ``gy2`` of ``gy``."""
        gy = _utils.first_grad(grad_outputs)
        x = self.retained_input_array(0)
        first, second = self._halves(x.shape[self.axis])
        positive = (x > 0).astype(x.dtype)
        negative = (x < 0).astype(x.dtype)
        return (get_item(gy, first) * positive - get_item(gy, second) * negative,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy1 * (x > 0) - gy2 * (x < 0)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        first, second = self._halves(x.shape[self.axis])
        return (gy[first] * (x > 0) - gy[second] * (x < 0),)


def crelu(x: VariableOrArray, axis: int = 1) -> Variable:
    """Concatenated ReLU: ``relu(x)`` and ``relu(-x)`` joined along ``axis``.

    The output has twice the length of ``x`` along ``axis``.

    Args:
        x: A floating point input.
        axis: The axis to concatenate along.

    Returns:
        The output.

    Raises:
        TypeError: If ``axis`` is not an int.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or has no axis
            ``axis``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.crelu(numpy.array([[1.0, -2.0]])).array.tolist()
        [[1.0, 0.0, 0.0, 2.0]]
    """
    axis = _helpers.check_axis("CReLU", _helpers.ndim_of(x), axis)
    return CReLU(axis).apply((x,))[0]
