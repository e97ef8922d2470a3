"""The fast paths of the LSTM workload: lstm_gates, the NumPy LSTM cell, embed_id's scatter."""

from __future__ import annotations

import importlib
from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable
from kusari.graph import gradient_check as gc
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, assert_close, check_grads, data, gpu_module, grad

lstm_module = importlib.import_module("kusari.functions.connection.lstm")
embed_module = importlib.import_module("kusari.functions.connection.embed_id")
lstm_gates = lstm_module.lstm_gates


def _gate_inputs(dtype: Any, seed: int = 0, batch: int = 3) -> tuple[Any, ...]:
    rng = numpy.random.default_rng(seed)
    shapes = [(batch, 5), (batch, 2), (8, 5), (8, 2), (8,)]
    return tuple(rng.uniform(-1, 1, s).astype(dtype) for s in shapes)


# -- lstm_gates ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("with_bias", [True, False])
def test_gates_forward_against_numpy(dtype: Any, with_bias: bool) -> None:
    x, h, W_x, W_h, b = _gate_inputs(dtype)
    y = lstm_gates(x, h, W_x, W_h, b if with_bias else None)
    x64, h64, wx64, wh64, b64 = (a.astype(numpy.float64) for a in (x, h, W_x, W_h, b))
    expected = x64 @ wx64.T + h64 @ wh64.T + (b64 if with_bias else 0.0)
    assert y.dtype == dtype
    assert y.shape == (3, 8)
    assert_close(data(y), expected, dtype, scale=10)


@pytest.mark.parametrize("dtype", FLOATS)
def test_gates_equal_the_composition_bit_for_bit(dtype: Any) -> None:
    x, h, W_x, W_h, b = _gate_inputs(dtype, seed=1, batch=6)
    fused = lstm_gates(x, h, W_x, W_h, b)
    composed = F.linear(x, W_x, b) + F.linear(h, W_h)
    numpy.testing.assert_array_equal(data(fused), data(composed))


@pytest.mark.parametrize("with_bias", [True, False])
def test_gates_grads(with_bias: bool) -> None:
    inputs = _gate_inputs(numpy.float64, seed=2)
    if not with_bias:
        inputs = inputs[:4]
    check_grads(lstm_gates, inputs, seed=3)


def test_gates_grads_of_a_subset_of_inputs() -> None:
    # Only h and W_x require a gradient: backward is asked for those two targets only.
    x, h, W_x, W_h, b = _gate_inputs(numpy.float64, seed=4)
    hv, wxv = Variable(h), Variable(W_x)
    y = lstm_gates(x, hv, wxv, W_h, b)
    gy = numpy.random.default_rng(5).uniform(-1, 1, y.shape)
    y.grad = gy
    y.backward()
    numpy.testing.assert_allclose(grad(hv), gy @ W_h, rtol=1e-12)
    numpy.testing.assert_allclose(grad(wxv), gy.T @ x, rtol=1e-12)


def test_gates_grads_equal_the_composition() -> None:
    arrays = _gate_inputs(numpy.float32, seed=6, batch=4)
    gy = numpy.random.default_rng(7).uniform(-1, 1, (4, 8)).astype(numpy.float32)
    fused_vars = [Variable(a) for a in arrays]
    composed_vars = [Variable(a) for a in arrays]
    fused = lstm_gates(*fused_vars)
    x, h, W_x, W_h, b = composed_vars
    composed = F.linear(x, W_x, b) + F.linear(h, W_h)
    for y in (fused, composed):
        y.grad = gy
        y.backward()
    for f, c in zip(fused_vars, composed_vars, strict=True):
        numpy.testing.assert_array_equal(grad(f), grad(c))


def test_gates_type_errors() -> None:
    x, h, W_x, W_h, b = _gate_inputs(numpy.float32)
    with pytest.raises(InvalidType, match=r"x\.shape\[1\] == W_x\.shape\[1\]"):
        lstm_gates(x[:, :4], h, W_x, W_h, b)
    with pytest.raises(InvalidType, match=r"h\.shape\[1\] == W_h\.shape\[1\]"):
        lstm_gates(x, h, W_x, W_h[:, :1], b)
    with pytest.raises(InvalidType, match=r"h\.shape\[0\] == x\.shape\[0\]"):
        lstm_gates(x, h[:2], W_x, W_h, b)
    with pytest.raises(InvalidType, match=r"W_h\.shape\[0\] == W_x\.shape\[0\]"):
        lstm_gates(x, h, W_x, W_h[:4], b)
    with pytest.raises(InvalidType, match=r"b\.shape\[0\] == W_x\.shape\[0\]"):
        lstm_gates(x, h, W_x, W_h, b[:4])
    with pytest.raises(InvalidType, match=r"W_h\.dtype == x\.dtype"):
        lstm_gates(x, h, W_x, W_h.astype(numpy.float64), b)
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == 'f'"):
        lstm_gates(x.astype(numpy.int32), h, W_x, W_h, b)
    with pytest.raises(InvalidType, match=r"x\.ndim == 2"):
        lstm_gates(x[None], h, W_x, W_h, b)
    with pytest.raises(InvalidType, match=r"LSTMGates \(Forward\)"):
        lstm_gates(x, h, W_x, W_h, b.astype(numpy.float64))


# -- the NumPy LSTM cell --------------------------------------------------------------------


def _cell_inputs(dtype: Any, seed: int, batch: int = 5, units: int = 7) -> tuple[Any, ...]:
    rng = numpy.random.default_rng(seed)
    c_prev = rng.uniform(-2, 2, (batch, units)).astype(dtype)
    x = rng.uniform(-3, 3, (batch, 4 * units)).astype(dtype)
    gc_ = rng.uniform(-1, 1, (batch, units)).astype(dtype)
    gh = rng.uniform(-1, 1, (batch, units)).astype(dtype)
    return c_prev, x, gc_, gh


