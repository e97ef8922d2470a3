from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, assert_close, check_grads, data, gpu_module, grad


def _sigmoid(z: Any) -> Any:
    return 1 / (1 + numpy.exp(-z))


def _reference(c_prev: Any, x: Any) -> tuple[Any, Any]:
    batch = len(x)
    c_prev = c_prev.astype(numpy.float64)
    gates = x.astype(numpy.float64).reshape(batch, c_prev.shape[1], 4, *c_prev.shape[2:])
    a = numpy.tanh(gates[:, :, 0])
    i = _sigmoid(gates[:, :, 1])
    f = _sigmoid(gates[:, :, 2])
    o = _sigmoid(gates[:, :, 3])
    c_head = a * i + f * c_prev[:batch]
    h = o * numpy.tanh(c_head)
    return numpy.concatenate([c_head, c_prev[batch:]]), h


def _data(dtype: Any, c_shape: tuple[int, ...], batch: int, seed: int = 0) -> tuple[Any, Any]:
    rng = numpy.random.default_rng(seed)
    c_prev = rng.uniform(-1, 1, c_shape).astype(dtype)
    x = rng.uniform(-1, 1, (batch, 4 * c_shape[1], *c_shape[2:])).astype(dtype)
    return c_prev, x


SHAPES = [((3, 4), 3), ((3, 4), 2), ((2, 2, 3), 2), ((3, 2, 3), 1)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("c_shape", "batch"), SHAPES)
def test_forward(dtype: Any, c_shape: tuple[int, ...], batch: int) -> None:
    c_prev, x = _data(dtype, c_shape, batch)
    c, h = F.lstm(c_prev, x)
    c_expected, h_expected = _reference(c_prev, x)
    assert c.dtype == dtype
    assert h.dtype == dtype
    assert c.shape == c_shape
    assert h.shape == (batch, *c_shape[1:])
    assert_close(data(c), c_expected, dtype, scale=10)
    assert_close(data(h), h_expected, dtype, scale=10)


def test_gate_layout_is_interleaved_per_unit() -> None:
    # Unit u's gates are columns 4u .. 4u + 3 (a, i, f, o), as in Chainer.
    c_prev = numpy.zeros((1, 2))
    x = numpy.array([[50.0, 50.0, 0.0, 50.0, 0.0, 0.0, 0.0, 0.0]])
    c, h = F.lstm(c_prev, x)
    numpy.testing.assert_allclose(data(c), [[1.0, 0.0]], atol=1e-12)
    numpy.testing.assert_allclose(data(h), [[numpy.tanh(1.0), 0.0]], atol=1e-12)


@pytest.mark.parametrize(("c_shape", "batch"), SHAPES)
def test_grads(c_shape: tuple[int, ...], batch: int) -> None:
    c_prev, x = _data(numpy.float64, c_shape, batch, seed=1)
    check_grads(F.lstm, (c_prev, x))


@pytest.mark.parametrize("missing", [0, 1])
@pytest.mark.parametrize(("c_shape", "batch"), [((3, 2), 2), ((2, 2, 2), 2)])
def test_grads_with_one_output_unused(missing: int, c_shape: tuple[int, ...], batch: int) -> None:
    from kusari.graph import gradient_check as gc

    c_prev, x = _data(numpy.float64, c_shape, batch, seed=2)
    rng = numpy.random.default_rng(3)
    gys: list[Any] = [rng.uniform(-1, 1, c_shape), rng.uniform(-1, 1, (batch, *c_shape[1:]))]
    gys[missing] = None
    gc.check_backward(F.lstm, (c_prev, x), tuple(gys))
    ggs = (rng.uniform(-1, 1, c_prev.shape), rng.uniform(-1, 1, x.shape))
    gc.check_double_backward(F.lstm, (c_prev, x), tuple(gys), ggs, atol=1e-4, rtol=1e-3)


def test_grads_float32() -> None:
    from kusari.graph import gradient_check as gc

    c_prev, x = _data(numpy.float32, (3, 2), 2, seed=4)
    rng = numpy.random.default_rng(5)
    gys = (rng.uniform(-1, 1, (3, 2)).astype(numpy.float32), rng.uniform(-1, 1, (2, 2)))
    tol = gc.default_tolerance(numpy.float32)
    gc.check_backward(
        F.lstm,
        (c_prev, x),
        (gys[0], gys[1].astype(numpy.float32)),
        dtype=numpy.float64,
        atol=tol.atol,
        rtol=tol.rtol,
    )


def test_rows_beyond_x_pass_their_gradient_through() -> None:
    c_prev, x = _data(numpy.float64, (3, 2), 1, seed=6)
    cv = Variable(c_prev)
    c, _ = F.lstm(cv, x)
    gc_ = numpy.arange(6.0).reshape(3, 2)
    c.grad = gc_
    c.backward()
    assert cv.grad is not None
    numpy.testing.assert_array_equal(grad(cv)[1:], gc_[1:])


def test_type_errors() -> None:
    c_prev, x = _data(numpy.float32, (3, 2), 3)
    with pytest.raises(InvalidType, match=r"x\.shape\[0\] <= c\.shape\[0\]"):
        F.lstm(c_prev[:2], x)
    with pytest.raises(InvalidType, match=r"x\.shape\[1\] == 4 \* c\.shape\[1\]"):
        F.lstm(c_prev, x[:, :7])
    with pytest.raises(InvalidType, match=r"x\.dtype == c\.dtype"):
        F.lstm(c_prev, x.astype(numpy.float64))
    with pytest.raises(InvalidType, match=r"c\.dtype\.kind == 'f'"):
        F.lstm(c_prev.astype(numpy.int32), x.astype(numpy.int32))
    with pytest.raises(InvalidType, match=r"x\.ndim == c\.ndim"):
        F.lstm(c_prev, x[:, :, None])
    with pytest.raises(InvalidType, match=r"c\.ndim >= 2"):
        F.lstm(c_prev[0], x[0])
    with pytest.raises(InvalidType, match=r"x\.shape\[2\] == c\.shape\[2\]"):
        F.lstm(numpy.zeros((3, 2, 2), numpy.float32), numpy.zeros((3, 8, 3), numpy.float32))
    with pytest.raises(InvalidType, match=r"LSTM \(Forward\)"):
        F.lstm(c_prev, x[:, :7])


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    c_prev, x = _data(numpy.float32, (3, 4), 2)
    cpu = [Variable(a) for a in (c_prev, x)]
    gpu = [Variable(cupy.asarray(a)) for a in (c_prev, x)]
    c_cpu, h_cpu = F.lstm(cpu[0], cpu[1])
    c_gpu, h_gpu = F.lstm(gpu[0], gpu[1])
    loss_cpu = F.sum(c_cpu * c_cpu) + F.sum(h_cpu)
    loss_gpu = F.sum(c_gpu * c_gpu) + F.sum(h_gpu)
    loss_cpu.backward()
    loss_gpu.backward()
    numpy.testing.assert_allclose(cupy.asnumpy(data(h_gpu)), data(h_cpu), rtol=1e-5, atol=1e-6)
    for c, g in zip(cpu, gpu, strict=True):
        numpy.testing.assert_allclose(cupy.asnumpy(grad(g)), grad(c), rtol=1e-5, atol=1e-6)
