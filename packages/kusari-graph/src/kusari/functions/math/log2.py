"""Base-2 logarithm (:func:`log2`)."""

from __future__ import annotations

import math
from typing import Final, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Log2", "log2"]

_LN2: Final = math.log(2.0)


@final
class Log2(FunctionNode):
    """``log2(x)`` elementwise; the gradient is ``gy / (x * log(2))``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``log2(x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.log2(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy / (x * log(2))``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy / (x * _LN2),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy / (x * log(2))``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        return (gy / (x * x.dtype.type(_LN2)),)


def log2(x: VariableOrArray) -> Variable:
    """Base-2 logarithm, elementwise: ``log2(x)``.

    Args:
        x: A floating point input.

    Returns:
        ``log2(x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.log2(numpy.array([1.0, 8.0])).array.tolist()
        [0.0, 3.0]
    """
    return Log2().apply((x,))[0]
