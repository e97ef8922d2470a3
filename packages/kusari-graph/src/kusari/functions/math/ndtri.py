"""Inverse of the standard normal CDF (:func:`ndtri`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from ._ndtr_impl import ndtri_array
from .exp import exp

__all__ = ["Ndtri", "ndtri"]

_SQRT_2PI: Final = math.sqrt(2.0 * math.pi)


@final
class Ndtri(FunctionNode):
    """``Phi**-1(p)`` elementwise; the gradient is ``gy * sqrt(2 pi) * exp(y**2 / 2)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``Phi**-1(p)`` (the output is retained for backward)."""
        self.retain_outputs((0,))
        (p,) = inputs
        return (ndtri_array(p),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * sqrt(2 pi) * exp(y**2 / 2)``: one over the normal density at ``y``."""
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (exp(y * y * 0.5) * _SQRT_2PI),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * sqrt(2 pi) * exp(y**2 / 2)``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        xp = _helpers.array_module(y)
        slope = xp.exp(y * y * y.dtype.type(0.5))
        slope *= y.dtype.type(_SQRT_2PI)
        return (gy * slope,)


def ndtri(x: VariableOrArray) -> Variable:
    """Inverse of the standard normal CDF, elementwise: ``y`` with ``Phi(y) = x``.

    ``-sqrt(2) * erfcinv(2 x)``, evaluated in float64 without SciPy and cast back; both
    tails keep their digits (``ndtri(1e-300)`` is about ``-37.05``).  It is ``-inf`` at 0,
    ``inf`` at 1 and NaN outside ``[0, 1]``.

    Args:
        x: Floating point probabilities.

    Returns:
        ``Phi**-1(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.ndtri(numpy.array([0.5, 0.975]))
        >>> numpy.allclose(y.array, [0.0, 1.959963984540054])
        True
    """
    return Ndtri().apply((x,))[0]
