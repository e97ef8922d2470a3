"""Standard normal cumulative distribution function (:func:`ndtr`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from ._ndtr_impl import ndtr_array
from .exp import exp

__all__ = ["Ndtr", "ndtr"]

_INV_SQRT_2PI: Final = 1.0 / math.sqrt(2.0 * math.pi)


@final
class Ndtr(FunctionNode):
    """``Phi(x)`` elementwise; the gradient is ``gy * exp(-x**2 / 2) / sqrt(2 pi)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``Phi(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        return (ndtr_array(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * exp(-x**2 / 2) / sqrt(2 pi)``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (exp(x * x * -0.5) * _INV_SQRT_2PI),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * exp(-x**2 / 2) / sqrt(2 pi)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        xp = _helpers.array_module(x)
        density = xp.exp(x * x * x.dtype.type(-0.5))
        density *= x.dtype.type(_INV_SQRT_2PI)
        return (gy * density,)


def ndtr(x: VariableOrArray) -> Variable:
    """Standard normal cumulative distribution function, elementwise: ``Phi(x)``.

    ``Phi(x) = erfc(-x / sqrt(2)) / 2``, evaluated in float64 without SciPy and cast back;
    the lower tail keeps its relative accuracy down to the smallest doubles.

    Args:
        x: A floating point input.

    Returns:
        ``Phi(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.ndtr(numpy.array([0.0, 1.0, -10.0]))
        >>> numpy.allclose(y.array, [0.5, 0.8413447460685429, 7.619853024160527e-24])
        True
    """
    return Ndtr().apply((x,))[0]
