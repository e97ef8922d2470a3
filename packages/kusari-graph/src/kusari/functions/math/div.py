"""Division: ``x / y`` and ``c / x`` (:func:`div`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Operand, Variable
from kusari.graph.type_check import InputSpec

from .. import _utils
from .sum_to import sum_to

__all__ = ["Div", "DivFromConstant", "div"]


@final
class Div(FunctionNode):
    """``lhs / rhs`` elementwise for floating point inputs, with broadcasting."""

    __slots__ = ()
    input_spec = InputSpec("lhs", "rhs", kinds="f", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Divide the arrays (both are retained for backward)."""
        self.retain_inputs((0, 1))
        return (inputs[0] / inputs[1],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy / rhs`` for the left operand and ``-gy * lhs / rhs**2`` for the right."""
        gy = _utils.first_grad(grad_outputs)
        lhs, rhs = self.get_retained_inputs()
        g_lhs = gy / rhs
        result: list[Variable | None] = []
        for i in target_input_indexes:
            g = g_lhs if i == 0 else -g_lhs * lhs / rhs
            result.append(sum_to(g, self.inputs[i].shape))  # type: ignore[arg-type]
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy / rhs`` for the left operand and ``-gy * lhs / rhs**2`` for the right."""
        gy = grad_outputs[0]
        assert gy is not None
        lhs = self.retained_input_array(0)
        rhs = self.retained_input_array(1)
        g_lhs = gy / rhs
        result: list[Array | None] = []
        for i in target_input_indexes:
            g = g_lhs if i == 0 else -g_lhs * lhs / rhs
            result.append(_utils.sum_to_array(g, self.inputs[i].shape))  # type: ignore[arg-type]
        return tuple(result)


@final
class DivFromConstant(FunctionNode):
    """``value / x`` for a scalar constant ``value``.

    Args:
        value: The constant (already of the input's dtype).
    """

    __slots__ = ("value",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, value: object) -> None:
        self.value = value

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Divide the constant by the input (retained for backward)."""
        self.retain_inputs((0,))
        return (self.value / inputs[0],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-value * gy / x**2``."""
        (x,) = self.get_retained_inputs()
        return (_utils.first_grad(grad_outputs) * (-self.value) / (x * x),)  # type: ignore[operator]

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-value * gy / x**2``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        return (gy * (-self.value) / (x * x),)  # type: ignore[operator]


def div(lhs: Operand, rhs: Operand) -> Variable:
    """Divide: ``div(x, y)`` is ``x / y`` (one side may be a scalar; shapes broadcast).

    Args:
        lhs: The dividend.
        rhs: The divisor.

    Returns:
        The quotient.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.div(numpy.array([1.0, 3.0]), 2.0)
        variable([0.5, 1.5])
    """
    return _utils.binary("__truediv__", "__rtruediv__", lhs, rhs)
