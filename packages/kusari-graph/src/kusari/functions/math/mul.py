"""Multiplication: ``x * y`` and ``x * c`` (:func:`mul`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Operand, Variable
from kusari.graph.type_check import InputSpec

from .. import _utils
from .sum_to import sum_to

__all__ = ["Mul", "MulConstant", "mul"]


@final
class Mul(FunctionNode):
    """``lhs * rhs`` elementwise, with broadcasting."""

    __slots__ = ()
    input_spec = InputSpec("lhs", "rhs", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Multiply the arrays (both are retained for backward)."""
        self.retain_inputs((0, 1))
        return (inputs[0] * inputs[1],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * rhs`` for the left operand and ``gy * lhs`` for the right."""
        gy = _utils.first_grad(grad_outputs)
        inputs = self.get_retained_inputs()
        result: list[Variable | None] = []
        for i in target_input_indexes:
            g = gy * inputs[1 - i]
            result.append(sum_to(g, self.inputs[i].shape))  # type: ignore[arg-type]
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * rhs`` for the left operand and ``gy * lhs`` for the right."""
        gy = grad_outputs[0]
        assert gy is not None
        result: list[Array | None] = []
        for i in target_input_indexes:
            g = gy * self.retained_input_array(1 - i)
            result.append(_utils.sum_to_array(g, self.inputs[i].shape))  # type: ignore[arg-type]
        return tuple(result)


@final
class MulConstant(FunctionNode):
    """``x * value`` for a scalar constant ``value``.

    Args:
        value: The constant (already of the input's dtype).
    """

    __slots__ = ("value",)
    input_spec = InputSpec("x")

    def __init__(self, value: object) -> None:
        self.value = value

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Multiply by the constant."""
        return (inputs[0] * self.value,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * value``."""
        return (_utils.first_grad(grad_outputs) * self.value,)  # type: ignore[operator]

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * value``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * self.value,)


def mul(lhs: Operand, rhs: Operand) -> Variable:
    """Multiply: ``mul(x, y)`` is ``x * y`` (one side may be a scalar; shapes broadcast).

    Args:
        lhs: The left factor.
        rhs: The right factor.

    Returns:
        The product.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.mul(numpy.array([1.0, 2.0]), numpy.array([3.0, 4.0]))
        variable([3., 8.])
    """
    return _utils.binary("__mul__", "__rmul__", lhs, rhs)
