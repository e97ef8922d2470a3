"""Absolute value: ``abs(x)`` (:func:`absolute`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Absolute", "absolute"]


@final
class Absolute(FunctionNode):
    """``|x|`` elementwise for floating point inputs (the gradient at 0 is 0)."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the absolute value (the input is retained for backward)."""
        self.retain_inputs((0,))
        return (abs(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * sign(x)`` (the sign is a constant)."""
        x = self.retained_input_array(0)
        return (_utils.first_grad(grad_outputs) * get_array_module(x).sign(x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * sign(x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        return (gy * get_array_module(x).sign(x),)


def absolute(x: VariableOrArray) -> Variable:
    """Absolute value elementwise: ``absolute(x)`` is ``abs(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``|x|``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.absolute(numpy.array([-1.5, 2.0]))
        variable([1.5, 2. ])
    """
    return Absolute().apply((x,))[0]
