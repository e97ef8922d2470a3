"""normalize (L2) and local_response_normalization."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, grad
from kusari.graph.type_check import InvalidType

from ._normalization_support import (
    FLOATS,
    Arr,
    assert_forward,
    check_grads,
    check_grads_float16,
    gpu_module,
    grads_both_paths,
    host,
    rand,
)


def _l2_ref(x: Arr, eps: float, axis: Any) -> Arr:
    x = x.astype(numpy.float64)
    out: Arr = x / (numpy.sqrt((x * x).sum(axis=axis, keepdims=True)) + eps)
    return out


def _lrn_ref(x: Arr, n: int, k: float, alpha: float, beta: float) -> Arr:
    x = x.astype(numpy.float64)
    half = n // 2
    total = numpy.zeros_like(x)
    channels = x.shape[1]
    for c in range(channels):
        lo, hi = max(0, c - half), min(channels, c + half + 1)
        total[:, c] = (x[:, lo:hi] ** 2).sum(axis=1)
    return x / (k + alpha * total) ** beta


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("shape", "axis"), [((3, 4), 1), ((2, 3, 4), (1, 2)), ((2, 3), -1)])
def test_normalize_forward(dtype: Any, shape: tuple[int, ...], axis: Any) -> None:
    x = rand(0, shape, dtype)
    y = F.normalize(x, eps=1e-3, axis=axis)
    assert_forward(y, _l2_ref(x, 1e-3, axis), dtype)


def test_normalize_zero_rows_give_zero_and_finite_gradients() -> None:
    x = rand(0, (2, 3))
    x[0] = 0
    xv = Variable(x)
    y = F.normalize(xv)
    assert y.array is not None
    assert y.array[0].tolist() == [0.0, 0.0, 0.0]
    F.sum(y).backward()
    assert xv.grad is not None
    # The Jacobian at a zero vector is I / eps (as in Chainer).
    numpy.testing.assert_allclose(xv.grad[0], numpy.full(3, 1e5))
    xv = Variable(x)
    (gx,) = grad([F.sum(F.normalize(xv) ** 2)], [xv], enable_double_backprop=True)
    assert gx is not None
    F.sum(gx * gx).backward()
    assert xv.grad is not None
    assert numpy.isfinite(xv.grad).all()


@pytest.mark.parametrize("axis", [1, (1, 2)])
def test_normalize_gradients(axis: Any) -> None:
    check_grads(lambda x: F.normalize(x, axis=axis), (rand(0, (2, 3, 2)),))


def test_normalize_fast_path_matches_the_differentiable_path() -> None:
    fast, slow = grads_both_paths(F.normalize, (rand(0, (3, 4)),), rand(1, (3, 4)))
    numpy.testing.assert_allclose(fast[0], slow[0], rtol=1e-12, atol=1e-12)


def test_normalize_errors() -> None:
    with pytest.raises(InvalidType, match=r"x.dtype.kind == 'f'"):
        F.normalize(numpy.ones((2, 3), numpy.int32))
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        F.normalize(numpy.ones((2, 3)), axis=2)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(
    ("shape", "n"), [((2, 7, 3), 3), ((2, 7, 3), 4), ((2, 5), 5), ((1, 2), 9)]
)
def test_lrn_forward(dtype: Any, shape: tuple[int, ...], n: int) -> None:
    x = rand(0, shape, dtype)
    y = F.local_response_normalization(x, n=n, k=2, alpha=0.1, beta=0.75)
    assert_forward(y, _lrn_ref(x, n, 2, 0.1, 0.75), dtype)


def test_lrn_defaults_are_chainers() -> None:
    x = rand(0, (2, 6, 2, 2))
    y = F.local_response_normalization(x)
    assert_forward(y, _lrn_ref(x, 5, 2, 1e-4, 0.75), numpy.float64)


@pytest.mark.parametrize("n", [1, 3, 4])
def test_lrn_gradients(n: int) -> None:
    check_grads(
        lambda x: F.local_response_normalization(x, n=n, k=1, alpha=0.5, beta=0.75),
        (rand(0, (2, 5, 2)),),
    )


def test_lrn_gradients_float16() -> None:
    check_grads_float16(
        lambda x: F.local_response_normalization(x, n=3, k=1, alpha=0.5),
        (rand(0, (2, 4), numpy.float16),),
    )


def test_lrn_fast_path_matches_the_differentiable_path() -> None:
    def fn(x: Variable) -> Variable:
        return F.local_response_normalization(x, n=3, k=1, alpha=0.5)

    fast, slow = grads_both_paths(fn, (rand(0, (2, 5, 2)),), rand(1, (2, 5, 2)))
    numpy.testing.assert_allclose(fast[0], slow[0], rtol=1e-12, atol=1e-12)


def test_lrn_errors() -> None:
    with pytest.raises(InvalidType, match=r"x.ndim >= 2"):
        F.local_response_normalization(numpy.ones(3))
    with pytest.raises(ValueError, match="n must be a positive int, got 0"):
        F.local_response_normalization(numpy.ones((2, 3)), n=0)
    with pytest.raises(InvalidType, match=r"x.dtype.kind == 'f'"):
        F.local_response_normalization(numpy.ones((2, 3), numpy.int64))


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    x = rand(0, (2, 5, 3), numpy.float32)
    for fn in (F.normalize, F.local_response_normalization):
        xc, xg = Variable(x), Variable(cupy.asarray(x))
        y_cpu, y_gpu = fn(xc), fn(xg)
        F.sum(y_cpu * y_cpu).backward()
        F.sum(y_gpu * y_gpu).backward()
        numpy.testing.assert_allclose(host(y_gpu), host(y_cpu), rtol=1e-5, atol=1e-6)
        numpy.testing.assert_allclose(host(xg.grad), host(xc.grad), rtol=1e-4, atol=1e-5)
