"""Softplus, a smooth ReLU (:func:`softplus`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers
from .sigmoid import sigmoid

__all__ = ["Softplus", "softplus"]


@final
class Softplus(FunctionNode):
    """``log(1 + exp(beta * x)) / beta``; its derivative is ``sigmoid(beta * x)``.

    Args:
        beta: The sharpness (not 0).
    """

    __slots__ = ("beta",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, beta: float = 1.0) -> None:
        self.beta = beta

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply, as ``max(bx, 0) + log1p(exp(-|bx|))`` (the input is retained)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        dtype = x.dtype.type
        bx = x * dtype(self.beta) if self.beta != 1.0 else x
        y = xp.exp(-abs(bx))
        y = xp.log1p(y, out=_helpers.out(y))
        y += xp.maximum(bx, 0)
        if self.beta != 1.0:
            y *= dtype(1.0 / self.beta)
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * sigmoid(beta * x)``."""
        (x,) = self.get_retained_inputs()
        bx = x * self.beta if self.beta != 1.0 else x
        return (_utils.first_grad(grad_outputs) * sigmoid(bx),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * sigmoid(beta * x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        dtype = x.dtype.type
        s = x * dtype(0.5 * self.beta)
        xp = _helpers.array_module(x)
        s = xp.tanh(s, out=_helpers.out(s))
        s *= dtype(0.5)
        s += dtype(0.5)
        s *= gy
        return (s,)


def softplus(x: VariableOrArray, beta: float = 1.0) -> Variable:
    """Softplus: ``log(1 + exp(beta * x)) / beta``, computed without overflow.

    Args:
        x: A floating point input.
        beta: The sharpness; larger values approach ``max(x, 0)``.  It must not be 0.

    Returns:
        The output, of the shape and dtype of ``x``.

    Raises:
        TypeError: If ``beta`` is not a number.
        ValueError: If ``beta`` is 0.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.softplus(numpy.array([0.0, 100.0]))
        >>> numpy.allclose(y.array, [numpy.log(2.0), 100.0])
        True
    """
    beta = _helpers.check_float(beta, "beta")
    if beta == 0:
        raise ValueError("beta must not be 0")
    return Softplus(beta).apply((x,))[0]
