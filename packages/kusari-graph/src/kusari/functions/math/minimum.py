"""Elementwise minimum of two inputs (:func:`minimum`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from .maximum import select_grad_arrays, select_grads

__all__ = ["Minimum", "minimum"]


@final
class Minimum(FunctionNode):
    """``min(x1, x2)`` elementwise, with broadcasting.

    The gradient goes to ``x1`` where ``x1 <= x2`` (ties included) and to ``x2`` elsewhere.
    """

    __slots__ = ()
    input_spec = InputSpec("x1", "x2", kinds="f", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the minimum (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x1, x2 = inputs
        return (_helpers.array_module(x1).minimum(x1, x2),)

    def _first(self) -> Array:
        return self.retained_input_array(0) <= self.retained_input_array(1)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` where each input is selected, summed back to the input shapes."""
        gy = _utils.first_grad(grad_outputs)
        return select_grads(self, target_input_indexes, gy, self._first())

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` where each input is selected, summed back to the input shapes."""
        gy = grad_outputs[0]
        assert gy is not None
        return select_grad_arrays(self, target_input_indexes, gy, self._first())


def minimum(x1: VariableOrArray, x2: VariableOrArray) -> Variable:
    """Elementwise minimum of two inputs of one floating point dtype (shapes broadcast).

    On ties the gradient goes to ``x1``.

    Args:
        x1: The first input.
        x2: The second input.

    Returns:
        ``min(x1, x2)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes differ or are not floating point,
            or the shapes do not broadcast.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.minimum(numpy.array([1.0, 5.0]), numpy.array([3.0, 2.0])).array.tolist()
        [1.0, 2.0]
    """
    return Minimum().apply((x1, x2))[0]
