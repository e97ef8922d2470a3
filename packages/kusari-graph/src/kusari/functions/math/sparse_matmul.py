"""Products of sparse and dense matrices (:func:`sparse_matmul`)."""

from __future__ import annotations

from typing import Any

from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..array import _shape_check
from ..array.expand_dims import expand_dims
from ..array.get_item import get_item
from ..array.scatter_add import scatter_add
from ..array.swapaxes import swapaxes
from ..array.where import where
from ..loss._checks import array_of
from ..util.sparse import CooMatrix

__all__ = ["sparse_matmul"]


def _transposed(a: CooMatrix) -> CooMatrix:
    return CooMatrix(a.data, a.col, a.row, (a.shape[1], a.shape[0]))


def _check(sparse: CooMatrix, sparse_inner: int, dense: Any, dense_inner: int) -> None:
    """Type check: one dtype, matching ranks and batch, and equal inner sizes."""
    values = sparse.data.array
    assert values is not None

    def check(in_types: TypeInfoTuple) -> None:
        type_check.argname(in_types, ("sparse.data", "dense"))
        data_type, dense_type = in_types
        type_check.expect(dense_type.dtype == data_type.dtype, dense_type.ndim == sparse.ndim)
        type_check.expect(dense_type.shape[dense_inner] == sparse.shape[sparse_inner])
        if sparse.ndim == 3:
            type_check.expect(dense_type.shape[0] == data_type.shape[0])

    _shape_check.run_type_check(check, [values, dense], "sparse_matmul")


def _sparse_dense(a: CooMatrix, b: VariableOrArray) -> Variable:
    """``a @ b`` for a sparse ``a`` ``(M, K)`` and a dense ``b`` ``(K, N)`` (or batches)."""
    values = a.data.array
    assert values is not None
    xp: Any = _shape_check.xp_of(values)
    row, col = xp.asarray(a.row), xp.asarray(a.col)
    keep = (row >= 0) & (col >= 0)
    rows, cols = xp.where(keep, row, 0), xp.where(keep, col, 0)
    weights = where(keep, a.data, 0.0)
    n = b.shape[-1]
    if values.ndim == 1:
        picked = get_item(b, cols)  # (nnz, N)
        out = xp.zeros((a.shape[0], n), values.dtype)
        return scatter_add(out, rows, expand_dims(weights, 1) * picked)
    batch = xp.broadcast_to(xp.arange(values.shape[0])[:, None], values.shape)
    picked = get_item(b, (batch, cols))  # (B, nnz, N)
    out = xp.zeros((values.shape[0], a.shape[0], n), values.dtype)
    return scatter_add(out, (batch, rows), expand_dims(weights, 2) * picked)


def sparse_matmul(
    a: CooMatrix | VariableOrArray,
    b: CooMatrix | VariableOrArray,
    transa: bool = False,
    transb: bool = False,
) -> Variable:
    """The product of a sparse and a dense matrix (or of batches of them).

    Exactly one operand is a :class:`~kusari.functions.CooMatrix`.  The result is dense;
    the gradient reaches the dense operand and the sparse operand's ``data`` (not its
    zeros), and can be differentiated again.

    Args:
        a: The left operand, ``(M, K)`` (or ``(B, M, K)``), sparse or dense.
        b: The right operand, ``(K, N)`` (or ``(B, K, N)``), dense or sparse.
        transa: Whether to use ``a``'s transpose (its last two axes).
        transb: Whether to use ``b``'s transpose.

    Returns:
        The ``(M, N)`` (or ``(B, M, N)``) product, of the operands' dtype.

    Raises:
        TypeError: If neither or both operands are sparse.
        kusari.graph.type_check.InvalidType: If the dtypes, ranks or inner sizes differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = F.to_coo(numpy.array([[0.0, 2.0], [1.0, 0.0]]))
        >>> F.sparse_matmul(a, numpy.array([[1.0, 2.0], [3.0, 4.0]])).array.tolist()
        [[6.0, 8.0], [1.0, 2.0]]
    """
    if isinstance(a, CooMatrix) == isinstance(b, CooMatrix):
        raise TypeError(
            "sparse_matmul: exactly one operand must be a CooMatrix, got "
            f"{type(a).__name__} and {type(b).__name__}"
        )
    if isinstance(a, CooMatrix):
        assert not isinstance(b, CooMatrix)
        _check(a, 0 if transa else 1, array_of(b), -1 if transb else -2)
        dense = swapaxes(b, -1, -2) if transb else b
        return _sparse_dense(_transposed(a) if transa else a, dense)
    assert isinstance(b, CooMatrix)
    # a @ b = (b^T @ a^T)^T
    _check(b, 1 if transb else 0, array_of(a), -2 if transa else -1)
    dense_t = a if transa else swapaxes(a, -1, -2)
    return swapaxes(_sparse_dense(b if transb else _transposed(b), dense_t), -1, -2)
