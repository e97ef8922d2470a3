"""Base-10 logarithm (:func:`log10`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Log10", "log10"]

_LN10: Final = math.log(10.0)


@final
class Log10(FunctionNode):
    """``log10(x)`` elementwise; the gradient is ``gy / (x * log(10))``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``log10(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.log10(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy / (x * log(10))``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy / (x * _LN10),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy / (x * log(10))``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        return (gy / (x * x.dtype.type(_LN10)),)


def log10(x: VariableOrArray) -> Variable:
    """Base-10 logarithm, elementwise: ``log10(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``log10(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.log10(numpy.array([1.0, 100.0])).array.tolist()
        [0.0, 2.0]
    """
    return Log10().apply((x,))[0]
