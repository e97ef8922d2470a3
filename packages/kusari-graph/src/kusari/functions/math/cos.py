"""Cosine (:func:`cos`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from .sin import sin

__all__ = ["Cos", "cos"]


@final
class Cos(FunctionNode):
    """``cos(x)`` elementwise for floating point inputs."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the cosine (the input is retained for backward)."""
        self.retain_inputs((0,))
        return (numpy.cos(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-gy * sin(x)``."""
        (x,) = self.get_retained_inputs()
        return (_utils.first_grad(grad_outputs) * -sin(x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-gy * sin(x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * -numpy.sin(self.retained_input_array(0)),)


def cos(x: VariableOrArray) -> Variable:
    """Cosine, elementwise.

    Args:
        x: A floating point input (radians).

    Returns:
        ``cos(x)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.cos(numpy.array([0.0, numpy.pi]))
        variable([ 1., -1.])
    """
    return Cos().apply((x,))[0]
