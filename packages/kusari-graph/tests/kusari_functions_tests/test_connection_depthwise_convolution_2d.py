from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, assert_close, check_grads, data


def _reference(x: Any, W: Any, b: Any, stride: int, pad: int) -> Any:
    """Each channel convolved with each of its multiplier filters, channel-major order."""
    n, c, h, w = x.shape
    multiplier, _, kh, kw = W.shape
    xp = numpy.pad(x.astype(numpy.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (w + 2 * pad - kw) // stride + 1
    y = numpy.zeros((n, c * multiplier, oh, ow))
    for ch in range(c):
        for m in range(multiplier):
            for i in range(oh):
                for j in range(ow):
                    window = xp[:, ch, i * stride : i * stride + kh, j * stride : j * stride + kw]
                    y[:, ch * multiplier + m, i, j] = (window * W[m, ch]).sum(axis=(1, 2))
    if b is not None:
        y += b.astype(numpy.float64).reshape(1, -1, 1, 1)
    return y


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("stride", "pad", "with_bias"), [(1, 0, True), (2, 1, False)])
def test_forward(dtype: Any, stride: int, pad: int, with_bias: bool) -> None:
    rng = numpy.random.default_rng(0)
    x = rng.uniform(-1, 1, (2, 3, 5, 4)).astype(dtype)
    W = rng.uniform(-1, 1, (2, 3, 3, 2)).astype(dtype)
    b = rng.uniform(-1, 1, 6).astype(dtype) if with_bias else None
    y = F.depthwise_convolution_2d(x, W, b, stride, pad)
    expected = _reference(x, W, b, stride, pad)
    assert y.dtype == dtype
    assert y.shape == expected.shape
    assert_close(data(y), expected, dtype, scale=10)


def test_grads() -> None:
    rng = numpy.random.default_rng(1)
    x = rng.uniform(-1, 1, (2, 2, 4, 4))
    W = rng.uniform(-1, 1, (3, 2, 2, 2))
    b = rng.uniform(-1, 1, 6)
    check_grads(lambda x_, W_, b_: F.depthwise_convolution_2d(x_, W_, b_, 2, 1), (x, W, b))


def test_errors() -> None:
    x = numpy.zeros((1, 3, 4, 4), numpy.float32)
    with pytest.raises(InvalidType, match=r"W\.ndim == 4"):
        F.depthwise_convolution_2d(x, numpy.zeros((2, 3, 3), numpy.float32))
    with pytest.raises(InvalidType, match=r"x\.shape\[1\] == W\.shape\[1\] \* 2"):
        F.depthwise_convolution_2d(x, numpy.zeros((2, 2, 3, 3), numpy.float32))
