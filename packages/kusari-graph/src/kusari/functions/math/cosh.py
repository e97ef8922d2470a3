"""Hyperbolic cosine (:func:`cosh`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from .sinh import sinh

__all__ = ["Cosh", "cosh"]


@final
class Cosh(FunctionNode):
    """``cosh(x)`` elementwise; the gradient is ``gy * sinh(x)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``cosh(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.cosh(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * sinh(x)``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * sinh(x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * sinh(x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        xp = _helpers.array_module(x)
        return (gy * xp.sinh(x),)


def cosh(x: VariableOrArray) -> Variable:
    """Hyperbolic cosine, elementwise: ``cosh(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``cosh(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.cosh(numpy.array([0.0, 1.0]))
        >>> numpy.allclose(y.array, [1.0, numpy.cosh(1.0)])
        True
    """
    return Cosh().apply((x,))[0]
