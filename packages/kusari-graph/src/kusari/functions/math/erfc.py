"""Complementary error function (:func:`erfc`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from ._erf_impl import erfc_array
from .exp import exp

__all__ = ["Erfc", "erfc"]

_TWO_OVER_SQRT_PI: Final = 2.0 / math.sqrt(math.pi)


@final
class Erfc(FunctionNode):
    """``1 - erf(x)`` elementwise; the gradient is ``-gy * 2 / sqrt(pi) * exp(-x ** 2)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``1 - erf(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        return (erfc_array(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-gy * 2 / sqrt(pi) * exp(-x ** 2)``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (exp(-(x * x)) * -_TWO_OVER_SQRT_PI),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-gy * 2 / sqrt(pi) * exp(-x ** 2)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        xp = _helpers.array_module(x)
        return (gy * (xp.exp(-(x * x)) * x.dtype.type(-_TWO_OVER_SQRT_PI)),)


def erfc(x: VariableOrArray) -> Variable:
    """Complementary error function, elementwise: ``1 - erf(x)``.

    It keeps its relative accuracy where it is tiny (large ``x``), unlike ``1 - erf(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``1 - erf(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.erfc(numpy.array([0.0, 10.0]))
        >>> numpy.allclose(y.array, [1.0, 2.088487583762545e-45], rtol=1e-12)
        True
    """
    return Erfc().apply((x,))[0]
