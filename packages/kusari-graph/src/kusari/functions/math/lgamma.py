"""Log-gamma function (:func:`lgamma`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ._gamma_impl import digamma_array, lgamma_array
from .digamma import digamma

__all__ = ["LGamma", "lgamma"]


@final
class LGamma(FunctionNode):
    """``log|Gamma(x)|`` elementwise; the gradient is ``gy * digamma(x)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``log|Gamma(x)|`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        return (lgamma_array(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * digamma(x)``."""
        (x,) = self.get_retained_inputs()
        return (_utils.first_grad(grad_outputs) * digamma(x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * digamma(x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * digamma_array(self.retained_input_array(0)),)


def lgamma(x: VariableOrArray) -> Variable:
    """Logarithm of the absolute value of the gamma function, elementwise: ``log|Gamma(x)|``.

    Evaluated in float64 without SciPy (see :mod:`kusari.functions.math._gamma_impl`),
    to about 1e-15 relative, and cast back.  It is ``inf`` at the poles ``0, -1, -2, ...``.

    Args:
        x: A floating point input.

    Returns:
        ``log|Gamma(x)|``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import math
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.lgamma(numpy.array([0.5, 1.0, 5.0]))
        >>> numpy.allclose(y.array, [math.log(math.pi) / 2, 0.0, math.log(24.0)])
        True
    """
    return LGamma().apply((x,))[0]
