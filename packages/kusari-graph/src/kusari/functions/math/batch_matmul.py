"""Batched matrix product (:func:`batch_matmul`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from ..array.reshape import reshape
from . import _helpers
from .matmul import matmul

__all__ = ["batch_matmul"]


def _as_batch_matrices(x: VariableOrArray, name: str) -> VariableOrArray:
    ndim = _helpers.ndim_of(x)
    if ndim == 2:
        return reshape(x, (*x.shape, 1))
    if ndim != 3:
        raise _helpers.invalid_type(
            "BatchMatMul", f"{name}.ndim in (2, 3)", f"{name}.ndim = {ndim}"
        )
    return x


def batch_matmul(
    a: VariableOrArray, b: VariableOrArray, transa: bool = False, transb: bool = False
) -> Variable:
    """Matrix products of two batches of matrices: ``c[i] = a[i] @ b[i]``.

    Deprecated in Chainer in favour of :func:`~kusari.functions.matmul`, which it calls.
    A 2-D operand of shape ``(B, N)`` is a batch of column vectors ``(B, N, 1)``.  Unlike
    Chainer's (float32 only), any floating point dtype is accepted.

    Args:
        a: The left batch, ``(B, N, M)`` or ``(B, N)``.
        b: The right batch, ``(B, M, K)`` or ``(B, M)``.
        transa: Transpose each matrix of ``a`` first.
        transb: Transpose each matrix of ``b`` first.

    Returns:
        The products, ``(B, N, K)``.

    Raises:
        kusari.graph.type_check.InvalidType: If an operand is not 2-D or 3-D, or the shapes
            or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.ones((2, 3, 4))
        >>> F.batch_matmul(a, numpy.ones((2, 4))).shape
        (2, 3, 1)
        >>> F.batch_matmul(a, a, transb=True).shape
        (2, 3, 3)
    """
    a3 = _as_batch_matrices(a, "a")
    b3 = _as_batch_matrices(b, "b")
    return matmul(a3, b3, transa=transa, transb=transb)
