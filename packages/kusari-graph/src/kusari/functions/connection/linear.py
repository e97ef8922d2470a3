"""Fully connected layer (:func:`linear`)."""

from __future__ import annotations

import math
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from ..array.reshape import reshape
from ..math.matmul import matmul
from ..math.sum import sum as sum_

__all__ = ["LinearFunction", "linear"]


@final
class LinearFunction(FunctionNode):
    """``x @ W.T + b`` for a matrix ``x`` ``(n, in)``, ``W`` ``(out, in)`` and ``b`` ``(out,)``."""

    __slots__ = ()

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` and ``W`` are matrices of one floating dtype with ``x.shape[1] == W.shape[1]``."""
        n_in = type_check.eval(in_types.size())
        type_check.expect(in_types.size() >= 2, in_types.size() <= 3)
        type_check.argname(in_types, ("x", "W", "b")[:n_in])
        x_type, w_type = in_types[0], in_types[1]
        type_check.expect(
            x_type.dtype.kind == "f",
            w_type.dtype == x_type.dtype,
            x_type.ndim == 2,
            w_type.ndim == 2,
        )
        type_check.expect(x_type.shape[1] == w_type.shape[1])
        if n_in == 3:
            b_type = in_types[2]
            type_check.expect(
                b_type.dtype == x_type.dtype,
                b_type.ndim == 1,
            )
            type_check.expect(b_type.shape[0] == w_type.shape[0])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """One GEMM (``x`` and ``W`` are retained for backward)."""
        self.retain_inputs((0, 1))
        x, W = inputs[0], inputs[1]
        y = x @ W.T
        if len(inputs) == 3:
            y += inputs[2]
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy @ W`` for ``x``, ``gy.T @ x`` for ``W`` and ``sum(gy, 0)`` for ``b``."""
        gy = _utils.first_grad(grad_outputs)
        x, W = self.get_retained_inputs()
        result: list[Variable | None] = []
        if 0 in target_input_indexes:
            result.append(matmul(gy, W))
        if 1 in target_input_indexes:
            result.append(matmul(gy, x, transa=True))
        if 2 in target_input_indexes:
            result.append(sum_(gy, axis=0))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy @ W`` for ``x``, ``gy.T @ x`` for ``W`` and ``sum(gy, 0)`` for ``b``."""
        gy = grad_outputs[0]
        assert gy is not None
        result: list[Array | None] = []
        if 0 in target_input_indexes:
            result.append(gy @ self.retained_input_array(1))
        if 1 in target_input_indexes:
            result.append(gy.T @ self.retained_input_array(0))
        if 2 in target_input_indexes:
            result.append(gy.sum(axis=0))
        return tuple(result)


def linear(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    n_batch_axes: int = 1,
) -> Variable:
    """Fully connected layer: ``y = x @ W.T + b``.

    The first ``n_batch_axes`` axes of ``x`` are batch axes; the others are flattened into
    one feature axis, which must have ``W.shape[1]`` elements.  The output has shape
    ``x.shape[:n_batch_axes] + (W.shape[0],)``.

    Args:
        x: The input, ``(*batch, *features)``.
        W: The weight, ``(out_size, in_size)``.
        b: The bias, ``(out_size,)``, or ``None``.
        n_batch_axes: The number of leading batch axes of ``x``.

    Returns:
        The output, ``(*batch, out_size)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit (``x``, ``W``
            and ``b`` must share one floating dtype).
        TypeError: If ``n_batch_axes`` is not an int.
        ValueError: If ``n_batch_axes`` is less than 1.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 2.0]], numpy.float32)
        >>> W = numpy.array([[1.0, 0.0], [1.0, 1.0], [0.0, -1.0]], numpy.float32)
        >>> F.linear(x, W, numpy.ones(3, numpy.float32)).array.tolist()
        [[2.0, 4.0, -1.0]]
    """
    if isinstance(n_batch_axes, bool) or not isinstance(n_batch_axes, int):
        raise TypeError(f"n_batch_axes must be an int, got {type(n_batch_axes).__name__}")
    if n_batch_axes < 1:
        raise ValueError(f"n_batch_axes must be greater than 0, got {n_batch_axes}")
    shape = x.shape
    batch_shape = tuple(shape[:n_batch_axes])
    if n_batch_axes > 1 or len(shape) > 2:
        x = reshape(x, (math.prod(batch_shape), math.prod(shape[n_batch_axes:])))
    args = (x, W) if b is None else (x, W, b)
    y = LinearFunction().apply(args)[0]
    if n_batch_axes > 1:
        y = reshape(y, (*batch_shape, y.shape[1]))
    return y
