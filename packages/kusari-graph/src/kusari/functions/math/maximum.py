"""Elementwise maximum of two inputs (:func:`maximum`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from .sum_to import sum_to

__all__ = ["Maximum", "input_shape", "maximum", "select_grad_arrays", "select_grads"]


@final
class Maximum(FunctionNode):
    """``max(x1, x2)`` elementwise, with broadcasting.

    The gradient goes to ``x1`` where ``x1 >= x2`` (ties included) and to ``x2`` elsewhere.
    """

    __slots__ = ()
    input_spec = InputSpec("x1", "x2", kinds="f", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the maximum (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x1, x2 = inputs
        return (_helpers.array_module(x1).maximum(x1, x2),)

    def _first(self) -> Array:
        return self.retained_input_array(0) >= self.retained_input_array(1)

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


def input_shape(node: FunctionNode, index: int) -> tuple[int, ...]:
    """The shape of input ``index`` of an applied node."""
    shape = node.inputs[index].shape
    assert shape is not None
    return shape


def select_grads(
    node: FunctionNode, indexes: tuple[int, ...], gy: Variable, first: Array
) -> tuple[Variable | None, ...]:
    """Route ``gy`` to input 0 where ``first`` holds and to input 1 elsewhere."""
    mask = first.astype(gy.dtype)
    result: list[Variable | None] = []
    for i in indexes:
        g = gy * mask if i == 0 else gy * (1 - mask)
        result.append(sum_to(g, input_shape(node, i)))
    return tuple(result)


def select_grad_arrays(
    node: FunctionNode, indexes: tuple[int, ...], gy: Array, first: Array
) -> tuple[Array | None, ...]:
    """Route ``gy`` to input 0 where ``first`` holds and to input 1 elsewhere (arrays)."""
    result: list[Array | None] = []
    for i in indexes:
        g = gy * first if i == 0 else gy * ~first
        result.append(_utils.sum_to_array(g, input_shape(node, i)))
    return tuple(result)


def maximum(x1: VariableOrArray, x2: VariableOrArray) -> Variable:
    """Elementwise maximum of two inputs of one floating point dtype (shapes broadcast).

    On ties the gradient goes to ``x1``.

    Args:
        x1: The first input.
        x2: The second input.

    Returns:
        ``max(x1, x2)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes differ or are not floating point,
            or the shapes do not broadcast.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.maximum(numpy.array([1.0, 5.0]), numpy.array([3.0, 2.0])).array.tolist()
        [3.0, 5.0]
    """
    return Maximum().apply((x1, x2))[0]
