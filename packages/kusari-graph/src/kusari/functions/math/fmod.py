"""Remainder of division, with the sign of the dividend (:func:`fmod`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from .maximum import input_shape
from .sum_to import sum_to

__all__ = ["Fmod", "fmod"]


@final
class Fmod(FunctionNode):
    """``x - fix(x / divisor) * divisor`` elementwise (C's ``fmod``), with broadcasting.

    The gradients are ``gy`` for ``x`` and ``-gy * fix(x / divisor)`` for the divisor.
    """

    __slots__ = ()
    input_spec = InputSpec("x", "divisor", kinds="f", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the remainder (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x, divisor = inputs
        return (_helpers.array_module(x).fmod(x, divisor),)

    def _quotient(self) -> Array:
        x = self.retained_input_array(0)
        divisor = self.retained_input_array(1)
        return _helpers.array_module(x).trunc(x / divisor)  # type: ignore[no-any-return]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` for ``x`` and ``-gy * fix(x / divisor)`` (a constant) for the divisor."""
        gy = _utils.first_grad(grad_outputs)
        result: list[Variable | None] = []
        for i in target_input_indexes:
            gx = gy if i == 0 else gy * -self._quotient()
            result.append(sum_to(gx, input_shape(self, i)))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` for ``x`` and ``-gy * fix(x / divisor)`` for the divisor."""
        gy = grad_outputs[0]
        assert gy is not None
        result: list[Array | None] = []
        for i in target_input_indexes:
            gx = gy if i == 0 else gy * -self._quotient()
            result.append(_utils.sum_to_array(gx, input_shape(self, i)))
        return tuple(result)


def fmod(x: VariableOrArray, divisor: VariableOrArray) -> Variable:
    """Elementwise remainder with the sign of ``x`` (``numpy.fmod``), shapes broadcast.

    Args:
        x: The dividend.
        divisor: The divisor, of the dtype of ``x``.

    Returns:
        ``x - fix(x / divisor) * divisor``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes differ or are not floating point,
            or the shapes do not broadcast.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.fmod(numpy.array([5.0, -5.0]), numpy.array([3.0, 3.0])).array.tolist()
        [2.0, -2.0]
    """
    return Fmod().apply((x, divisor))[0]
