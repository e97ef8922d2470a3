"""Hurwitz zeta function (:func:`zeta`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from ._gamma_impl import zeta_array

__all__ = ["Zeta", "zeta"]


@final
class Zeta(FunctionNode):
    """``zeta(x, q) = sum((q + k) ** -x for k >= 0)`` elementwise in ``q``, for a constant ``x``.

    The gradient is ``-x * zeta(x + 1, q) * gy``.

    Args:
        x: The exponent, a constant real number.
    """

    __slots__ = ("x",)
    input_spec = InputSpec("q", kinds="f")

    def __init__(self, x: float) -> None:
        self.x = x

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``zeta(x, q)`` (``q`` is retained for backward)."""
        self.retain_inputs((0,))
        (q,) = inputs
        return (zeta_array(self.x, q),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-x * zeta(x + 1, q) * gy``."""
        (q,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (Zeta(self.x + 1.0).apply((q,))[0] * -self.x),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-x * zeta(x + 1, q) * gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        q = self.retained_input_array(0)
        slope = zeta_array(self.x + 1.0, q)
        slope *= q.dtype.type(-self.x)
        return (gy * slope,)


def zeta(x: float, q: VariableOrArray) -> Variable:
    """Hurwitz zeta function, elementwise in ``q``: ``sum((q + k) ** -x for k >= 0)``.

    As in Chainer, ``x`` is a constant and ``q`` the differentiable input;
    ``zeta(x, 1)`` is Riemann's zeta.  Evaluated in float64 without SciPy (Euler-Maclaurin
    summation) and cast back; it is ``inf`` for ``x == 1`` and at ``q = 0, -1, -2, ...``,
    and NaN for ``x < 1`` or a negative ``q`` with a non-integer ``x``.

    Args:
        x: The exponent, a real number.
        q: The floating point offsets.

    Returns:
        ``zeta(x, q)``, of the dtype of ``q``.

    Raises:
        TypeError: If ``x`` is not a real number.
        kusari.graph.type_check.InvalidType: If ``q`` is not floating point.

    Example:
        >>> import math
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.zeta(2.0, numpy.array([1.0, 2.0]))
        >>> numpy.allclose(y.array, [math.pi**2 / 6, math.pi**2 / 6 - 1])
        True
    """
    return Zeta(_helpers.check_float(x, "x")).apply((q,))[0]
