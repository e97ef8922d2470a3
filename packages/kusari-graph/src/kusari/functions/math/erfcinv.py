"""Inverse complementary error function (:func:`erfcinv`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from ._erf_impl import erfcinv_array
from .exp import exp

__all__ = ["ErfcInv", "erfcinv"]

_MINUS_SQRT_PI_OVER_2: Final = -math.sqrt(math.pi) / 2.0


@final
class ErfcInv(FunctionNode):
    """``erfcinv(x)`` elementwise; the gradient is ``-gy * sqrt(pi) / 2 * exp(y ** 2)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``erfcinv(x)`` (the output is retained for backward)."""
        self.retain_outputs((0,))
        (x,) = inputs
        return (erfcinv_array(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-gy * sqrt(pi) / 2 * exp(y ** 2)``."""
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (exp(y * y) * _MINUS_SQRT_PI_OVER_2),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-gy * sqrt(pi) / 2 * exp(y ** 2)``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        xp = _helpers.array_module(y)
        return (gy * (xp.exp(y * y) * y.dtype.type(_MINUS_SQRT_PI_OVER_2)),)


def erfcinv(x: VariableOrArray) -> Variable:
    """Inverse complementary error function, elementwise: ``y`` with ``erfc(y) = x``.

    Unlike ``erfinv(1 - x)`` it keeps its digits for tiny ``x`` (down to the subnormals)
    and for ``x`` near 2.  It is ``inf`` at 0, ``-inf`` at 2 and NaN outside ``[0, 2]``.
    Evaluated in float64 without SciPy and cast back.

    Args:
        x: A floating point input.

    Returns:
        ``erfcinv(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.erfcinv(numpy.array([1.0, 0.5, 1e-100]))
        >>> numpy.allclose(y.array, [0.0, 0.4769362762044699, 15.065574702592647])
        True
    """
    return ErfcInv().apply((x,))[0]
