from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._conv_reference import (
    FLOATS,
    assert_close,
    check_grads,
    conv_reference,
    data,
    deconv_reference,
    gpu_module,
    grad,
)


def _data(
    dtype: Any,
    c: int,
    size: tuple[int, ...],
    oc: int,
    ksize: tuple[int, ...],
    groups: int = 1,
    seed: int = 0,
) -> tuple[Any, Any, Any]:
    rng = numpy.random.default_rng(seed)
    x = rng.uniform(-1, 1, (2, c, *size)).astype(dtype)
    W = rng.uniform(-1, 1, (c, oc // groups, *ksize)).astype(dtype)
    b = rng.uniform(-1, 1, oc).astype(dtype)
    return x, W, b


def _default_outsize(
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    dilate: tuple[int, ...],
) -> tuple[int, ...]:
    return tuple(
        s * (n - 1) + (k - 1) * d + 1 - 2 * p
        for n, k, s, p, d in zip(size, ksize, stride, pad, dilate, strict=True)
    )


# (size, ksize, stride, pad, dilate, groups, outsize)
CASES = [
    ((3, 4), (3, 3), (1, 1), (0, 0), (1, 1), 1, None),
    ((3, 3), (3, 2), (2, 1), (1, 0), (1, 1), 1, None),
    ((3, 3), (3, 3), (2, 2), (1, 1), (1, 1), 1, (6, 6)),  # the cover_all size
    ((4, 3), (2, 2), (1, 2), (0, 1), (2, 1), 2, None),
    ((5,), (3,), (2,), (1,), (1,), 1, None),
    ((3, 2, 3), (2, 2, 2), (2, 1, 1), (0, 0, 1), (1, 1, 1), 2, None),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "dilate", "groups", "outsize"), CASES)
def test_forward(
    dtype: Any,
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    dilate: tuple[int, ...],
    groups: int,
    outsize: tuple[int, ...] | None,
) -> None:
    x, W, b = _data(dtype, 4, size, 4, ksize, groups)
    y = F.deconvolution_nd(x, W, b, stride, pad, outsize, dilate=dilate, groups=groups)
    expected_size = outsize or _default_outsize(size, ksize, stride, pad, dilate)
    expected = deconv_reference(x, W, b, stride, pad, dilate, groups, expected_size)
    assert y.dtype == dtype
    assert y.shape == expected.shape
    assert_close(data(y), expected, dtype, scale=10)


@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "dilate", "groups", "outsize"), CASES)
def test_grads(
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    dilate: tuple[int, ...],
    groups: int,
    outsize: tuple[int, ...] | None,
) -> None:
    x, W, b = _data(numpy.float64, 2, size, 2, ksize, groups, seed=1)

    def fn(x_: Variable, W_: Variable, b_: Variable) -> Variable:
        return F.deconvolution_nd(x_, W_, b_, stride, pad, outsize, dilate=dilate, groups=groups)

    check_grads(fn, (x, W, b))


def test_deconvolution_2d_is_the_adjoint_of_convolution_2d() -> None:
    # <conv(x, W), y> == <x, deconv(y, W)> for the same stride and padding.
    rng = numpy.random.default_rng(2)
    x = rng.uniform(-1, 1, (1, 3, 7, 6))
    W = rng.uniform(-1, 1, (2, 3, 3, 2))
    conv = conv_reference(x, W, None, (2, 1), (1, 1), (1, 1), 1)
    y = rng.uniform(-1, 1, conv.shape)
    deconv = F.deconvolution_2d(y, W, stride=(2, 1), pad=1, outsize=(7, 6))
    assert deconv.shape == x.shape
    numpy.testing.assert_allclose((conv * y).sum(), (x * data(deconv)).sum(), rtol=1e-12)


def test_deconvolution_2d_grads_without_bias() -> None:
    x, W, _ = _data(numpy.float64, 2, (3, 3), 3, (2, 2), seed=3)
    check_grads(lambda x_, W_: F.deconvolution_2d(x_, W_, stride=2), (x, W))


def test_type_errors() -> None:
    x, W, b = _data(numpy.float32, 4, (3, 3), 2, (3, 3))
    with pytest.raises(InvalidType, match=r"x\.shape\[1\] == W\.shape\[0\]"):
        F.deconvolution_2d(x, W[:3])
    with pytest.raises(InvalidType, match=r"b\.shape\[0\] == W\.shape\[1\] \* 1"):
        F.deconvolution_2d(x, W, b[:1])
    with pytest.raises(InvalidType, match=r"W\.dtype == x\.dtype"):
        F.deconvolution_2d(x, W.astype(numpy.float64))
    with pytest.raises(InvalidType, match=r"x\.ndim == 4"):
        F.deconvolution_2d(x[0], W)
    with pytest.raises(InvalidType, match=r"Deconvolution2DFunction \(Forward\)"):
        F.deconvolution_2d(x[0], W)
    with pytest.raises(InvalidType, match=r"(?s)conv_outsize\(outsize\) <= x\.shape\[2:\].*"):
        F.deconvolution_2d(x, W, stride=2, outsize=(9, 9))
    with pytest.raises(InvalidType, match=r"output size > 0"):
        F.deconvolution_2d(x, W, pad=3)


def test_argument_errors() -> None:
    x, W, _ = _data(numpy.float32, 4, (3, 3), 2, (3, 3))
    with pytest.raises(ValueError, match=r"outsize must be an int or a sequence of 2 ints"):
        F.deconvolution_2d(x, W, outsize=(5, 5, 5))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"stride must be >= 1"):
        F.deconvolution_2d(x, W, stride=0)


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    x, W, b = _data(numpy.float32, 4, (3, 3), 4, (3, 3), groups=2)
    cpu = [Variable(a) for a in (x, W, b)]
    gpu = [Variable(cupy.asarray(a)) for a in (x, W, b)]
    y_cpu = F.deconvolution_2d(cpu[0], cpu[1], cpu[2], stride=2, pad=1, groups=2)
    y_gpu = F.deconvolution_2d(gpu[0], gpu[1], gpu[2], stride=2, pad=1, groups=2)
    gy = numpy.random.default_rng(1).uniform(-1, 1, y_cpu.shape).astype(numpy.float32)
    y_cpu.grad = gy
    y_gpu.grad = cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    numpy.testing.assert_allclose(cupy.asnumpy(data(y_gpu)), data(y_cpu), rtol=1e-4, atol=1e-5)
    for c, g in zip(cpu, gpu, strict=True):
        numpy.testing.assert_allclose(cupy.asnumpy(grad(g)), grad(c), rtol=1e-4, atol=1e-5)


def test_deconvolution_1d_and_3d_aliases() -> None:
    rng = numpy.random.default_rng(13)
    x1, w1 = rng.uniform(-1, 1, (2, 3, 4)), rng.uniform(-1, 1, (3, 2, 3))
    numpy.testing.assert_array_equal(
        data(F.deconvolution_1d(x1, w1, stride=2)), data(F.deconvolution_nd(x1, w1, stride=2))
    )
    x3, w3 = rng.uniform(-1, 1, (1, 2, 2, 3, 2)), rng.uniform(-1, 1, (2, 2, 2, 2, 2))
    numpy.testing.assert_array_equal(
        data(F.deconvolution_3d(x3, w3)), data(F.deconvolution_nd(x3, w3))
    )
    with pytest.raises(ValueError, match=r"should be 1\. But the actual ndim was 3\."):
        F.deconvolution_1d(x3, w3)
    with pytest.raises(ValueError, match=r"should be 3\. But the actual ndim was 1\."):
        F.deconvolution_3d(x1, w1)
