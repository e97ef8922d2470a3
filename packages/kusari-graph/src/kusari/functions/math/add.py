"""Addition: ``x + y``, ``x + c`` and sums of many inputs (:func:`add`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Operand, Variable
from kusari.graph.type_check import InputSpec

from .. import _utils
from .sum_to import sum_to

__all__ = ["Add", "AddConstant", "MultiAdd", "add"]


@final
class Add(FunctionNode):
    """``lhs + rhs`` elementwise, with broadcasting."""

    __slots__ = ()
    input_spec = InputSpec("lhs", "rhs", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Add the arrays."""
        return (inputs[0] + inputs[1],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Pass the gradient through, summed over broadcast axes."""
        gy = _utils.first_grad(grad_outputs)
        return tuple(
            [sum_to(gy, self.inputs[i].shape) for i in target_input_indexes]  # type: ignore[arg-type]
        )

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Pass the gradient through, summed over broadcast axes."""
        gy = grad_outputs[0]
        assert gy is not None
        inputs = self.inputs
        return tuple(
            [_utils.sum_to_array(gy, inputs[i].shape) for i in target_input_indexes]  # type: ignore[arg-type]
        )


@final
class AddConstant(FunctionNode):
    """``x + value`` for a scalar constant ``value``.

    Args:
        value: The constant (already of the input's dtype).
    """

    __slots__ = ("value",)
    input_spec = InputSpec("x")

    def __init__(self, value: object) -> None:
        self.value = value

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Add the constant."""
        return (inputs[0] + self.value,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Pass the gradient through."""
        return grad_outputs

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Pass the gradient through."""
        return grad_outputs


@final
class MultiAdd(FunctionNode):
    """The sum of any number of inputs of one shape and dtype."""

    __slots__ = ()
    input_spec = InputSpec("x", same_dtype=True, same_shape=True, variadic=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum the arrays (into a new array)."""
        y = inputs[0].copy()
        for x in inputs[1:]:
            y += x
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Pass the gradient to every input."""
        return grad_outputs * len(target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Pass the gradient to every input."""
        return grad_outputs * len(target_input_indexes)


def add(*xs: Operand) -> Variable:
    """Add Variables, arrays and scalars: ``add(x, y)`` is ``x + y``.

    With two arguments one may be a scalar, and the shapes broadcast.  With more, all must
    be Variables or arrays of one shape and dtype.

    Args:
        *xs: The terms (at least one; at least one of two must not be a scalar).

    Returns:
        The sum.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([1.0, 2.0], numpy.float32)
        >>> F.add(x, x, x)
        variable([3., 6.])
        >>> F.add(x, 1)
        variable([2., 3.])
    """
    if len(xs) == 2:
        return _utils.binary("__add__", "__radd__", xs[0], xs[1])
    if not xs:
        raise TypeError("add() needs at least one input")
    return MultiAdd().apply(xs)[0]  # type: ignore[arg-type]
