"""Tangent (:func:`tan`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Tan", "tan"]


@final
class Tan(FunctionNode):
    """``tan(x)`` elementwise; the gradient is ``gy * (1 + y ** 2)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``tan(x)`` (the output is retained for backward)."""
        self.retain_outputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.tan(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * (1 + y ** 2)``."""
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (y * y + 1),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * (1 + y ** 2)``."""
        gy = grad_outputs[0]
        assert gy is not None
        y = self.output_data[0]
        assert y is not None
        return (gy * (y * y + y.dtype.type(1)),)


def tan(x: VariableOrArray) -> Variable:
    """Tangent, elementwise: ``tan(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``tan(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.tan(numpy.array([0.0, numpy.pi / 4]))
        >>> numpy.allclose(y.array, [0.0, 1.0])
        True
    """
    return Tan().apply((x,))[0]
