"""Bilinear layer (:func:`bilinear`)."""

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

__all__ = ["BilinearFunction", "bilinear"]


def _outer(e1: Array, e2: Array) -> Array:
    """``e1[i, j] * e2[i, k]`` flattened to ``(n, J * K)``."""
    return (e1[:, :, None] * e2[:, None, :]).reshape(e1.shape[0], -1)


@final
class BilinearFunction(FunctionNode):
    """``y[i, l] = sum_jk e1[i, j] e2[i, k] W[j, k, l]`` (+ ``e1 @ V1 + e2 @ V2 + b``).

    The inputs are ``(e1, e2, W)`` or ``(e1, e2, W, V1, V2, b)``.
    """

    __slots__ = ()

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Matrices ``e1``, ``e2`` of one batch and ``W`` ``(J, K, L)``, all of one dtype."""
        n_in = type_check.eval(in_types.size())
        if n_in != 6:
            type_check.expect(in_types.size() == 3)
        names = ("e1", "e2", "W", "V1", "V2", "b")[:n_in]
        type_check.argname(in_types, names)
        e1, e2, w = in_types[0], in_types[1], in_types[2]
        type_check.expect(
            e1.dtype.kind == "f",
            e2.dtype == e1.dtype,
            w.dtype == e1.dtype,
            e1.ndim == 2,
            e2.ndim == 2,
            w.ndim == 3,
        )
        type_check.expect(
            e1.shape[0] == e2.shape[0],
            e1.shape[1] == w.shape[0],
            e2.shape[1] == w.shape[1],
        )
        if n_in == 6:
            v1, v2, b = in_types[3], in_types[4], in_types[5]
            type_check.expect(
                v1.dtype == e1.dtype,
                v2.dtype == e1.dtype,
                b.dtype == e1.dtype,
                v1.ndim == 2,
                v2.ndim == 2,
                b.ndim == 1,
            )
            type_check.expect(
                v1.shape[0] == w.shape[0],
                v1.shape[1] == w.shape[2],
                v2.shape[0] == w.shape[1],
                v2.shape[1] == w.shape[2],
                b.shape[0] == w.shape[2],
            )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """One GEMM on the outer products of the rows (plus the linear terms)."""
        self.retain_inputs(tuple(range(len(inputs))))
        e1, e2, W = inputs[:3]
        y = _outer(e1, e2) @ W.reshape(-1, W.shape[2])
        if len(inputs) == 6:
            y += e1 @ inputs[3]
            y += e2 @ inputs[4]
            y += inputs[5]
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradients as matmuls, products and sums of Variables (double backprop)."""
        gy = _utils.first_grad(grad_outputs)
        inputs = self.get_retained_inputs()
        e1, e2, W = inputs[:3]
        n, j = e1.shape
        k, length = W.shape[1], W.shape[2]
        w_flat = reshape(W, (j * k, length))
        result: list[Variable | None] = []
        if 0 in target_input_indexes or 1 in target_input_indexes:
            # t[i, j, k] = sum_l gy[i, l] W[j, k, l]
            t = reshape(matmul(gy, w_flat, transb=True), (n, j, k))
            if 0 in target_input_indexes:
                ge1 = sum_(t * reshape(e2, (n, 1, k)), axis=2)
                if len(inputs) == 6:
                    ge1 = ge1 + matmul(gy, inputs[3], transb=True)
                result.append(ge1)
            if 1 in target_input_indexes:
                ge2 = sum_(t * reshape(e1, (n, j, 1)), axis=1)
                if len(inputs) == 6:
                    ge2 = ge2 + matmul(gy, inputs[4], transb=True)
                result.append(ge2)
        if 2 in target_input_indexes:
            outer = reshape(reshape(e1, (n, j, 1)) * reshape(e2, (n, 1, k)), (n, j * k))
            result.append(reshape(matmul(outer, gy, transa=True), (j, k, length)))
        if 3 in target_input_indexes:
            result.append(matmul(e1, gy, transa=True))
        if 4 in target_input_indexes:
            result.append(matmul(e2, gy, transa=True))
        if 5 in target_input_indexes:
            result.append(sum_(gy, axis=0))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The same on arrays."""
        gy = grad_outputs[0]
        assert gy is not None
        e1 = self.retained_input_array(0)
        e2 = self.retained_input_array(1)
        W = self.retained_input_array(2)
        has_linear = len(self.inputs) == 6
        n, j = e1.shape
        k, length = W.shape[1], W.shape[2]
        result: list[Array | None] = []
        if 0 in target_input_indexes or 1 in target_input_indexes:
            t = (gy @ W.reshape(j * k, length).T).reshape(n, j, k)
            if 0 in target_input_indexes:
                ge1 = (t * e2[:, None, :]).sum(axis=2)
                if has_linear:
                    ge1 += gy @ self.retained_input_array(3).T
                result.append(ge1)
            if 1 in target_input_indexes:
                ge2 = (t * e1[:, :, None]).sum(axis=1)
                if has_linear:
                    ge2 += gy @ self.retained_input_array(4).T
                result.append(ge2)
        if 2 in target_input_indexes:
            result.append((_outer(e1, e2).T @ gy).reshape(j, k, length))
        if 3 in target_input_indexes:
            result.append(e1.T @ gy)
        if 4 in target_input_indexes:
            result.append(e2.T @ gy)
        if 5 in target_input_indexes:
            result.append(gy.sum(axis=0))
        return tuple(result)


def bilinear(
    e1: VariableOrArray,
    e2: VariableOrArray,
    W: VariableOrArray,
    V1: VariableOrArray | None = None,
    V2: VariableOrArray | None = None,
    b: VariableOrArray | None = None,
) -> Variable:
    """Bilinear function: ``y[i, l] = sum_jk e1[i, j] e2[i, k] W[j, k, l]``.

    With ``V1``, ``V2`` and ``b`` (all three or none) the linear terms
    ``e1 @ V1 + e2 @ V2 + b`` are added.  Axes of ``e1`` and ``e2`` after the first are
    flattened.  It is one GEMM on the row-wise outer products; double backprop is
    supported.

    Args:
        e1: The left inputs, ``(n, J)`` (or ``(n, ...)`` with ``J`` elements per row).
        e2: The right inputs, ``(n, K)`` (or ``(n, ...)``).
        W: The bilinear weight, ``(J, K, L)``.
        V1: The weight of the linear term of ``e1``, ``(J, L)``.
        V2: The weight of the linear term of ``e2``, ``(K, L)``.
        b: The bias, ``(L,)``.

    Returns:
        The output, ``(n, L)``.

    Raises:
        ValueError: If some but not all of ``V1``, ``V2`` and ``b`` are given.
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit (all inputs
            share one floating dtype).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> e1 = numpy.array([[1.0, 2.0]])
        >>> e2 = numpy.array([[3.0]])
        >>> W = numpy.ones((2, 1, 1))
        >>> F.bilinear(e1, e2, W).array.tolist()
        [[9.0]]
    """
    linear_terms = (V1, V2, b)
    given = sum(v is not None for v in linear_terms)
    if given not in (0, 3):
        raise ValueError(
            "All coefficients and bias for bilinear() must be None, if at least one of them "
            "is None."
        )
    if len(e1.shape) > 2:
        e1 = reshape(e1, (e1.shape[0], math.prod(e1.shape[1:])))
    if len(e2.shape) > 2:
        e2 = reshape(e2, (e2.shape[0], math.prod(e2.shape[1:])))
    if given == 3:
        assert V1 is not None
        assert V2 is not None
        assert b is not None
        return BilinearFunction().apply((e1, e2, W, V1, V2, b))[0]
    return BilinearFunction().apply((e1, e2, W))[0]
