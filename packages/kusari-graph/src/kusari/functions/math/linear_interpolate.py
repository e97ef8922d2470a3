"""Elementwise linear interpolation (:func:`linear_interpolate`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["LinearInterpolate", "linear_interpolate"]


@final
class LinearInterpolate(FunctionNode):
    """``p * x + (1 - p) * y`` elementwise, for inputs of one shape and dtype."""

    __slots__ = ()
    input_spec = InputSpec("p", "x", "y", kinds="f", same_dtype=True, same_shape=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Interpolate (the inputs are retained for backward)."""
        self.retain_inputs((0, 1, 2))
        p, x, y = inputs
        out = x - y
        out *= p
        out += y
        return (out,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * (x - y)``, ``gy * p`` and ``gy * (1 - p)``."""
        g = _utils.first_grad(grad_outputs)
        p, x, y = self.get_retained_inputs()
        result: list[Variable | None] = []
        for i in target_input_indexes:
            if i == 0:
                result.append(g * (x - y))
            elif i == 1:
                result.append(g * p)
            else:
                result.append(g * (1 - p))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * (x - y)``, ``gy * p`` and ``gy * (1 - p)``."""
        g = grad_outputs[0]
        assert g is not None
        p = self.retained_input_array(0)
        result: list[Array | None] = []
        for i in target_input_indexes:
            if i == 0:
                result.append(g * (self.retained_input_array(1) - self.retained_input_array(2)))
            elif i == 1:
                result.append(g * p)
            else:
                result.append(g * (p.dtype.type(1) - p))
        return tuple(result)


def linear_interpolate(p: VariableOrArray, x: VariableOrArray, y: VariableOrArray) -> Variable:
    """Elementwise linear interpolation ``p * x + (1 - p) * y``.

    Args:
        p: The weights of ``x``.
        x: The first input.
        y: The second input.

    Returns:
        The interpolation.

    Raises:
        kusari.graph.type_check.InvalidType: If the inputs differ in shape or dtype, or are
            not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> p = numpy.array([0.0, 0.25, 1.0])
        >>> F.linear_interpolate(p, numpy.ones(3), numpy.full(3, 3.0)).array.tolist()
        [3.0, 2.5, 1.0]
    """
    return LinearInterpolate().apply((p, x, y))[0]
