"""Exponential linear unit (:func:`elu`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers
from ..math.exp import exp

__all__ = ["ELU", "elu"]


@final
class ELU(FunctionNode):
    """``scale * x`` where ``x > 0``, else ``scale * alpha * (exp(x) - 1)``.

    The gradient at 0 is ``scale * alpha`` (the left-hand one, as in Chainer).  ``scale``
    is 1 for :func:`elu` and makes the same node compute :func:`~kusari.functions.selu`.

    Args:
        alpha: The saturation value for negative inputs.
        scale: A factor applied to the whole output.
    """

    __slots__ = ("alpha", "scale")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, alpha: float = 1.0, scale: float = 1.0) -> None:
        self.alpha = alpha
        self.scale = scale

    @property
    def label(self) -> str:
        """``ELU``, or ``SELU`` when the output is scaled."""
        return "ELU" if self.scale == 1.0 else "SELU"

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply the ELU (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        dtype = x.dtype.type
        negative = xp.expm1(xp.minimum(x, 0))
        negative *= dtype(self.alpha * self.scale)
        positive = x * dtype(self.scale) if self.scale != 1.0 else x
        return (xp.where(x > 0, positive, negative),)

    def _factors(self, x: Array) -> tuple[Array, Array]:
        """The masks ``scale * (x > 0)`` and ``scale * alpha * (x <= 0)``."""
        positive = x > 0
        dtype = x.dtype
        pos = positive.astype(dtype)
        neg = 1 - pos
        if self.scale != 1.0:
            pos *= dtype.type(self.scale)
        neg *= dtype.type(self.alpha * self.scale)
        return pos, neg

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * scale`` for ``x > 0``, else ``gy * scale * alpha * exp(x)``."""
        (x,) = self.get_retained_inputs()
        pos, neg = self._factors(x.array)  # type: ignore[arg-type]
        # exp of the negative part only: no overflow for large positive inputs.
        slope = exp(x * (neg != 0).astype(neg.dtype)) * neg + pos
        return (_utils.first_grad(grad_outputs) * slope,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * scale`` for ``x > 0``, else ``gy * scale * alpha * exp(x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        xp = _helpers.array_module(x)
        slope = xp.exp(xp.minimum(x, 0))
        slope *= x.dtype.type(self.alpha * self.scale)
        return (gy * xp.where(x > 0, x.dtype.type(self.scale), slope),)


def elu(x: VariableOrArray, alpha: float = 1.0) -> Variable:
    """Exponential linear unit: ``x`` if ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Args:
        x: A floating point input.
        alpha: The value the output approaches for large negative inputs is ``-alpha``.

    Returns:
        The output, of the shape and dtype of ``x``.

    Raises:
        TypeError: If ``alpha`` is not a number.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.elu(numpy.array([-1.0, 0.0, 2.0]))
        >>> numpy.allclose(y.array, [numpy.exp(-1.0) - 1, 0.0, 2.0])
        True
    """
    return ELU(_helpers.check_float(alpha, "alpha")).apply((x,))[0]
