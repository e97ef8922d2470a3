"""Logistic sigmoid (:func:`sigmoid`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, kernels
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

# On NumPy the fused kernel (one pass, in place) beats the three-ufunc expression from
# about 32k elements (1.2-2x at 64k); below that its call overhead dominates.  On CuPy it
# is one launch instead of three, always.
_FUSED_MIN_SIZE = 32768

__all__ = ["Sigmoid", "sigmoid"]


@final
class Sigmoid(FunctionNode):
    """``1 / (1 + exp(-x))`` elementwise for floating point inputs."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply the sigmoid (the output is retained for backward)."""
        self.retain_outputs((0,))
        # tanh form: no overflow warnings for large |x|.
        return (numpy.tanh(inputs[0] * 0.5) * 0.5 + 0.5,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * y * (1 - y)``."""
        (y,) = self.get_retained_outputs()
        return (_utils.first_grad(grad_outputs) * (y * (1 - y)),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * y * (1 - y)``."""
        gy = grad_outputs[0]
        assert gy is not None
        y = self.output_data[0]
        assert y is not None
        if (type(y) is not numpy.ndarray or y.size >= _FUSED_MIN_SIZE) and gy.dtype == y.dtype:
            return (kernels.sigmoid_grad(y, gy),)
        return (gy * y * (1 - y),)


def sigmoid(x: VariableOrArray) -> Variable:
    """Logistic sigmoid, elementwise.

    Args:
        x: A floating point input.

    Returns:
        ``1 / (1 + exp(-x))``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.sigmoid(numpy.array([0.0, 2.0]))
        variable([0.5       , 0.88079708])
    """
    return Sigmoid().apply((x,))[0]
