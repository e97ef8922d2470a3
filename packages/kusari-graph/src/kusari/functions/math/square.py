"""Elementwise square (:func:`square`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Square", "square"]


@final
class Square(FunctionNode):
    """``x * x`` elementwise; the gradient is ``2 * x * gy``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Square (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        return (x * x,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``2 * x * gy``."""
        (x,) = self.get_retained_inputs()
        return (_utils.first_grad(grad_outputs) * (x * 2),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``2 * x * gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        g = x * x.dtype.type(2)
        g *= gy
        return (g,)


def square(x: VariableOrArray) -> Variable:
    """Elementwise square ``x * x``.

    Args:
        x: A floating point input.

    Returns:
        ``x ** 2``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.square(numpy.array([-2.0, 3.0])).array.tolist()
        [4.0, 9.0]
    """
    return Square().apply((x,))[0]
