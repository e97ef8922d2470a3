"""Sine (:func:`sin`)."""

from __future__ import annotations

import sys
from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Sin", "sin"]


@final
class Sin(FunctionNode):
    """``sin(x)`` elementwise for floating point inputs."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the sine (the input is retained for backward)."""
        self.retain_inputs((0,))
        return (numpy.sin(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * cos(x)``."""
        (x,) = self.get_retained_inputs()
        cos = sys.modules["kusari.functions.math.cos"].cos  # cos.py imports this module
        return (_utils.first_grad(grad_outputs) * cos(x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * cos(x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * numpy.cos(self.retained_input_array(0)),)


def sin(x: VariableOrArray) -> Variable:
    """Sine, elementwise.

    Args:
        x: A floating point input (radians).

    Returns:
        ``sin(x)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.sin(numpy.array([0.0, numpy.pi / 2]))
        variable([0., 1.])
    """
    return Sin().apply((x,))[0]
