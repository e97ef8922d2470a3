"""batch_matmul, tensordot, det, batch_det, inv, batch_inv, batch_l2_norm_squared."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, uniform


def _well_conditioned(seed: int, shape: tuple[int, ...], dtype: Any = float) -> Any:
    n = shape[-1]
    return (uniform(seed, shape, float, -0.5, 0.5) + 2 * numpy.eye(n)).astype(dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("transa", [False, True])
@pytest.mark.parametrize("transb", [False, True])
def test_batch_matmul(dtype: Any, transa: bool, transb: bool) -> None:
    a = uniform(0, (2, 4, 3) if transa else (2, 3, 4), dtype)
    b = uniform(1, (2, 5, 4) if transb else (2, 4, 5), dtype)
    a_ = a.swapaxes(1, 2) if transa else a
    b_ = b.swapaxes(1, 2) if transb else b
    expected = a_.astype(float) @ b_.astype(float)
    assert_forward(F.batch_matmul(a, b, transa=transa, transb=transb), expected, dtype, scale=10)
    if dtype == numpy.float64:
        check_grads(lambda x, y: F.batch_matmul(x, y, transa=transa, transb=transb), [a, b])


def test_batch_matmul_vectors() -> None:
    a, b = uniform(0, (2, 3), float), uniform(1, (2, 3), float)
    y = F.batch_matmul(a, b, transa=True)
    assert y.shape == (2, 1, 1)
    assert_forward(y, (a * b).sum(axis=1).reshape(2, 1, 1), numpy.float64)
    with pytest.raises(
        InvalidType, match=r"in: BatchMatMul \(Forward\)\n\nExpect: a\.ndim in \(2, 3\)"
    ):
        F.batch_matmul(numpy.zeros(3), b)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(
    ("sa", "sb", "axes"),
    [
        ((2, 3, 4), (3, 4, 5), 2),
        ((2, 3), (3, 2), 1),
        ((2, 3), (4, 5), 0),
        ((3, 2), (2, 3), ([0], [1])),
        ((2, 3, 4), (4, 2), ([0, 2], [1, 0])),
        ((2, 3), (2, 3), ([0, 1], [0, 1])),
    ],
)
def test_tensordot(dtype: Any, sa: Any, sb: Any, axes: Any) -> None:
    a, b = uniform(2, sa, dtype), uniform(3, sb, dtype)
    expected = numpy.tensordot(a.astype(float), b.astype(float), axes=axes)
    assert_forward(F.tensordot(a, b, axes=axes), expected, dtype, scale=10)
    if dtype == numpy.float64:
        check_grads(lambda x, y: F.tensordot(x, y, axes=axes), [a, b])


def test_tensordot_errors() -> None:
    a, b = numpy.zeros((2, 3)), numpy.zeros((4, 3))
    with pytest.raises(
        ValueError, match=r"shape mismatch: a\.shape\[1\] = 3 but b\.shape\[0\] = 4"
    ):
        F.tensordot(a, b, axes=1)
    with pytest.raises(ValueError, match=r"greater equal to dot-axes count \(3\)"):
        F.tensordot(a, b, axes=3)
    with pytest.raises(ValueError, match="axes must pair the same number of axes"):
        F.tensordot(a, b, axes=([0, 1], [1]))
    with pytest.raises(TypeError, match="axes must be an int or a pair of sequences of ints"):
        F.tensordot(a, b, axes="ij")  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_det_and_inv_forward(dtype: Any) -> None:
    a = _well_conditioned(0, (3, 3), dtype)
    batch = _well_conditioned(1, (4, 3, 3), dtype)
    scale = 100 if dtype == numpy.float32 else 10
    assert_forward(F.det(a), numpy.linalg.det(a.astype(float)), dtype, scale=scale)
    assert_forward(F.batch_det(batch), numpy.linalg.det(batch.astype(float)), dtype, scale=scale)
    assert_forward(F.inv(a), numpy.linalg.inv(a.astype(float)), dtype, scale=scale)
    assert_forward(F.batch_inv(batch), numpy.linalg.inv(batch.astype(float)), dtype, scale=scale)


@pytest.mark.parametrize("fn", [F.det, F.inv])
def test_matrix_grads(fn: Any) -> None:
    check_grads(fn, [_well_conditioned(2, (3, 3))])


@pytest.mark.parametrize("fn", [F.batch_det, F.batch_inv])
def test_batch_grads(fn: Any) -> None:
    check_grads(fn, [_well_conditioned(3, (2, 3, 3))])


def test_inv_float16() -> None:
    a = _well_conditioned(4, (2, 2), numpy.float16)
    y = F.inv(a)
    assert y.dtype == numpy.float16
    check_grads_float16(F.inv, [a])


def test_singular_and_shape_errors() -> None:
    with pytest.raises(ValueError, match=r"Input has singular matrices\."):
        F.inv(numpy.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"Input has singular matrices\."):
        F.batch_inv(numpy.ones((3, 2, 2)))
    with pytest.raises(
        InvalidType, match=r"in: Inv \(Forward\)\n\nExpect: a\.shape\[-1\] == a\.shape\[-2\]"
    ):
        F.inv(numpy.zeros((2, 3)))
    with pytest.raises(InvalidType, match=r"in: BatchInv \(Forward\)\n\nExpect: a\.ndim == 3"):
        F.batch_inv(numpy.zeros((2, 2)))
    with pytest.raises(InvalidType, match=r"Expect: a\.ndim == 3"):
        F.batch_det(numpy.zeros((2, 2)))
    with pytest.raises(InvalidType, match=r"in: Det \(Forward\)\n\nExpect: a\.ndim == 2"):
        F.det(numpy.zeros((1, 2, 2)))
    with pytest.raises(InvalidType, match=r"Expect: a\.shape\[-1\] == a\.shape\[-2\]"):
        F.det(numpy.zeros((2, 3)))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2)])
def test_batch_l2_norm_squared(dtype: Any, shape: Any) -> None:
    x = uniform(5, shape, dtype)
    expected = (x.astype(float) ** 2).reshape(shape[0], -1).sum(axis=1)
    assert_forward(F.batch_l2_norm_squared(x), expected, dtype, scale=3)
    if dtype == numpy.float64:
        check_grads(F.batch_l2_norm_squared, [x])


def test_batch_l2_norm_squared_errors() -> None:
    with pytest.raises(
        InvalidType,
        match=r"in: BatchL2NormSquared \(Forward\)\n\nExpect: x\.ndim >= 2\nActual: 1 < 2",
    ):
        F.batch_l2_norm_squared(numpy.zeros(3))
