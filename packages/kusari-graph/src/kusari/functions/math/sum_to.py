"""Summing to a shape, the inverse of broadcasting (:func:`sum_to`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, as_variable
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.broadcast_to import broadcast_to

__all__ = ["SumTo", "sum_to"]


@final
class SumTo(FunctionNode):
    """Sum over the axes along which ``shape`` would be broadcast to the input's shape.

    Args:
        shape: The target shape.
    """

    __slots__ = ("_in_shape", "shape")
    input_spec = InputSpec("x")

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum to the target shape."""
        (x,) = inputs
        self._in_shape = x.shape
        return (_utils.sum_to_array(x, self.shape),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Broadcast the gradient back to the input's shape."""
        return (broadcast_to(_utils.first_grad(grad_outputs), self._in_shape),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Broadcast the gradient back to the input's shape."""
        gy = grad_outputs[0]
        assert gy is not None
        return (_utils.broadcast_array(gy, self._in_shape),)


def _check_sum_to(shape: tuple[int, ...], x_shape: tuple[int, ...]) -> None:
    lead = len(x_shape) - len(shape)
    if lead < 0 or any(s != d and s != 1 for s, d in zip(shape, x_shape[lead:], strict=True)):
        raise ValueError(
            f"sum_to: shape {shape} cannot be broadcast to the input's shape {x_shape}, so "
            "the input cannot be summed to it"
        )


def sum_to(x: VariableOrArray, shape: tuple[int, ...]) -> Variable:
    """Sum ``x`` to ``shape``: the gradient of broadcasting ``shape`` to ``x.shape``.

    Args:
        x: The input.
        shape: The target shape; it must broadcast to ``x.shape``.

    Returns:
        The sum, of shape ``shape`` (``x`` itself, as a Variable, when the shapes match).

    Raises:
        ValueError: If ``shape`` does not broadcast to ``x.shape``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.sum_to(numpy.ones((2, 3)), (1, 3))
        variable([[2., 2., 2.]])
    """
    shape = tuple(shape)
    x_shape = x.shape
    if x_shape == shape:
        return as_variable(x)
    _check_sum_to(shape, tuple(x_shape))
    return SumTo(shape).apply((x,))[0]
