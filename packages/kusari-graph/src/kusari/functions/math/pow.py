"""Powers: ``x ** y``, ``x ** c`` and ``c ** x`` (:func:`power`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Operand, Variable
from kusari.graph.type_check import InputSpec

from .. import _utils
from .log import log
from .sum_to import sum_to

__all__ = ["PowConstVar", "PowVarConst", "PowVarVar", "power"]


@final
class PowVarVar(FunctionNode):
    """``lhs ** rhs`` elementwise for floating point inputs, with broadcasting."""

    __slots__ = ()
    input_spec = InputSpec("lhs", "rhs", kinds="f", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Raise to the power (inputs and output are retained for backward)."""
        self.retain_inputs((0, 1))
        self.retain_outputs((0,))
        return (inputs[0] ** inputs[1],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * rhs * lhs ** (rhs - 1)`` and ``gy * log(lhs) * y``."""
        gy = _utils.first_grad(grad_outputs)
        lhs, rhs = self.get_retained_inputs()
        result: list[Variable | None] = []
        for i in target_input_indexes:
            if i == 0:
                g = gy * rhs * lhs ** (rhs - 1)
            else:
                (y,) = self.get_retained_outputs()
                g = gy * log(lhs) * y
            result.append(sum_to(g, self.inputs[i].shape))  # type: ignore[arg-type]
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * rhs * lhs ** (rhs - 1)`` and ``gy * log(lhs) * y``."""
        gy = grad_outputs[0]
        assert gy is not None
        lhs = self.retained_input_array(0)
        rhs = self.retained_input_array(1)
        result: list[Array | None] = []
        for i in target_input_indexes:
            if i == 0:
                g = gy * rhs * lhs ** (rhs - 1)
            else:
                g = gy * get_array_module(lhs).log(lhs) * self.output_data[0]
            result.append(_utils.sum_to_array(g, self.inputs[i].shape))  # type: ignore[arg-type]
        return tuple(result)


@final
class PowVarConst(FunctionNode):
    """``x ** value`` for a scalar constant ``value``.

    Args:
        value: The exponent (already of the input's dtype).
    """

    __slots__ = ("value",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, value: numpy.generic) -> None:
        self.value = value

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Raise to the constant power (the input is retained for backward)."""
        self.retain_inputs((0,))
        return (inputs[0] ** self.value,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * value * x ** (value - 1)`` (zero for ``value == 0``)."""
        gy = _utils.first_grad(grad_outputs)
        value = self.value
        if value == 0:
            return (gy * 0,)
        (x,) = self.get_retained_inputs()
        if value == 1:
            return (gy,)
        return (gy * (x ** (value - 1) * value),)  # type: ignore[operator]

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * value * x ** (value - 1)`` (zero for ``value == 0``)."""
        gy = grad_outputs[0]
        assert gy is not None
        value = self.value
        if value == 0:
            return (gy * 0,)
        x = self.retained_input_array(0)
        return (gy * (x ** (value - 1) * value),)  # type: ignore[operator]


@final
class PowConstVar(FunctionNode):
    """``value ** x`` for a scalar constant ``value``.

    Args:
        value: The base (already of the input's dtype).
    """

    __slots__ = ("value",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, value: numpy.generic) -> None:
        self.value = value

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Raise the constant to the input (the output is retained for backward)."""
        self.retain_outputs((0,))
        return (self.value ** inputs[0],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * log(value) * y``."""
        (y,) = self.get_retained_outputs()
        return (_utils.first_grad(grad_outputs) * (y * numpy.log(self.value)),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * log(value) * y``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * (self.output_data[0] * numpy.log(self.value)),)


def power(lhs: Operand, rhs: Operand) -> Variable:
    """Raise to a power: ``power(x, y)`` is ``x ** y`` (one side may be a scalar).

    Args:
        lhs: The base.
        rhs: The exponent.

    Returns:
        ``lhs ** rhs``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.power(numpy.array([2.0, 3.0]), 2)
        variable([4., 9.])
    """
    return _utils.binary("__pow__", "__rpow__", lhs, rhs)
