"""Natural logarithm (:func:`log`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Log", "log"]


@final
class Log(FunctionNode):
    """``log(x)`` elementwise for floating point inputs."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the logarithm (the input is retained for backward)."""
        self.retain_inputs((0,))
        return (numpy.log(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy / x``."""
        (x,) = self.get_retained_inputs()
        return (_utils.first_grad(grad_outputs) / x,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy / x``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy / self.retained_input_array(0),)


def log(x: VariableOrArray) -> Variable:
    """Natural logarithm, elementwise.

    Args:
        x: A floating point input.

    Returns:
        ``log(x)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.log(numpy.array([1.0, numpy.e]))
        variable([0., 1.])
    """
    return Log().apply((x,))[0]
