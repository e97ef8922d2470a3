"""Hyperbolic tangent (:func:`tanh`)."""

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
        assert y is not None
        if (type(y) is not numpy.ndarray or y.size >= _FUSED_MIN_SIZE) and gy.dtype == y.dtype:
            return (kernels.tanh_grad(y, gy),)
        return (gy * (1 - y * y),)


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
