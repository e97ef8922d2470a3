"""Piecewise linear approximation of the sigmoid (:func:`hard_sigmoid`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers

__all__ = ["HardSigmoid", "hard_sigmoid"]


@final
class HardSigmoid(FunctionNode):
    """``clip(0.2 * x + 0.5, 0, 1)``; the gradient is 0.2 on ``-2.5 < x < 2.5``, else 0."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply (the output is retained: ``0 < y < 1`` exactly on the slope)."""
        self.retain_outputs((0,))
        (x,) = inputs
        dtype = x.dtype.type
        y = x * dtype(0.2)
        y += dtype(0.5)
        y = _helpers.array_module(x).clip(y, dtype(0), dtype(1), out=_helpers.out(y))
        return (y,)

    def _slope(self) -> Array:
        y = self.output_data[0]
        assert y is not None
        mask = ((y > 0) & (y < 1)).astype(y.dtype)
        mask *= y.dtype.type(0.2)
        return mask

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``0.2 * gy`` on the slope, 0 elsewhere."""
        return (_utils.first_grad(grad_outputs) * self._slope(),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``0.2 * gy`` on the slope, 0 elsewhere."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * self._slope(),)


def hard_sigmoid(x: VariableOrArray) -> Variable:
    """Hard sigmoid: ``0`` below ``-2.5``, ``1`` above ``2.5``, ``0.2 * x + 0.5`` between.

    Args:
        x: A floating point input.

    Returns:
        The output, of the shape and dtype of ``x``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.hard_sigmoid(numpy.array([-3.0, 0.0, 1.0, 3.0])).array.tolist()
        [0.0, 0.5, 0.7, 1.0]
    """
    return HardSigmoid().apply((x,))[0]
