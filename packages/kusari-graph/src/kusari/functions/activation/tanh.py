"""Hyperbolic tangent (:func:`tanh`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Tanh", "tanh"]


@final
class Tanh(FunctionNode):
    """``tanh(x)`` elementwise for floating point inputs."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply tanh (the output is retained for backward)."""
        self.retain_outputs((0,))
        return (numpy.tanh(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * (1 - y * y)``."""
        (y,) = self.get_retained_outputs()
        return (_utils.first_grad(grad_outputs) * (1 - y * y),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * (1 - y * y)``."""
        gy = grad_outputs[0]
        assert gy is not None
        y = self.output_data[0]
        return (gy * (1 - y * y),)  # type: ignore[operator]


def tanh(x: VariableOrArray) -> Variable:
    """Hyperbolic tangent, elementwise.

    Args:
        x: A floating point input.

    Returns:
        ``tanh(x)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.tanh(numpy.array([0.0, 1.0], numpy.float32))
        variable([0.       , 0.7615942])
    """
    return Tanh().apply((x,))[0]
