"""slstm and tree_lstm: against NumPy formulas, Chainer's values, gradients, errors."""

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
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    grad_array,
    uniform,
)

Arr = npt.NDArray[Any]


def _sigmoid(z: Arr) -> Arr:
    return 1.0 / (1.0 + numpy.exp(-z))


def _slstm_reference(c1: Arr, c2: Arr, x1: Arr, x2: Arr) -> tuple[Arr, Arr]:
    c1, c2, x1, x2 = (a.astype(numpy.float64) for a in (c1, c2, x1, x2))
    units = c1.shape[1]
    # Gate k of unit u is column 4 * u + k, in the order a, i, f, o.
    g1 = [x1[:, k::4] if x1.ndim == 2 else x1[:, k::4, ...] for k in range(4)]
    g2 = [x2[:, k::4] if x2.ndim == 2 else x2[:, k::4, ...] for k in range(4)]
    assert g1[0].shape[1] == units
    c = (
        numpy.tanh(g1[0]) * _sigmoid(g1[1])
        + numpy.tanh(g2[0]) * _sigmoid(g2[1])
        + _sigmoid(g1[2]) * c1
        + _sigmoid(g2[2]) * c2
    )
    return c, _sigmoid(g1[3] + g2[3]) * numpy.tanh(c)


def _tree_reference(*inputs: Arr) -> tuple[Arr, Arr]:
    *cs, x = (a.astype(numpy.float64) for a in inputs)
    units = cs[0].shape[1]
    # Gate-major: gate k is columns k * H to (k + 1) * H, in the order a, i, o, f_1, ...
    gates = [x[:, k * units : (k + 1) * units] for k in range(3 + len(cs))]
    c = numpy.tanh(gates[0]) * _sigmoid(gates[1])
    for f, child in zip(gates[3:], cs, strict=True):
        c = c + _sigmoid(f) * child
    return c, _sigmoid(gates[2]) * numpy.tanh(c)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(3, 2), (2, 3, 2)])
def test_slstm_forward(dtype: Any, shape: tuple[int, ...]) -> None:
    x_shape = (shape[0], 4 * shape[1], *shape[2:])
    inputs = [uniform(0, shape, dtype), uniform(1, shape, dtype)]
    inputs += [uniform(2, x_shape, dtype, -2, 2), uniform(3, x_shape, dtype, -2, 2)]
    c, h = F.slstm(*inputs)
    expected_c, expected_h = _slstm_reference(*inputs)
    assert_forward(c, expected_c, dtype, scale=5.0)
    assert_forward(h, expected_h, dtype, scale=5.0)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n_children", [1, 2, 3])
def test_tree_lstm_forward(dtype: Any, n_children: int) -> None:
    cs = [uniform(k, (3, 2), dtype) for k in range(n_children)]
    x = uniform(9, (3, (3 + n_children) * 2), dtype, -2, 2)
    c, h = F.tree_lstm(*cs, x)
    expected_c, expected_h = _tree_reference(*cs, x)
    assert_forward(c, expected_c, dtype, scale=5.0)
    assert_forward(h, expected_h, dtype, scale=5.0)


