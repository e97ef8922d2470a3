"""Sparse matrices in coordinate format (:class:`CooMatrix`, :func:`to_coo`).

They are the sparse operands of :func:`~kusari.functions.sparse_matmul` (Chainer's
``chainer.utils.CooMatrix`` and ``chainer.utils.to_coo``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy

from kusari.devices import Array, is_array
from kusari.graph import Variable, VariableOrArray

from ..array import _shape_check

__all__ = ["CooMatrix", "to_coo"]


class CooMatrix:
    """A sparse matrix, or a batch of them, in coordinate (COO) format.

    Entry ``e`` of a matrix has the value ``data[e]`` at ``(row[e], col[e])``; entries with
    a negative row or column are padding (they let the matrices of a batch hold different
    numbers of entries).  Repeated coordinates add up.

    Args:
        data: The values, ``(nnz,)`` for one matrix or ``(B, nnz)`` for a batch (a Variable
            or an array of floating point).
        row: The row indices, integers of ``data``'s shape.
        col: The column indices, integers of ``data``'s shape.
        shape: ``(M, N)``, the shape of each matrix.
        order: ``"C"`` if the entries are sorted by row, ``"F"`` by column, or ``None``
            (only recorded, as in Chainer).
        requires_grad: Whether an array ``data`` becomes a Variable that requires a gradient.

    Attributes:
        data: The values, a :class:`~kusari.graph.Variable`.
        row: The row indices.
        col: The column indices.
        shape: ``(M, N)``.
        order: ``"C"``, ``"F"`` or ``None``.

    Raises:
        TypeError: If ``data`` is not floating point or the indices are not integers.
        ValueError: If the shapes do not fit, ``shape`` is not a pair of non-negative ints,
            an index is out of range, or ``order`` is unknown.

    Example:
        >>> import numpy
        >>> from kusari.functions import CooMatrix
        >>> row, col = numpy.array([0, 1]), numpy.array([1, 0])
        >>> m = CooMatrix(numpy.array([1.0, 2.0]), row, col, (2, 2))
        >>> m.to_dense().tolist()
        [[0.0, 1.0], [2.0, 0.0]]
    """

    __slots__ = ("col", "data", "order", "row", "shape")

    def __init__(
        self,
        data: VariableOrArray,
        row: Array,
        col: Array,
        shape: Sequence[int],
        order: Literal["C", "F"] | None = None,
        requires_grad: bool = False,
    ) -> None:
        variable = (
            data if isinstance(data, Variable) else Variable(data, requires_grad=requires_grad)
        )
        values = variable.array
        if values is None or values.dtype.kind != "f":
            raise TypeError("CooMatrix: data must be a floating point array or Variable")
        if values.ndim not in (1, 2):
            raise ValueError(f"CooMatrix: data must be 1-D or 2-D (a batch), got {values.ndim}-D")
        for name, index in (("row", row), ("col", col)):
            if not is_array(index) or index.dtype.kind not in "iu":
                raise TypeError(f"CooMatrix: {name} must be an integer array")
            if index.shape != values.shape:
                raise ValueError(
                    f"CooMatrix: {name} must have data's shape {values.shape}, got {index.shape}"
                )
        size = _shape_check.as_int_tuple(shape, "shape")
        if len(size) != 2 or min(size) < 0:
            raise ValueError(
                f"CooMatrix: shape must be a pair of non-negative ints, got {shape!r}"
            )
        if order not in (None, "C", "F"):
            raise ValueError(f"CooMatrix: order must be 'C', 'F' or None, got {order!r}")
        for name, index, limit in (("row", row, size[0]), ("col", col, size[1])):
            if index.size and int(index.max()) >= limit:
                raise ValueError(
                    f"CooMatrix: {name} indices must be below {limit}, got {int(index.max())}"
                )
        self.data = variable
        self.row = row
        self.col = col
        self.shape = (size[0], size[1])
        self.order = order

    @property
    def ndim(self) -> int:
        """3 for a batch of matrices, else 2 (the dense operand's rank)."""
        values = self.data.array
        assert values is not None
        return values.ndim + 1

    def to_dense(self) -> Array:
        """The dense matrix (or batch), ``(M, N)`` or ``(B, M, N)``, as an array."""
        values = self.data.array
        assert values is not None
        xp: Any = _shape_check.xp_of(values)
        row, col = xp.asarray(self.row), xp.asarray(self.col)
        keep = (row >= 0) & (col >= 0)
        weights = xp.where(keep, values, 0)
        rows, cols = xp.where(keep, row, 0), xp.where(keep, col, 0)
        if values.ndim == 1:
            dense = xp.zeros(self.shape, values.dtype)
            index: tuple[Array, ...] = (rows, cols)
        else:
            dense = xp.zeros((values.shape[0], *self.shape), values.dtype)
            batch = xp.broadcast_to(xp.arange(values.shape[0])[:, None], values.shape)
            index = (batch, rows, cols)
        if xp is numpy:
            numpy.add.at(dense, index, weights)
        else:
            import cupyx

            cupyx.scatter_add(dense, index, weights)
        return dense  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"CooMatrix(shape={self.shape}, nnz={self.data.shape[-1]}, ndim={self.ndim})"


def to_coo(x: Array, ldnz: int | None = None, requires_grad: bool = False) -> CooMatrix:
    """The non-zero entries of a dense matrix (or batch) as a :class:`CooMatrix`.

    Args:
        x: A ``(M, N)`` matrix or a ``(B, M, N)`` batch (floating point).
        ldnz: For a batch, the number of entries kept per matrix (at least the largest
            count of non-zeros); the rest are padding.  Default: that largest count.
        requires_grad: Whether the values require a gradient.

    Returns:
        The matrix, entries in row-major order (``order="C"``).

    Raises:
        ValueError: If ``x`` is not 2-D or 3-D, or ``ldnz`` is too small.

    Example:
        >>> import numpy
        >>> from kusari.functions import to_coo
        >>> m = to_coo(numpy.array([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0]]))
        >>> m.data.array.tolist(), m.row.tolist(), m.col.tolist(), m.shape
        ([1.5, 2.0], [0, 1], [1, 0], (2, 3))
    """
    xp: Any = _shape_check.xp_of(x)
    if x.ndim == 2:
        rows, cols = xp.nonzero(x)
        return CooMatrix(
            x[rows, cols],
            rows.astype(numpy.int32),
            cols.astype(numpy.int32),
            x.shape,
            "C",
            requires_grad,
        )
    if x.ndim != 3:
        raise ValueError(f"to_coo: x must be 2-D or 3-D (a batch), got {x.ndim}-D")
    counts = [int(c) for c in (x != 0).reshape(len(x), -1).sum(axis=1)]
    width = max(counts, default=0) if ldnz is None else _shape_check.as_int(ldnz, "ldnz")
    if counts and width < max(counts):
        raise ValueError(
            f"to_coo: ldnz must be at least {max(counts)} (the most non-zeros), got {width}"
        )
    data = xp.zeros((len(x), width), x.dtype)
    row = xp.full((len(x), width), -1, numpy.int32)
    col = xp.full((len(x), width), -1, numpy.int32)
    for b, count in enumerate(counts):
        r, c = xp.nonzero(x[b])
        data[b, :count] = x[b][r, c]
        row[b, :count] = r
        col[b, :count] = c
    return CooMatrix(data, row, col, x.shape[1:], "C", requires_grad)
