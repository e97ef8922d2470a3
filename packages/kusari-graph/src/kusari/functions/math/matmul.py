"""Matrix product (:func:`matmul`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec, InvalidType

from .. import _utils
from ..array.reshape import reshape
from ..array.transpose import transpose
from .sum_to import sum_to

__all__ = ["MatMul", "matmul"]

_Shape = tuple[int, ...]


def _swap_array(a: Array) -> Array:
    return a.swapaxes(-1, -2)


def _swap_variable(v: Variable) -> Variable:
    axes = list(range(v.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return transpose(v, tuple(axes))


@final
class MatMul(FunctionNode):
    """Matrix product with NumPy's ``matmul`` rules (1-D operands, broadcast batches).

    Args:
        transa: Transpose the last two axes of the left operand first.
        transb: Transpose the last two axes of the right operand first.
    """

    __slots__ = ("transa", "transb")
    input_spec = InputSpec("a", "b", kinds="f", same_dtype=True)

    def __init__(self, transa: bool = False, transb: bool = False) -> None:
        self.transa = transa
        self.transb = transb

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Multiply (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        a, b = inputs
        if a.ndim == 0 or b.ndim == 0:
            raise InvalidType(
                "a.ndim >= 1 and b.ndim >= 1",
                f"a.ndim = {a.ndim}, b.ndim = {b.ndim}",
                "Invalid operation is performed in: MatMul (Forward)\n\nExpect: a.ndim >= 1 "
                f"and b.ndim >= 1\nActual: a.ndim = {a.ndim}, b.ndim = {b.ndim}",
            )
        if self.transa and a.ndim >= 2:
            a = _swap_array(a)
        if self.transb and b.ndim >= 2:
            b = _swap_array(b)
        try:
            return (a @ b,)
        except ValueError:
            left = a.shape[-1]
            right = b.shape[-2] if b.ndim >= 2 else b.shape[0]
            expect = "a.shape[-1] == b.shape[-2] and the batch shapes broadcast"
            actual = f"a.shape = {a.shape}, b.shape = {b.shape} ({left} vs {right})"
            raise InvalidType(
                expect,
                actual,
                "Invalid operation is performed in: MatMul (Forward)\n\n"
                f"Expect: {expect}\nActual: {actual}",
            ) from None

    def _effective_shapes(
        self, a_shape: tuple[int, ...], b_shape: tuple[int, ...]
    ) -> tuple[_Shape, _Shape, _Shape, _Shape, _Shape]:
        """Shapes of the transposed operands, their 2-D promotions and of the product."""
        ta = a_shape
        if self.transa and len(a_shape) >= 2:
            ta = (*a_shape[:-2], a_shape[-1], a_shape[-2])
        tb = b_shape
        if self.transb and len(b_shape) >= 2:
            tb = (*b_shape[:-2], b_shape[-1], b_shape[-2])
        a2 = (1, *ta) if len(ta) == 1 else ta
        b2 = (*tb, 1) if len(tb) == 1 else tb
        y2 = (*numpy.broadcast_shapes(a2[:-2], b2[:-2]), a2[-2], b2[-1])
        return ta, tb, a2, b2, y2

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy @ b.T`` for ``a`` and ``a.T @ gy`` for ``b``, reshaped and summed back."""
        gy = _utils.first_grad(grad_outputs)
        a, b = self.get_retained_inputs()
        ta, tb, a2, b2, y2 = self._effective_shapes(a.shape, b.shape)
        swap_a = self.transa and a.ndim >= 2
        swap_b = self.transb and b.ndim >= 2
        gy2 = reshape(gy, y2)
        result: list[Variable | None] = []
        if 0 in target_input_indexes:
            b_eff = reshape(_swap_variable(b) if swap_b else b, b2)
            ga = sum_to(matmul(gy2, b_eff, transb=True), a2)
            ga = reshape(ga, ta)
            result.append(_swap_variable(ga) if swap_a else ga)
        if 1 in target_input_indexes:
            a_eff = reshape(_swap_variable(a) if swap_a else a, a2)
            gb = sum_to(matmul(a_eff, gy2, transa=True), b2)
            gb = reshape(gb, tb)
            result.append(_swap_variable(gb) if swap_b else gb)
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy @ b.T`` for ``a`` and ``a.T @ gy`` for ``b``, reshaped and summed back."""
        gy = grad_outputs[0]
        assert gy is not None
        a = self.retained_input_array(0)
        b = self.retained_input_array(1)
        ta, tb, a2, b2, y2 = self._effective_shapes(a.shape, b.shape)
        swap_a = self.transa and a.ndim >= 2
        swap_b = self.transb and b.ndim >= 2
        gy2 = gy.reshape(y2)
        result: list[Array | None] = []
        if 0 in target_input_indexes:
            b_eff = (_swap_array(b) if swap_b else b).reshape(b2)
            ga = _utils.sum_to_array(gy2 @ _swap_array(b_eff), a2).reshape(ta)
            result.append(_swap_array(ga) if swap_a else ga)
        if 1 in target_input_indexes:
            a_eff = (_swap_array(a) if swap_a else a).reshape(a2)
            gb = _utils.sum_to_array(_swap_array(a_eff) @ gy2, b2).reshape(tb)
            result.append(_swap_array(gb) if swap_b else gb)
        return tuple(result)


def matmul(
    a: VariableOrArray, b: VariableOrArray, transa: bool = False, transb: bool = False
) -> Variable:
    """Matrix product, with NumPy's ``matmul`` rules.

    2-D operands give the matrix product; 1-D operands are vectors; operands with more axes
    are stacks of matrices in the last two axes, broadcast against each other.

    Args:
        a: The left operand.
        b: The right operand.
        transa: Transpose the last two axes of ``a`` first.
        transb: Transpose the last two axes of ``b`` first.

    Returns:
        The product.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes differ or are not floating point,
            or the shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.array([[1.0, 2.0], [3.0, 4.0]])
        >>> F.matmul(a, a, transb=True)
        variable([[ 5., 11.],
                  [11., 25.]])
    """
    return MatMul(transa, transb).apply((a, b))[0]
