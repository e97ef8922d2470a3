"""Elementwise squared difference (:func:`squared_difference`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["SquaredDifference", "squared_difference"]


@final
class SquaredDifference(FunctionNode):
    """``(x1 - x2) ** 2`` elementwise; the gradients are ``+-2 * (x1 - x2) * gy``."""

    __slots__ = ()
    input_spec = InputSpec("x1", "x2", kinds="f", same_dtype=True, same_shape=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Square the difference (the inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x1, x2 = inputs
        d = x1 - x2
        d *= d
        return (d,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``2 * (x1 - x2) * gy`` and its negative."""
        x1, x2 = self.get_retained_inputs()
        g = _utils.first_grad(grad_outputs) * (x1 - x2) * 2
        return tuple(g if i == 0 else -g for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``2 * (x1 - x2) * gy`` and its negative."""
        gy = grad_outputs[0]
        assert gy is not None
        g = self.retained_input_array(0) - self.retained_input_array(1)
        g *= gy
        g *= g.dtype.type(2)
        return tuple(g if i == 0 else -g for i in target_input_indexes)


def squared_difference(x1: VariableOrArray, x2: VariableOrArray) -> Variable:
    """Elementwise ``(x1 - x2) ** 2`` (Chainer's ``squared_difference``/``squared_error``).

    Args:
        x1: The first input.
        x2: The second input, of the shape and dtype of ``x1``.

    Returns:
        The squared differences.

    Raises:
        kusari.graph.type_check.InvalidType: If the shapes or dtypes differ, or they are not
            floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.squared_difference(numpy.array([1.0, 5.0]), numpy.array([3.0, 2.0])).array.tolist()
        [4.0, 9.0]
    """
    return SquaredDifference().apply((x1, x2))[0]