def _cell_grads_reference(
    c_prev: Any, x: Any, g_c: Any | None, g_h: Any | None
) -> tuple[Any, Any]:
    """The analytic gradients of one cell, in float64, gate by gate."""
    batch, units = c_prev.shape
    c_prev = c_prev.astype(numpy.float64)
    gates = x.astype(numpy.float64).reshape(batch, units, 4)
    a = numpy.tanh(gates[:, :, 0])
    i, f, o = (1 / (1 + numpy.exp(-gates[:, :, k])) for k in (1, 2, 3))
    tanh_c = numpy.tanh(a * i + f * c_prev)
    g_c = numpy.zeros_like(c_prev) if g_c is None else g_c.astype(numpy.float64)
    g_h = numpy.zeros_like(c_prev) if g_h is None else g_h.astype(numpy.float64)
    total = g_c + g_h * o * (1 - tanh_c**2)
    gx = numpy.stack(
        [
            total * i * (1 - a**2),
            total * a * i * (1 - i),
            total * c_prev * f * (1 - f),
            g_h * tanh_c * o * (1 - o),
        ],
        axis=-1,
    )
    return total * f, gx.reshape(x.shape)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("missing", [None, "gc", "gh"])
def test_cpu_cell_backward_against_numpy(dtype: Any, missing: str | None) -> None:
    c_prev, x, gc_, gh = _cell_inputs(dtype, seed=9)
    g_c = None if missing == "gc" else gc_
    g_h = None if missing == "gh" else gh
    c_prev_var, x_var = Variable(c_prev), Variable(x)
    c, h = F.lstm(c_prev_var, x_var)
    # The loss sum(c * g_c) + sum(h * g_h) has exactly these output gradients.
    terms = [F.sum(v * g) for v, g in ((c, g_c), (h, g_h)) if g is not None]
    loss = terms[0] if len(terms) == 1 else terms[0] + terms[1]
    loss.backward()
    gc_prev_ref, gx_ref = _cell_grads_reference(c_prev, x, g_c, g_h)
    assert c_prev_var.grad is not None
    assert x_var.grad is not None
    assert c_prev_var.grad.dtype == x_var.grad.dtype == dtype
    assert_close(c_prev_var.grad, gc_prev_ref, dtype, scale=10)
    assert_close(x_var.grad, gx_ref, dtype, scale=10)


def test_cpu_cell_backward_against_numerical_gradients() -> None:
    c_prev, x, gc_, gh = _cell_inputs(numpy.float64, seed=10, batch=2, units=3)
    gc.check_backward(F.lstm, (c_prev, x), (gc_, gh))


def test_cpu_cell_with_a_large_batch_against_numpy() -> None:
    c_prev, x, _, _ = _cell_inputs(numpy.float32, seed=11, batch=20, units=200)
    c, h = F.lstm(c_prev, x)
    gates = x.astype(numpy.float64).reshape(20, 200, 4)
    a = numpy.tanh(gates[:, :, 0])
    i, f, o = (1 / (1 + numpy.exp(-gates[:, :, k])) for k in (1, 2, 3))
    c_ref = a * i + f * c_prev
    assert_close(data(c), c_ref, numpy.float32, scale=10)
    assert_close(data(h), o * numpy.tanh(c_ref), numpy.float32, scale=10)


# -- embed_id's scatter -------------------------------------------------------------------


@pytest.mark.parametrize(
    "ids",
    [
        [7, 2, 9, 0],  # distinct: plain row assignment
        [7, 2, 7, 0, 2, 7],  # repeated: segmented sum
        [3],
        [[4, 1], [1, 4]],
    ],
)
def test_scatter_rows_against_add_at(ids: list[Any]) -> None:
    x = numpy.asarray(ids, numpy.int32)
    gy = numpy.random.default_rng(12).uniform(-1, 1, (*x.shape, 3))
    expected = numpy.zeros((10, 3))
    numpy.add.at(expected, x.ravel(), gy.reshape(-1, 3))
    result = embed_module._scatter_rows(x, gy, 10, None)
    numpy.testing.assert_allclose(result, expected, rtol=1e-15)


def test_scatter_rows_of_a_large_random_batch() -> None:
    rng = numpy.random.default_rng(13)
    for _ in range(20):  # about a fifth of these draws have a repeated id
        x = rng.integers(0, 1000, 20).astype(numpy.int32)
        gy = rng.uniform(-1, 1, (20, 4)).astype(numpy.float32)
        expected = numpy.zeros((1000, 4), numpy.float32)
        numpy.add.at(expected, x, gy)
        numpy.testing.assert_allclose(
            embed_module._scatter_rows(x, gy, 1000, None), expected, rtol=1e-6
        )


# -- GPU ------------------------------------------------------------------------------------


@pytest.mark.gpu
def test_gates_on_gpu_match_cpu() -> None:
    cupy = gpu_module()
    arrays = _gate_inputs(numpy.float32, seed=14)
    cpu = [Variable(a) for a in arrays]
    gpu = [Variable(cupy.asarray(a)) for a in arrays]
    y_cpu = lstm_gates(*cpu)
    y_gpu = lstm_gates(*gpu)
    numpy.testing.assert_allclose(cupy.asnumpy(data(y_gpu)), data(y_cpu), rtol=1e-5, atol=1e-6)
    gy = numpy.random.default_rng(15).uniform(-1, 1, y_cpu.shape).astype(numpy.float32)
    y_cpu.grad = gy
    y_gpu.grad = cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    for c, g in zip(cpu, gpu, strict=True):
        numpy.testing.assert_allclose(cupy.asnumpy(grad(g)), grad(c), rtol=1e-5, atol=1e-6)
