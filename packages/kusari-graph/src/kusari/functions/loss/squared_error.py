"""Elementwise squared error (:func:`squared_error`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["SquaredError", "squared_error"]


@final
class SquaredError(FunctionNode):
    """``(x0 - x1) ** 2`` elementwise for two arrays of one shape."""

    __slots__ = ()
    input_spec = InputSpec("x0", "x1", kinds="f", same_dtype=True, same_shape=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Square the differences (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        diff = inputs[0] - inputs[1]
        diff *= diff
        return (diff,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``±2 (x0 - x1) gy``."""
        x0, x1 = self.get_retained_inputs()
        gx0 = (x0 - x1) * _utils.first_grad(grad_outputs) * 2.0
        return tuple(gx0 if i == 0 else -gx0 for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``±2 (x0 - x1) gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        gx0 = self.retained_input_array(0) - self.retained_input_array(1)
        gx0 *= gy
        gx0 *= gx0.dtype.type(2)
        return tuple(gx0 if i == 0 else -gx0 for i in target_input_indexes)


def squared_error(x0: VariableOrArray, x1: VariableOrArray) -> Variable:
    """The squared error ``(x0 - x1) ** 2`` of each element.

    Args:
        x0: A floating point input.
        x1: Another, of the same shape and dtype.

    Returns:
        The elementwise squared differences.

    Raises:
        kusari.graph.type_check.InvalidType: If the inputs are not floating point or differ
            in shape or dtype.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.squared_error(numpy.array([1.0, 2.0]), numpy.array([0.0, 4.0])).array.tolist()
        [1.0, 4.0]
    """
    return SquaredError().apply((x0, x1))[0]
