"""Reshaping (:func:`reshape`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, as_variable
from kusari.graph.type_check import InputSpec, InvalidType

from .. import _utils

__all__ = ["Reshape", "reshape"]


@final
class Reshape(FunctionNode):
    """Give the input a new shape without changing its data (the output may be a view).

    Args:
        shape: The new shape; one entry may be ``-1``.
    """

    __slots__ = ("_in_shape", "shape")
    input_spec = InputSpec("x")

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Reshape."""
        (x,) = inputs
        self._in_shape = x.shape
        try:
            return (x.reshape(self.shape),)
        except ValueError:
            expect = f"x.size is compatible with the shape {self.shape}"
            actual = f"x.shape = {x.shape} (size {x.size})"
            raise InvalidType(
                expect,
                actual,
                "Invalid operation is performed in: Reshape (Forward)\n\n"
                f"Expect: {expect}\nActual: {actual}",
            ) from None

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Reshape the gradient back."""
        return (reshape(_utils.first_grad(grad_outputs), self._in_shape),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Reshape the gradient back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy.reshape(self._in_shape),)


def reshape(x: VariableOrArray, shape: tuple[int, ...]) -> Variable:
    """Give ``x`` a new shape without changing its data.

    Args:
        x: The input.
        shape: The new shape; one entry may be ``-1`` (inferred).

    Returns:
        The reshaped Variable (``x`` itself when the shape already matches).

    Raises:
        kusari.graph.type_check.InvalidType: If the sizes do not match.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.reshape(numpy.arange(6.0), (2, -1)).shape
        (2, 3)
    """
    shape = tuple(shape)
    if x.shape == shape:
        return as_variable(x)
    return Reshape(shape).apply((x,))[0]
