"""Elementwise absolute error (:func:`absolute_error`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array import _shape_check

__all__ = ["AbsoluteError", "absolute_error", "sign_of_difference"]


def sign_of_difference(x0: Array, x1: Array) -> Array:
    """``sign(x0 - x1)`` in the inputs' dtype (0 where they are equal)."""
    return _shape_check.xp_of(x0).sign(x0 - x1)  # type: ignore[no-any-return]


@final
class AbsoluteError(FunctionNode):
    """``|x0 - x1|`` elementwise for two arrays of one shape."""

    __slots__ = ()
    input_spec = InputSpec("x0", "x1", kinds="f", same_dtype=True, same_shape=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the absolute differences (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        diff = inputs[0] - inputs[1]
        return (abs(diff),)

    def _sign(self) -> Array:
        return sign_of_difference(self.retained_input_array(0), self.retained_input_array(1))

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``±sign(x0 - x1) gy`` (the sign is a constant: no second-order term)."""
        gx0 = _utils.first_grad(grad_outputs) * self._sign()
        return tuple(gx0 if i == 0 else -gx0 for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``±sign(x0 - x1) gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        gx0 = self._sign()
        gx0 *= gy
        return tuple(gx0 if i == 0 else -gx0 for i in target_input_indexes)


def absolute_error(x0: VariableOrArray, x1: VariableOrArray) -> Variable:
    """The absolute error ``|x0 - x1|`` of each element.

    The gradient is ``sign(x0 - x1)`` (0 where the inputs are equal).

    Args:
        x0: A floating point input.
        x1: Another, of the same shape and dtype.

    Returns:
        The elementwise absolute differences.

    Raises:
        kusari.graph.type_check.InvalidType: If the inputs are not floating point or differ
            in shape or dtype.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.absolute_error(numpy.array([1.0, 2.0]), numpy.array([0.0, 4.0])).array.tolist()
        [1.0, 2.0]
    """
    return AbsoluteError().apply((x0, x1))[0]
