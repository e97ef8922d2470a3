"""deformable_convolution_2d_sampler: a per-point reference, Chainer's values, gradients."""

from __future__ import annotations

import itertools
import math
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
    grad_array,
    uniform,
)


def _bilinear(image: Any, y: float, x: float) -> Any:
    """``(C,)`` values at ``(y, x)``, zero outside the image."""
    height, width = image.shape[1:]
    y0, x0 = math.floor(y), math.floor(x)
    total = numpy.zeros(image.shape[0])
    for row, col in itertools.product((y0, y0 + 1), (x0, x0 + 1)):
        if 0 <= row < height and 0 <= col < width:
            total += (1 - abs(y - row)) * (1 - abs(x - col)) * image[:, row, col]
    return total


def _reference(x: Any, offset: Any, w: Any, b: Any, stride: Any, pad: Any) -> npt.NDArray[Any]:
    x, offset, w = (a.astype(numpy.float64) for a in (x, offset, w))
    n = x.shape[0]
    out_c, _, kh, kw = w.shape
    sy, sx = stride
    ph, pw = pad
    out_h, out_w = offset.shape[2:]
    y = numpy.zeros((n, out_c, out_h, out_w))
    for i_n, i, j in itertools.product(range(n), range(out_h), range(out_w)):
        for p, q in itertools.product(range(kh), range(kw)):
            k = p * kw + q
            row = i * sy - ph + p + offset[i_n, kh * kw + k, i, j]
            col = j * sx - pw + q + offset[i_n, k, i, j]
            y[i_n, :, i, j] += w[:, :, p, q] @ _bilinear(x[i_n], row, col)
    if b is not None:
        y += b[None, :, None, None]
    return y


CASES = [((1, 1), (0, 0), (2, 3)), ((2, 1), (1, 2), (2, 3)), ((1, 2), (1, 1), (3, 3))]


def _inputs(dtype: Any, stride: Any, pad: Any, kernel: Any) -> list[Any]:
    kh, kw = kernel
    out_h = (5 + 2 * pad[0] - kh) // stride[0] + 1
    out_w = (6 + 2 * pad[1] - kw) // stride[1] + 1
    return [
        uniform(0, (2, 3, 5, 6), dtype),
        uniform(1, (2, 2 * kh * kw, out_h, out_w), dtype, -1.7, 1.7),
        uniform(2, (4, 3, kh, kw), dtype),
        uniform(3, (4,), dtype),
    ]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("stride", "pad", "kernel"), CASES)
@pytest.mark.parametrize("with_bias", [True, False])
def test_forward(dtype: Any, stride: Any, pad: Any, kernel: Any, with_bias: bool) -> None:
    x, offset, w, b = _inputs(dtype, stride, pad, kernel)
    bias = b if with_bias else None
    y = F.deformable_convolution_2d_sampler(x, offset, w, bias, stride, pad)
    assert_forward(y, _reference(x, offset, w, bias, stride, pad), dtype, scale=20.0)


def test_zero_offsets_are_a_convolution() -> None:
    x, _, w, b = _inputs(numpy.float64, (2, 1), (1, 2), (2, 3))
    offset = numpy.zeros((2, 12, 3, 8))
    numpy.testing.assert_allclose(
        data(F.deformable_convolution_2d_sampler(x, offset, w, b, (2, 1), (1, 2))),
        data(F.convolution_2d(x, w, b, (2, 1), (1, 2))),
        atol=1e-12,
    )


def test_chainer_values() -> None:
    # Chainer 7.8.1 with the same float64 inputs: the first outputs and gradients of sum(y**2).
    rng = numpy.random.RandomState(0)
    x, w, b = (
        Variable(rng.randn(2, 3, 5, 6)),
        Variable(rng.randn(4, 3, 2, 3)),
        Variable(rng.randn(4)),
    )
    rng.randn(2, 12, 4, 4)  # the offsets of Chainer's first (stride 1) run
    offset = Variable(rng.randn(2, 12, 3, 8) * 1.3)
    y = F.deformable_convolution_2d_sampler(x, offset, w, b, (2, 1), (1, 2))
    numpy.testing.assert_allclose(
        data(y).ravel()[:5],
        [1.51704142, 0.32718429, -2.95798117, -2.86973438, -0.01325317],
        atol=1e-7,
    )
    F.sum(y * y).backward()
    numpy.testing.assert_allclose(
        grad_array(x).ravel()[:4],
        [47.9957374, 35.71254786, 17.76450577, 46.88260787],
        atol=1e-7,
    )
    numpy.testing.assert_allclose(
        grad_array(offset).ravel()[:4], [0.0, -0.20789162, -4.9916937, 18.40110298], atol=1e-8
    )
    numpy.testing.assert_allclose(
        grad_array(w).ravel()[:3],
        [-53.78770666, -76.80734006, -35.87511928],
        atol=1e-7,
    )


@pytest.mark.parametrize(("stride", "pad", "kernel"), CASES[:2])
def test_gradients(stride: Any, pad: Any, kernel: Any) -> None:
    inputs = _inputs(numpy.float64, stride, pad, kernel)
    check_grads(
        lambda x, o, w, b: F.deformable_convolution_2d_sampler(x, o, w, b, stride, pad), inputs
    )


X = numpy.zeros((2, 3, 5, 6))
OFFSET = numpy.zeros((2, 12, 4, 4))
W = numpy.zeros((4, 3, 2, 3))


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((X, OFFSET[:, :6], W), {}, InvalidType, r"offset.shape\[1\] == 2 \* W.shape\[2\]"),
        ((X, OFFSET, W[:, :2]), {}, InvalidType, r"Expect: x.shape\[1\] == W.shape\[1\]"),
        ((X, OFFSET[:1], W), {}, InvalidType, r"Expect: offset.shape\[0\] == x.shape\[0\]"),
        ((X, OFFSET.astype(numpy.float32), W), {}, InvalidType, r"offset.dtype == x.dtype"),
        ((X, OFFSET, W, numpy.zeros(3)), {}, InvalidType, r"Expect: b.shape\[0\] == W.shape\[0\]"),
        ((X, OFFSET, W), {"stride": 2}, ValueError, r"offset must have the output size \(2, 2\)"),
        ((X, OFFSET, W), {"pad": -1}, ValueError, "pad"),
    ],
)
def test_invalid(args: Any, kwargs: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.deformable_convolution_2d_sampler(*args, **kwargs)


@gpu
def test_gpu() -> None:
    inputs = _inputs(numpy.float64, (2, 1), (1, 2), (2, 3))
    check_on_gpu(
        lambda x, o, w, b: F.deformable_convolution_2d_sampler(x, o, w, b, (2, 1), (1, 2)),
        inputs,
        atol=1e-10,
    )
