"""Hyperbolic sine (:func:`sinh`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Sinh", "sinh"]


@final
class Sinh(FunctionNode):
    """``sinh(x)`` elementwise; the gradient is ``gy * cosh(x)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``sinh(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.sinh(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * cosh(x)``."""
        from .cosh import cosh  # cosh.py imports this module

        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * cosh(x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * cosh(x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        xp = _helpers.array_module(x)
        return (gy * xp.cosh(x),)


def sinh(x: VariableOrArray) -> Variable:
    """Hyperbolic sine, elementwise: ``sinh(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``sinh(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.sinh(numpy.array([0.0, 1.0]))
        >>> numpy.allclose(y.array, [0.0, numpy.sinh(1.0)])
        True
    """
    return Sinh().apply((x,))[0]
