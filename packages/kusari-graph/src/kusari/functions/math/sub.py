"""Subtraction: ``x - y`` and ``c - x`` (:func:`sub`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Operand, Variable
from kusari.graph.type_check import InputSpec

from .. import _utils
from .sum_to import sum_to

__all__ = ["Sub", "SubFromConstant", "sub"]


@final
class Sub(FunctionNode):
    """``lhs - rhs`` elementwise, with broadcasting."""

    __slots__ = ()
    input_spec = InputSpec("lhs", "rhs", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Subtract the arrays."""
        return (inputs[0] - inputs[1],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` for the left operand and ``-gy`` for the right, summed to their shapes."""
        gy = _utils.first_grad(grad_outputs)
        result: list[Variable | None] = []
        for i in target_input_indexes:
            g = gy if i == 0 else -gy
            result.append(sum_to(g, self.inputs[i].shape))  # type: ignore[arg-type]
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` for the left operand and ``-gy`` for the right, summed to their shapes."""
        gy = grad_outputs[0]
        assert gy is not None
        result: list[Array | None] = []
        for i in target_input_indexes:
            g = gy if i == 0 else -gy
            result.append(_utils.sum_to_array(g, self.inputs[i].shape))  # type: ignore[arg-type]
        return tuple(result)


@final
class SubFromConstant(FunctionNode):
    """``value - x`` for a scalar constant ``value``.

    Args:
        value: The constant (already of the input's dtype).
    """

    __slots__ = ("value",)
    input_spec = InputSpec("x")

    def __init__(self, value: object) -> None:
        self.value = value

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Subtract from the constant."""
        return (self.value - inputs[0],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-gy``."""
        return (-_utils.first_grad(grad_outputs),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (-gy,)


def sub(lhs: Operand, rhs: Operand) -> Variable:
    """Subtract: ``sub(x, y)`` is ``x - y`` (one side may be a scalar; shapes broadcast).

    Args:
        lhs: The minuend.
        rhs: The subtrahend.

    Returns:
        The difference.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.sub(numpy.array([3.0, 4.0]), 1.0)
        variable([2., 3.])
    """
    return _utils.binary("__sub__", "__rsub__", lhs, rhs)
