"""Scaled complementary error function (:func:`erfcx`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ._erf_impl import erfcx_array

__all__ = ["Erfcx", "erfcx"]

_TWO_OVER_SQRT_PI: Final = 2.0 / math.sqrt(math.pi)


@final
class Erfcx(FunctionNode):
    """``exp(x**2) * erfc(x)`` elementwise; the gradient is ``gy * (2 x y - 2 / sqrt(pi))``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``erfcx(x)`` (the input and the output are retained for backward)."""
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        (x,) = inputs
        return (erfcx_array(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * (2 x y - 2 / sqrt(pi))``."""
        (x,) = self.get_retained_inputs()
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (x * y * 2.0 - _TWO_OVER_SQRT_PI),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * (2 x y - 2 / sqrt(pi))``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        x = self.retained_input_array(0)
        slope = x * y
        slope *= x.dtype.type(2.0)
        slope -= x.dtype.type(_TWO_OVER_SQRT_PI)
        return (gy * slope,)


def erfcx(x: VariableOrArray) -> Variable:
    """Scaled complementary error function, elementwise: ``exp(x**2) * erfc(x)``.

    It neither underflows for large ``x`` (where it tends to ``1 / (x sqrt(pi))``) nor
    loses digits; it overflows to ``inf`` below about ``-26.63``.  Evaluated in float64
    without SciPy and cast back.

    Args:
        x: A floating point input.

    Returns:
        ``erfcx(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.erfcx(numpy.array([0.0, 1.0, 100.0]))
        >>> numpy.allclose(y.array, [1.0, 0.42758357615580705, 0.005641613782989433])
        True
    """
    return Erfcx().apply((x,))[0]
