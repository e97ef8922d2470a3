"""CooMatrix, to_coo and sparse_matmul: against dense products built entry by entry.

(Chainer 7.8.1's CPU sparse_matmul needs SciPy, which its reference environment lacks,
so there are no Chainer numbers here; the reference is the dense product.)
"""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_on_gpu,
    data,
    gpu,
    uniform,
)

Arr = npt.NDArray[Any]

ROW = numpy.array([0, 2, 1, 2, 0], numpy.int32)
COL = numpy.array([1, 0, 3, 0, 2], numpy.int32)  # (2, 0) appears twice: the values add up
BATCH_ROW = numpy.array([[0, 2, 1, -1], [1, 1, 0, 2]], numpy.int32)
BATCH_COL = numpy.array([[1, 0, 3, -1], [0, 2, 2, 3]], numpy.int32)


def _dense(values: Arr, row: Arr, col: Arr, shape: tuple[int, int]) -> Arr:
    if values.ndim == 2:
        return numpy.stack(
            [_dense(v, r, c, shape) for v, r, c in zip(values, row, col, strict=True)]
        )
    out = numpy.zeros(shape)
    for v, r, c in zip(values, row, col, strict=True):
        if r >= 0 and c >= 0:
            out[r, c] += v
    return out


def _t(x: Arr) -> Arr:
    return numpy.swapaxes(x, -1, -2)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("transa", [False, True])
@pytest.mark.parametrize("transb", [False, True])
@pytest.mark.parametrize("batched", [False, True])
def test_sparse_times_dense(dtype: Any, transa: bool, transb: bool, batched: bool) -> None:
    row, col = (BATCH_ROW, BATCH_COL) if batched else (ROW, COL)
    values = uniform(0, row.shape, dtype)
    sparse = F.CooMatrix(values, row, col, (3, 4))
    a = _dense(values.astype(numpy.float64), row, col, (3, 4))
    if transa:
        sparse = F.CooMatrix(values, col, row, (4, 3))
        a = _t(_dense(values.astype(numpy.float64), col, row, (4, 3)))
    lead = (2,) if batched else ()
    b = uniform(1, (*lead, 2, 4) if transb else (*lead, 4, 2), dtype)
    expected = a @ (_t(b) if transb else b).astype(numpy.float64)
    y = F.sparse_matmul(sparse, b, transa=transa, transb=transb)
    assert_forward(y, expected, dtype, scale=5.0)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("transa", [False, True])
@pytest.mark.parametrize("transb", [False, True])
@pytest.mark.parametrize("batched", [False, True])
def test_dense_times_sparse(dtype: Any, transa: bool, transb: bool, batched: bool) -> None:
    row, col = (BATCH_ROW, BATCH_COL) if batched else (ROW, COL)
    values = uniform(0, row.shape, dtype)
    sparse = F.CooMatrix(values, row, col, (3, 4))  # b = (3, 4), or (4, 3) transposed
    b = _dense(values.astype(numpy.float64), row, col, (3, 4))
    inner = 4 if transb else 3
    lead = (2,) if batched else ()
    a = uniform(1, (*lead, inner, 5) if transa else (*lead, 5, inner), dtype)
    expected = (_t(a) if transa else a).astype(numpy.float64) @ (_t(b) if transb else b)
    y = F.sparse_matmul(a, sparse, transa=transa, transb=transb)
    assert_forward(y, expected, dtype, scale=5.0)


def test_to_coo_round_trip() -> None:
    x = numpy.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    m = F.to_coo(x)
    assert (data(m.data).tolist(), m.row.tolist(), m.col.tolist()) == (
        [1.5, 2.0, -1.0],
        [0, 1, 1],
        [1, 0, 2],
    )
    assert m.shape == (2, 3)
    assert m.order == "C"
    numpy.testing.assert_array_equal(m.to_dense(), x)
    batch = numpy.array([[[0, 1], [0, 0]], [[2, 3], [4, 0]]], numpy.float32)
    mb = F.to_coo(batch, ldnz=4)
    # The padding Chainer 7.8.1 gives for the same batch: values 0, indices -1.
    assert data(mb.data).tolist() == [[1, 0, 0, 0], [2, 3, 4, 0]]
    assert mb.row.tolist() == [[0, -1, -1, -1], [0, 0, 1, -1]]
    assert mb.col.tolist() == [[1, -1, -1, -1], [0, 1, 0, -1]]
    numpy.testing.assert_array_equal(mb.to_dense(), batch)


