"""Inverse tangent (:func:`arctan`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Arctan", "arctan"]


@final
class Arctan(FunctionNode):
    """``arctan(x)`` elementwise; the gradient is ``gy / (1 + x ** 2)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``arctan(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.arctan(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy / (1 + x ** 2)``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy / (x * x + 1),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy / (1 + x ** 2)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        return (gy / (x * x + x.dtype.type(1)),)


def arctan(x: VariableOrArray) -> Variable:
    """Inverse tangent, elementwise: ``arctan(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``arctan(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.arctan(numpy.array([0.0, 1.0]))
        >>> numpy.allclose(y.array, [0.0, numpy.pi / 4])
        True
    """
    return Arctan().apply((x,))[0]