def test_chainer_values() -> None:
    # Chainer 7.8.1 for the same float32 inputs: outputs and gradients of sum(c * c + h).
    rng = numpy.random.RandomState(0)
    c1, c2 = (Variable(rng.randn(2, 3).astype(numpy.float32)) for _ in range(2))
    x1, x2 = (Variable(rng.randn(2, 12).astype(numpy.float32)) for _ in range(2))
    c, h = F.slstm(c1, c2, x1, x2)
    numpy.testing.assert_allclose(
        data(c).ravel(), [2.4471064, 0.46164158, -0.1684162, 1.0375509, 1.7069538, 0.0515486], 1e-5
    )
    numpy.testing.assert_allclose(
        data(h).ravel(),
        [0.5002915, 0.3234095, -0.08489416, 0.4271224, 0.6473034, 0.02310343],
        1e-5,
    )
    F.sum(c * c + h).backward()
    numpy.testing.assert_allclose(
        grad_array(x1).ravel()[:6],
        [1.5316207, 0.7846361, 2.0617933, 0.24622235, 0.12572446, 0.34295365],
        1e-5,
    )
    numpy.testing.assert_allclose(
        grad_array(c2).ravel(),
        [1.9850898, 0.23560323, 0.03507337, 0.6649388, 1.7249563, 0.1907625],
        1e-5,
    )
    cs = [Variable(rng.randn(2, 3).astype(numpy.float32)) for _ in range(3)]
    x = Variable(rng.randn(2, 18).astype(numpy.float32))
    c, h = F.tree_lstm(*cs, x)
    numpy.testing.assert_allclose(
        data(c).ravel(),
        [-0.3459816, -0.42608976, -0.98003566, -1.9461681, 1.2263925, -0.49556],
        1e-5,
    )
    numpy.testing.assert_allclose(
        data(h).ravel(),
        [-0.27150923, -0.34955108, -0.5759026, -0.2104117, 0.61010844, -0.10836729],
        1e-5,
    )
    F.sum(c * c + h).backward()
    numpy.testing.assert_allclose(
        grad_array(x).ravel()[:6],
        [0.02164708, -0.07550585, -0.09321947, -0.00207681, -0.00163888, 0.19530407],
        rtol=1e-5,
        atol=1e-7,
    )
    numpy.testing.assert_allclose(
        grad_array(cs[2]).ravel(),
        [0.02433028, -0.07251456, -1.0908791, -2.7598515, 0.79153687, -0.7007654],
        1e-5,
    )


def test_gradients() -> None:
    cells = [uniform(0, (2, 3), "d"), uniform(1, (2, 3), "d")]
    xs = [uniform(2, (2, 12), "d", -2, 2), uniform(3, (2, 12), "d", -2, 2)]
    check_grads(F.slstm, cells + xs)
    check_grads_float16(F.slstm, [a.astype(numpy.float16) for a in cells + xs])
    x = uniform(4, (2, 15), "d", -2, 2)
    check_grads(F.tree_lstm, [*cells, x])
    check_grads_float16(F.tree_lstm, [a.astype(numpy.float16) for a in (*cells, x)])


C = numpy.zeros((2, 3))
X = numpy.zeros((2, 12))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((C, C, X, X[:, :8]), r"Expect: x2.shape\[1\] == 4 \* c_prev1.shape\[1\]"),
        ((C, C[:1], X, X), r"Expect: c_prev2.shape == c_prev1.shape"),
        ((C, C, X[:1], X), r"Expect: x1.shape\[0\] == c_prev1.shape\[0\]"),
        ((C, C, X, X.astype(numpy.float32)), r"Expect: x2.dtype == c_prev1.dtype"),
        ((C[0], C[0], X[0], X[0]), r"Expect: c_prev1.ndim >= 2"),
        ((C, C, X[:, :, None], X), r"Expect: x1.ndim == c_prev1.ndim"),
        ((C.astype(int), C.astype(int), X, X), r"Expect: c_prev1.dtype.kind == 'f'"),
    ],
)
def test_slstm_invalid(args: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=r"slstm \(Forward\)\n\n" + message):
        F.slstm(*args)


def test_tree_lstm_invalid() -> None:
    with pytest.raises(ValueError, match=r"at least one cell state and x \(2 inputs\), got 1"):
        F.tree_lstm(X)
    with pytest.raises(InvalidType, match=r"Expect: x.shape\[1\] == 4 \* c1.shape\[1\]"):
        F.tree_lstm(C, numpy.zeros((2, 18)))
    with pytest.raises(InvalidType, match=r"Expect: c2.shape == c1.shape"):
        F.tree_lstm(C, C[:, :2], numpy.zeros((2, 15)))


@gpu
def test_gpu() -> None:
    cells = [uniform(0, (2, 3), "d"), uniform(1, (2, 3), "d")]
    xs = [uniform(2, (2, 12), "d"), uniform(3, (2, 12), "d")]
    check_on_gpu(F.slstm, cells + xs, atol=1e-12)
    check_on_gpu(F.tree_lstm, [*cells, uniform(4, (2, 15), "d")], atol=1e-12)
