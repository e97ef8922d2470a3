"""Exponential (:func:`exp`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Exp", "exp"]


@final
class Exp(FunctionNode):
    """``exp(x)`` elementwise for floating point inputs."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Exponentiate (the output is retained for backward)."""
        self.retain_outputs((0,))
        return (numpy.exp(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * y``."""
        (y,) = self.get_retained_outputs()
        return (_utils.first_grad(grad_outputs) * y,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * y``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * self.output_data[0],)


def exp(x: VariableOrArray) -> Variable:
    """Exponential, elementwise.

    Args:
        x: A floating point input.

    Returns:
        ``exp(x)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.exp(numpy.array([0.0, 1.0]))
        variable([1.        , 2.71828183])
    """
    return Exp().apply((x,))[0]
