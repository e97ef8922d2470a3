"""Logarithm of the standard normal CDF (:func:`log_ndtr`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ._erf_impl import erfcx_array
from ._ndtr_impl import log_ndtr_array
from .erfcx import erfcx

__all__ = ["LogNdtr", "log_ndtr"]

_SQRT_HALF: Final = math.sqrt(0.5)
_SQRT_2_OVER_PI: Final = math.sqrt(2.0 / math.pi)


@final
class LogNdtr(FunctionNode):
    """``log(Phi(x))`` elementwise.

    The gradient ``pdf(x) / Phi(x)`` is computed as ``sqrt(2 / pi) / erfcx(-x / sqrt(2))``,
    which neither underflows nor divides zero by zero in the lower tail.
    """

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``log(Phi(x))`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        return (log_ndtr_array(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * sqrt(2 / pi) / erfcx(-x / sqrt(2))``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * _SQRT_2_OVER_PI / erfcx(x * -_SQRT_HALF),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * sqrt(2 / pi) / erfcx(-x / sqrt(2))``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        ratio = erfcx_array(x * x.dtype.type(-_SQRT_HALF))
        return (gy * x.dtype.type(_SQRT_2_OVER_PI) / ratio,)


def log_ndtr(x: VariableOrArray) -> Variable:
    """Logarithm of the standard normal CDF, elementwise: ``log(Phi(x))``.

    Accurate in both tails: ``log(erfcx(-x / sqrt(2)) / 2) - x**2 / 2`` below 0 (finite far
    beyond where ``Phi(x)`` underflows, about ``-x**2 / 2`` there) and ``log1p(-Phi(-x))``
    above.  Evaluated in float64 without SciPy and cast back.

    Args:
        x: A floating point input.

    Returns:
        ``log(Phi(x))``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.log_ndtr(numpy.array([0.0, -40.0]))
        >>> numpy.allclose(y.array, [-0.6931471805599453, -804.6084420137538])
        True
    """
    return LogNdtr().apply((x,))[0]
