"""Reciprocal square root (:func:`rsqrt`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Rsqrt", "rsqrt"]


@final
class Rsqrt(FunctionNode):
    """``1 / sqrt(x)`` elementwise; the gradient is ``-gy * y ** 3 / 2``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the reciprocal square root (the output is retained for backward)."""
        self.retain_outputs((0,))
        (x,) = inputs
        y = _helpers.array_module(x).sqrt(x)
        return (x.dtype.type(1) / y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-gy * y ** 3 / 2``."""
        (y,) = self.get_retained_outputs()
        return (_utils.first_grad(grad_outputs) * (y * y * y * -0.5),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-gy * y ** 3 / 2``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        g = y * y
        g *= y
        g *= y.dtype.type(-0.5)
        g *= gy
        return (g,)


def rsqrt(x: VariableOrArray) -> Variable:
    """Reciprocal square root ``1 / sqrt(x)``, elementwise.

    Args:
        x: A floating point input.

    Returns:
        ``1 / sqrt(x)``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.rsqrt(numpy.array([4.0, 0.25])).array.tolist()
        [0.5, 2.0]
    """
    return Rsqrt().apply((x,))[0]
