"""Inverse error function (:func:`erfinv`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from ._erf_impl import erfinv_array
from .exp import exp

__all__ = ["ErfInv", "erfinv"]

_SQRT_PI_OVER_2: Final = math.sqrt(math.pi) / 2.0


@final
class ErfInv(FunctionNode):
    """``erfinv(x)`` elementwise; the gradient is ``gy * sqrt(pi) / 2 * exp(y ** 2)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``erfinv(x)`` (the output is retained for backward)."""
        self.retain_outputs((0,))
        (x,) = inputs
        return (erfinv_array(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * sqrt(pi) / 2 * exp(y ** 2)``."""
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (exp(y * y) * _SQRT_PI_OVER_2),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * sqrt(pi) / 2 * exp(y ** 2)``."""
        gy = grad_outputs[0]
        assert gy is not None
        y = self.output_data[0]
        assert y is not None
        xp = _helpers.array_module(y)
        return (gy * (xp.exp(y * y) * y.dtype.type(_SQRT_PI_OVER_2)),)


def erfinv(x: VariableOrArray) -> Variable:
    """Inverse error function, elementwise: ``erfinv(x)``.

    It is ``inf`` at 1, ``-inf`` at -1 and NaN outside ``[-1, 1]``.

    Args:
        x: A floating point input.

    Returns:
        ``erfinv(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.erfinv(numpy.array([0.0, 0.5]))
        >>> numpy.allclose(y.array, [0.0, 0.4769362762044699])
        True
    """
    return ErfInv().apply((x,))[0]
