"""Negation: ``-x`` (:func:`neg`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Neg", "neg"]


@final
class Neg(FunctionNode):
    """``-x`` elementwise."""

    __slots__ = ()
    input_spec = InputSpec("x")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Negate the array."""
        return (-inputs[0],)

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


def neg(x: VariableOrArray) -> Variable:
    """Negate elementwise: ``neg(x)`` is ``-x``.

    Args:
        x: The input.

    Returns:
        ``-x``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.neg(numpy.array([1.0, -2.0]))
        variable([-1.,  2.])
    """
    return Neg().apply((x,))[0]