def test_gradients_reach_the_values_and_the_dense_operand() -> None:
    b = uniform(1, (4, 2), "d")
    check_grads(
        lambda v, d: F.sparse_matmul(F.CooMatrix(v, ROW, COL, (3, 4)), d),
        [uniform(0, (5,), "d"), b],
    )
    check_grads(
        lambda v, d: F.sparse_matmul(d, F.CooMatrix(v, BATCH_ROW, BATCH_COL, (3, 4)), transb=True),
        [uniform(0, (2, 4), "d"), uniform(2, (2, 5, 4), "d")],
    )


def test_requires_grad_of_array_data() -> None:
    m = F.to_coo(numpy.eye(2), requires_grad=True)
    assert isinstance(m.data, Variable)
    assert m.data.requires_grad
    F.sum(F.sparse_matmul(m, numpy.ones((2, 3)))).backward()
    assert m.data.grad is not None
    assert m.data.grad.tolist() == [3.0, 3.0]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((numpy.array([1, 2]), ROW[:2], COL[:2], (3, 4)), TypeError, "data must be a floating"),
        (
            (numpy.ones(2), ROW[:2].astype(float), COL[:2], (3, 4)),
            TypeError,
            "row must be an integer",
        ),
        (
            (numpy.ones(2), ROW[:3], COL[:2], (3, 4)),
            ValueError,
            r"row must have data's shape \(2,\)",
        ),
        ((numpy.ones(5), ROW, COL, (2, 4)), ValueError, "row indices must be below 2, got 2"),
        ((numpy.ones(5), ROW, COL, (3,)), ValueError, "shape must be a pair"),
        ((numpy.ones((1, 1, 5)), ROW, COL, (3, 4)), ValueError, "data must be 1-D or 2-D"),
    ],
)
def test_coo_invalid(args: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.CooMatrix(*args)


def test_coo_invalid_order_and_ldnz() -> None:
    with pytest.raises(ValueError, match="order must be 'C', 'F' or None"):
        F.CooMatrix(numpy.ones(5), ROW, COL, (3, 4), order="X")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"ldnz must be at least 3 \(the most non-zeros\), got 2"):
        F.to_coo(numpy.array([[[0.0, 1.0], [0.0, 0.0]], [[2.0, 3.0], [4.0, 0.0]]]), ldnz=2)
    with pytest.raises(ValueError, match="x must be 2-D or 3-D"):
        F.to_coo(numpy.zeros(3))


def test_sparse_matmul_invalid() -> None:
    sparse = F.CooMatrix(numpy.ones(5), ROW, COL, (3, 4))
    with pytest.raises(TypeError, match="exactly one operand must be a CooMatrix"):
        F.sparse_matmul(numpy.ones((2, 2)), numpy.ones((2, 2)))
    with pytest.raises(TypeError, match="exactly one operand must be a CooMatrix"):
        F.sparse_matmul(sparse, sparse)
    with pytest.raises(InvalidType, match=r"Expect: dense.shape\[-2\] == 4"):
        F.sparse_matmul(sparse, numpy.ones((3, 2)))
    with pytest.raises(InvalidType, match=r"Expect: dense.dtype == sparse.data.dtype"):
        F.sparse_matmul(sparse, numpy.ones((4, 2), numpy.float32))
    with pytest.raises(InvalidType, match=r"Expect: dense.ndim == 2"):
        F.sparse_matmul(sparse, numpy.ones((1, 4, 2)))


@gpu
def test_gpu() -> None:
    check_on_gpu(
        lambda v, d: F.sparse_matmul(F.CooMatrix(v, ROW, COL, (3, 4)), d),
        [uniform(0, (5,), "d"), uniform(1, (4, 2), "d")],
        atol=1e-12,
    )
