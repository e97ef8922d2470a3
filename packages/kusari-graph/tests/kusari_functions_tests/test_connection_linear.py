from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, assert_close, check_grads, data, gpu_module, grad


def _data(dtype: Any, x_shape: tuple[int, ...], out: int, seed: int = 0) -> tuple[Any, Any, Any]:
    rng = numpy.random.default_rng(seed)
    in_size = int(numpy.prod(x_shape[1:]))
    x = rng.uniform(-1, 1, x_shape).astype(dtype)
    W = rng.uniform(-1, 1, (out, in_size)).astype(dtype)
    b = rng.uniform(-1, 1, out).astype(dtype)
    return x, W, b


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("x_shape", [(4, 3), (2, 3, 2), (1, 5)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_forward(dtype: Any, x_shape: tuple[int, ...], with_bias: bool) -> None:
    x, W, b = _data(dtype, x_shape, 5)
    y = F.linear(x, W, b if with_bias else None)
    x2 = x.reshape(len(x), -1).astype(numpy.float64)
    expected = x2 @ W.T.astype(numpy.float64) + (b.astype(numpy.float64) if with_bias else 0)
    assert y.dtype == dtype
    assert y.shape == (x_shape[0], 5)
    assert_close(data(y), expected, dtype)


@pytest.mark.parametrize("n_batch_axes", [1, 2, 3])
def test_n_batch_axes(n_batch_axes: int) -> None:
    rng = numpy.random.default_rng(1)
    x = rng.uniform(-1, 1, (2, 3, 4, 2))
    in_size = int(numpy.prod(x.shape[n_batch_axes:]))
    W = rng.uniform(-1, 1, (6, in_size))
    y = F.linear(x, W, n_batch_axes=n_batch_axes)
    batch = x.shape[:n_batch_axes]
    assert y.shape == (*batch, 6)
    expected = x.reshape(*batch, in_size) @ W.T
    numpy.testing.assert_allclose(data(y), expected, rtol=1e-12)
    check_grads(lambda x_, W_: F.linear(x_, W_, n_batch_axes=n_batch_axes), (x, W))


@pytest.mark.parametrize("with_bias", [True, False])
def test_grads(with_bias: bool) -> None:
    x, W, b = _data(numpy.float64, (3, 4), 2, seed=3)
    if with_bias:
        check_grads(F.linear, (x, W, b))
    else:
        check_grads(F.linear, (x, W))


def test_grads_multi_axis_input() -> None:
    x, W, b = _data(numpy.float64, (2, 2, 3), 3, seed=4)
    check_grads(F.linear, (x, W, b))


@pytest.mark.parametrize("dtype", [numpy.float16, numpy.float32])
def test_grads_low_precision(dtype: Any) -> None:
    from kusari.graph import gradient_check as gc

    x, W, b = _data(dtype, (3, 4), 2, seed=5)
    gy = numpy.random.default_rng(6).uniform(-1, 1, (3, 2)).astype(dtype)
    tol = gc.default_tolerance(dtype)
    gc.check_backward(F.linear, (x, W, b), gy, dtype=numpy.float64, atol=tol.atol, rtol=tol.rtol)


def test_backward_values() -> None:
    x, W, b = _data(numpy.float64, (3, 4), 2, seed=7)
    xv, Wv, bv = Variable(x), Variable(W), Variable(b)
    y = F.linear(xv, Wv, bv)
    gy = numpy.arange(6.0).reshape(3, 2)
    y.grad = gy
    y.backward()
    numpy.testing.assert_allclose(grad(xv), gy @ W)
    numpy.testing.assert_allclose(grad(Wv), gy.T @ x)
    numpy.testing.assert_allclose(grad(bv), gy.sum(0))


def test_no_grad_for_constant_inputs() -> None:
    x, W, _ = _data(numpy.float64, (3, 4), 2)
    Wv = Variable(W)
    y = F.linear(x, Wv)
    y.grad = numpy.ones((3, 2))
    y.backward()
    numpy.testing.assert_allclose(grad(Wv), numpy.ones((2, 3)) @ x)


def test_invalid_dtype() -> None:
    x, W, _ = _data(numpy.float32, (3, 4), 2)
    with pytest.raises(InvalidType, match=r"W\.dtype == x\.dtype"):
        F.linear(x, W.astype(numpy.float64))
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == 'f'"):
        F.linear(x.astype(numpy.int32), W)


def test_invalid_shapes() -> None:
    x, W, _ = _data(numpy.float32, (3, 4), 2)
    with pytest.raises(InvalidType, match=r"x\.shape\[1\] == W\.shape\[1\]"):
        F.linear(x, W[:, :3])
    with pytest.raises(InvalidType, match=r"b\.shape\[0\] == W\.shape\[0\]"):
        F.linear(x, W, numpy.zeros(3, numpy.float32))
    with pytest.raises(InvalidType, match=r"b\.ndim == 1"):
        F.linear(x, W, numpy.zeros((2, 1), numpy.float32))
    with pytest.raises(InvalidType, match=r"W\.ndim == 2"):
        F.linear(x, W.reshape(2, 4, 1))
    with pytest.raises(InvalidType, match=r"x\.ndim == 2"):
        F.linear(x[0], W)


def test_invalid_n_batch_axes() -> None:
    x, W, _ = _data(numpy.float32, (3, 4), 2)
    with pytest.raises(ValueError, match="n_batch_axes must be greater than 0, got 0"):
        F.linear(x, W, n_batch_axes=0)
    with pytest.raises(TypeError, match="n_batch_axes must be an int, got float"):
        F.linear(x, W, n_batch_axes=1.0)  # type: ignore[arg-type]


def test_error_leaves_inputs_unchanged() -> None:
    x, W, _ = _data(numpy.float32, (3, 4), 2)
    xv = Variable(x.copy())
    with pytest.raises(InvalidType):
        F.linear(xv, W[:, :3])
    numpy.testing.assert_array_equal(data(xv), x)
    assert xv.creator is None


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    x, W, b = _data(numpy.float32, (3, 4), 2)
    gy = numpy.ones((3, 2), numpy.float32)
    cpu = [Variable(a) for a in (x, W, b)]
    gpu = [Variable(cupy.asarray(a)) for a in (x, W, b)]
    y_cpu, y_gpu = F.linear(cpu[0], cpu[1], cpu[2]), F.linear(gpu[0], gpu[1], gpu[2])
    y_cpu.grad = gy
    y_gpu.grad = cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    numpy.testing.assert_allclose(cupy.asnumpy(data(y_gpu)), data(y_cpu), rtol=1e-5)
    for c, g in zip(cpu, gpu, strict=True):
        numpy.testing.assert_allclose(cupy.asnumpy(grad(g)), grad(c), rtol=1e-5, atol=1e-6)
