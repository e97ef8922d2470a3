"""Digamma function (:func:`digamma`)."""

from __future__ import annotations

from typing import Final, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ._gamma_impl import digamma_array, polygamma_array
from .polygamma import polygamma_of_order

__all__ = ["DiGamma", "digamma"]


@final
class DiGamma(FunctionNode):
    """``psi(x) = d/dx log Gamma(x)`` elementwise; the gradient is ``gy * polygamma(1, x)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``psi(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        return (digamma_array(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * polygamma(1, x)``."""
        (x,) = self.get_retained_inputs()
        return (_utils.first_grad(grad_outputs) * polygamma_of_order(1, x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * polygamma(1, x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * polygamma_array(_FIRST_ORDER, self.retained_input_array(0)),)


_FIRST_ORDER: Final = numpy.ones((), numpy.int64)


def digamma(x: VariableOrArray) -> Variable:
    """Digamma function, elementwise: ``psi(x) = d/dx log Gamma(x)``.

    Evaluated in float64 without SciPy (see :mod:`kusari.functions.math._gamma_impl`),
    to about 1e-15 relative (also next to its positive zero near 1.4616), and cast back.
    It is ``-inf`` at ``+0``, ``inf`` at ``-0`` and NaN at the negative integers.

    Args:
        x: A floating point input.

    Returns:
        ``psi(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.digamma(numpy.array([1.0, 2.0]))
        >>> euler_gamma = 0.5772156649015329
        >>> numpy.allclose(y.array, [-euler_gamma, 1.0 - euler_gamma])
        True
    """
    return DiGamma().apply((x,))[0]
