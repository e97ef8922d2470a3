"""local_convolution_2d: against a loop reference, Chainer's values, gradients, errors."""

from __future__ import annotations

import itertools
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


def _reference(x: Any, w: Any, b: Any, stride: tuple[int, int]) -> npt.NDArray[Any]:
    x, w = x.astype(numpy.float64), w.astype(numpy.float64)
    out_c, out_h, out_w, _, kh, kw = w.shape
    sy, sx = stride
    y = numpy.zeros((x.shape[0], out_c, out_h, out_w))
    for n, o, i, j in itertools.product(
        range(x.shape[0]), range(out_c), range(out_h), range(out_w)
    ):
        window = x[n, :, i * sy : i * sy + kh, j * sx : j * sx + kw]
        y[n, o, i, j] = (w[o, i, j] * window).sum() + (0.0 if b is None else b[o, i, j])
    return y


CASES = [
    # x shape, (kh, kw), stride
    ((2, 3, 5, 6), (2, 3), (1, 1)),
    ((2, 3, 5, 6), (2, 3), (2, 3)),
    ((1, 2, 4, 4), (1, 1), (1, 2)),
    ((1, 1, 3, 3), (3, 3), (1, 1)),
]


def _shapes(x_shape: Any, kernel: Any, stride: Any, out_c: int = 2) -> Any:
    out_h = (x_shape[2] - kernel[0]) // stride[0] + 1
    out_w = (x_shape[3] - kernel[1]) // stride[1] + 1
    return (out_c, out_h, out_w, x_shape[1], *kernel), (out_c, out_h, out_w)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("x_shape", "kernel", "stride"), CASES)
@pytest.mark.parametrize("with_bias", [True, False])
def test_forward(dtype: Any, x_shape: Any, kernel: Any, stride: Any, with_bias: bool) -> None:
    w_shape, b_shape = _shapes(x_shape, kernel, stride)
    x, w, b = uniform(0, x_shape, dtype), uniform(1, w_shape, dtype), uniform(2, b_shape, dtype)
    bias = b if with_bias else None
    y = F.local_convolution_2d(x, w, bias, stride)
    assert_forward(y, _reference(x, w, bias, stride), dtype, scale=5.0)


def test_chainer_values() -> None:
    # Chainer 7.8.1, same float32 inputs: the first outputs and gradients of sum(y * y).
    rng = numpy.random.RandomState(0)
    x = Variable(rng.randn(2, 3, 5, 4).astype(numpy.float32))
    w = Variable(rng.randn(2, 2, 2, 3, 2, 3).astype(numpy.float32))
    b = Variable(rng.randn(2, 2, 2).astype(numpy.float32))
    y = F.local_convolution_2d(x, w, b, stride=(2, 1))
    numpy.testing.assert_allclose(
        data(y).ravel()[:8],
        [7.973925, -7.2881203, -0.5408229, -0.49599, -5.665732, -2.3351698, 2.0626278, -4.4625845],
        rtol=1e-5,
    )
    F.sum(y * y).backward()
    numpy.testing.assert_allclose(
        grad_array(x).ravel()[:6],
        [6.44831, -14.3200035, 13.277979, 18.06451, 23.096874, -24.048725],
        rtol=1e-5,
    )
    numpy.testing.assert_allclose(
        grad_array(w).ravel()[:6],
        [26.924578, 5.735608, 14.147719, 30.102331, -16.307394, 12.2227545],
        rtol=1e-5,
    )
    numpy.testing.assert_allclose(
        grad_array(b).ravel()[:4], [17.744633, -6.3416004, 6.378035, -3.595496], rtol=1e-5
    )


@pytest.mark.parametrize(("x_shape", "kernel", "stride"), CASES[:3])
def test_gradients(x_shape: Any, kernel: Any, stride: Any) -> None:
    w_shape, b_shape = _shapes(x_shape, kernel, stride)
    inputs = [uniform(0, x_shape, "d"), uniform(1, w_shape, "d"), uniform(2, b_shape, "d")]
    check_grads(lambda x, w, b: F.local_convolution_2d(x, w, b, stride), inputs)
    check_grads(lambda x, w: F.local_convolution_2d(x, w, stride=stride), inputs[:2])
    check_grads_float16(
        lambda x, w, b: F.local_convolution_2d(x, w, b, stride),
        [a.astype(numpy.float16) for a in inputs],
    )


X = numpy.zeros((1, 2, 4, 4))
W = numpy.zeros((3, 3, 3, 2, 2, 2))


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((X, W[:, :, :, :1]), {}, InvalidType, r"Expect: x.shape\[1\] == W.shape\[3\]"),
        ((X, W.astype(numpy.float32)), {}, InvalidType, r"Expect: W.dtype == x.dtype"),
        ((X[0], W), {}, InvalidType, r"Expect: x.ndim == 4"),
        ((X, W[0]), {}, InvalidType, r"Expect: W.ndim == 6"),
        ((X.astype(numpy.int32), W.astype(numpy.int32)), {}, InvalidType, "x.dtype.kind == 'f'"),
        ((X, W, numpy.zeros((3, 3, 2))), {}, InvalidType, r"Expect: b.shape == W.shape\[:3\]"),
        ((X, W, numpy.zeros((3, 3))), {}, InvalidType, r"Expect: b.ndim == 3"),
        (
            (X, W),
            {"stride": 2},
            ValueError,
            r"W.shape\[1:3\] must be the output size \(2, 2\) .* stride \(2, 2\), got \(3, 3\)",
        ),
        ((X, numpy.zeros((1, 1, 1, 2, 5, 1))), {}, ValueError, r"kernel \(5, 1\) is larger"),
        ((X, W), {"stride": 0}, ValueError, "stride"),
        ((X, W), {"stride": 1.5}, TypeError, "stride"),
    ],
)
def test_invalid(args: Any, kwargs: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.local_convolution_2d(*args, **kwargs)


@gpu
def test_gpu() -> None:
    w_shape, b_shape = _shapes((2, 3, 5, 6), (2, 3), (2, 3))
    inputs = [uniform(0, (2, 3, 5, 6), "d"), uniform(1, w_shape, "d"), uniform(2, b_shape, "d")]
    check_on_gpu(lambda x, w, b: F.local_convolution_2d(x, w, b, (2, 3)), inputs, atol=1e-12)
