"""Square root (:func:`sqrt`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Sqrt", "sqrt"]


@final
class Sqrt(FunctionNode):
    """``sqrt(x)`` elementwise; the gradient is ``gy / (2 * y)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the square root (the output is retained for backward)."""
        self.retain_outputs((0,))
        (x,) = inputs
        return (_helpers.array_module(x).sqrt(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy / (2 * y)``."""
        (y,) = self.get_retained_outputs()
        return (_utils.first_grad(grad_outputs) / (y * 2),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy / (2 * y)``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        return (gy / (y * y.dtype.type(2)),)


def sqrt(x: VariableOrArray) -> Variable:
    """Square root, elementwise.

    Args:
        x: A floating point input.

    Returns:
        ``sqrt(x)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.sqrt(numpy.array([4.0, 9.0])).array.tolist()
        [2.0, 3.0]
    """
    return Sqrt().apply((x,))[0]
