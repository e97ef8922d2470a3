"""Rectified linear unit (:func:`relu`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["ReLU", "relu"]


@final
class ReLU(FunctionNode):
    """``max(x, 0)`` elementwise for floating point inputs (the gradient at 0 is 0)."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply the ReLU (the output is retained for backward)."""
        self.retain_outputs((0,))
        return (numpy.maximum(inputs[0], 0),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * (y > 0)``; the mask is a constant, so the second derivative is 0."""
        y = self.output_data[0]
        assert y is not None
        return (_utils.first_grad(grad_outputs) * (y > 0).astype(y.dtype),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * (y > 0)``."""
        gy = grad_outputs[0]
        assert gy is not None
        y = self.output_data[0]
        assert y is not None
        return (gy * (y > 0),)


def relu(x: VariableOrArray) -> Variable:
    """Rectified linear unit: ``max(x, 0)``, elementwise.

    Args:
        x: A floating point input.

    Returns:
        ``max(x, 0)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.relu(numpy.array([-1.0, 2.0], numpy.float32))
        variable([0., 2.])
    """
    return ReLU().apply((x,))[0]
