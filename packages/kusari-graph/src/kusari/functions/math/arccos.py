"""Inverse cosine (:func:`arccos`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from .rsqrt import rsqrt

__all__ = ["Arccos", "arccos"]


@final
class Arccos(FunctionNode):
    """``arccos(x)`` elementwise; the gradient is ``-gy / sqrt(1 - x ** 2)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``arccos(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.arccos(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-gy / sqrt(1 - x ** 2)``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (-gy * rsqrt(1 - x * x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-gy / sqrt(1 - x ** 2)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        xp = _helpers.array_module(x)
        return (-gy / xp.sqrt(x.dtype.type(1) - x * x),)


def arccos(x: VariableOrArray) -> Variable:
    """Inverse cosine, elementwise: ``arccos(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``arccos(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.arccos(numpy.array([1.0, 0.0]))
        >>> numpy.allclose(y.array, [0.0, numpy.pi / 2])
        True
    """
    return Arccos().apply((x,))[0]
