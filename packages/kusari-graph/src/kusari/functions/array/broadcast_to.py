"""Broadcasting to a shape (:func:`broadcast_to`)."""

from __future__ import annotations

import sys
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, as_variable
from kusari.graph.type_check import InputSpec, InvalidType

from .. import _utils

__all__ = ["BroadcastTo", "broadcast_to"]


@final
class BroadcastTo(FunctionNode):
    """Broadcast the input to ``shape`` (the output is a read-only view).

    Args:
        shape: The target shape.
    """

    __slots__ = ("_in_shape", "shape")
    input_spec = InputSpec("x")

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Broadcast."""
        (x,) = inputs
        self._in_shape = x.shape
        try:
            return (_utils.broadcast_array(x, self.shape),)
        except ValueError:
            raise InvalidType(
                f"x.shape can be broadcast to {self.shape}",
                f"x.shape = {x.shape}",
                f"Invalid operation is performed in: BroadcastTo (Forward)\n\n"
                f"Expect: x.shape can be broadcast to {self.shape}\nActual: x.shape = {x.shape}",
            ) from None

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Sum the gradient back to the input's shape."""
        sum_to = sys.modules["kusari.functions.math.sum_to"].sum_to  # it imports this module
        return (sum_to(_utils.first_grad(grad_outputs), self._in_shape),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Sum the gradient back to the input's shape."""
        gy = grad_outputs[0]
        assert gy is not None
        return (_utils.sum_to_array(gy, self._in_shape),)


def broadcast_to(x: VariableOrArray, shape: tuple[int, ...]) -> Variable:
    """Broadcast ``x`` to ``shape`` (NumPy's rules).

    Args:
        x: The input.
        shape: The target shape.

    Returns:
        The broadcast Variable (``x`` itself when the shape already matches).

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` cannot be broadcast to ``shape``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.broadcast_to(numpy.array([1.0, 2.0]), (2, 2))
        variable([[1., 2.],
                  [1., 2.]])
    """
    shape = tuple(shape)
    if x.shape == shape:
        return as_variable(x)
    return BroadcastTo(shape).apply((x,))[0]
