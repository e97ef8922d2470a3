from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.functions import _conv_utils
from kusari.functions.connection.convolution_nd import ConvolutionND
from kusari.graph import Variable, no_backprop_mode
from kusari.graph.type_check import InvalidType

from ._conv_reference import (
    FLOATS,
    assert_close,
    check_grads,
    conv_reference,
    data,
    gpu_module,
    grad,
)


def _data(
    dtype: Any,
    n: int,
    c: int,
    size: tuple[int, ...],
    oc: int,
    ksize: tuple[int, ...],
    groups: int = 1,
    seed: int = 0,
) -> tuple[Any, Any, Any]:
    rng = numpy.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, c, *size)).astype(dtype)
    W = rng.uniform(-1, 1, (oc, c // groups, *ksize)).astype(dtype)
    b = rng.uniform(-1, 1, oc).astype(dtype)
    return x, W, b


# (stride, pad, dilate, groups, cover_all)
CONFIGS_2D = [
    ((1, 1), (0, 0), (1, 1), 1, False),
    ((1, 1), (1, 1), (1, 1), 1, False),
    ((2, 1), (1, 0), (1, 1), 1, False),
    ((2, 2), (0, 1), (1, 1), 1, True),
    ((1, 1), (2, 2), (2, 1), 1, False),
    ((1, 2), (1, 1), (1, 1), 2, False),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("stride", "pad", "dilate", "groups", "cover_all"), CONFIGS_2D)
def test_convolution_2d_forward(
    dtype: Any,
    stride: tuple[int, int],
    pad: tuple[int, int],
    dilate: tuple[int, int],
    groups: int,
    cover_all: bool,
) -> None:
    x, W, b = _data(dtype, 2, 4, (6, 5), 4, (3, 2), groups)
    y = F.convolution_2d(x, W, b, stride, pad, cover_all, dilate=dilate, groups=groups)
    expected = conv_reference(x, W, b, stride, pad, dilate, groups, cover_all)
    assert y.dtype == dtype
    assert y.shape == expected.shape
    assert_close(data(y), expected, dtype, scale=10)


def test_convolution_2d_output_is_contiguous_nchw() -> None:
    x, W, b = _data(numpy.float32, 2, 3, (5, 5), 4, (3, 3))
    y = F.convolution_2d(x, W, b, pad=1)
    assert data(y).flags.c_contiguous


def test_cover_all_adds_a_window() -> None:
    x, W, _ = _data(numpy.float64, 1, 1, (8, 8), 1, (3, 3))
    assert F.convolution_2d(x, W, stride=2).shape == (1, 1, 3, 3)
    y = F.convolution_2d(x, W, stride=2, cover_all=True)
    assert y.shape == (1, 1, 4, 4)
    expected = conv_reference(x, W, None, (2, 2), (0, 0), (1, 1), 1, cover_all=True)
    numpy.testing.assert_allclose(data(y), expected, rtol=1e-12)


@pytest.mark.parametrize(("stride", "pad", "dilate", "groups", "cover_all"), CONFIGS_2D)
def test_convolution_2d_grads(
    stride: tuple[int, int],
    pad: tuple[int, int],
    dilate: tuple[int, int],
    groups: int,
    cover_all: bool,
) -> None:
    x, W, b = _data(numpy.float64, 2, 4, (6, 5), 4, (3, 2), groups, seed=1)

    def fn(x_: Variable, W_: Variable, b_: Variable) -> Variable:
        return F.convolution_2d(x_, W_, b_, stride, pad, cover_all, dilate=dilate, groups=groups)

    check_grads(fn, (x, W, b))


def test_convolution_2d_grads_without_bias() -> None:
    x, W, _ = _data(numpy.float64, 2, 2, (4, 4), 3, (2, 2), seed=2)
    check_grads(lambda x_, W_: F.convolution_2d(x_, W_, stride=2, pad=1), (x, W))


@pytest.mark.parametrize("dtype", [numpy.float16, numpy.float32])
def test_convolution_2d_grads_low_precision(dtype: Any) -> None:
    from kusari.graph import gradient_check as gc

    x, W, b = _data(dtype, 2, 2, (4, 4), 3, (3, 3), seed=3)
    gy = numpy.random.default_rng(4).uniform(-1, 1, (2, 3, 4, 4)).astype(dtype)
    tol = gc.default_tolerance(dtype)
    gc.check_backward(
        lambda x_, W_, b_: F.convolution_2d(x_, W_, b_, pad=1),
        (x, W, b),
        gy,
        dtype=numpy.float64,
        atol=tol.atol,
        rtol=tol.rtol,
    )


def test_backward_values_against_reference() -> None:
    # The input gradient of a convolution is the reference convolution's adjoint:
    # <conv(x), gy> == <x, gx> for every x, checked on unit vectors.
    x, W, _ = _data(numpy.float64, 1, 2, (4, 3), 2, (2, 2), seed=5)
    gy = numpy.random.default_rng(6).uniform(-1, 1, (1, 2, 5, 2))
    xv, Wv = Variable(x), Variable(W)
    y = F.convolution_2d(xv, Wv, pad=(1, 0), stride=(1, 1))
    assert y.shape == gy.shape
    y.grad = gy
    y.backward()
    gx = numpy.zeros_like(x)
    for index in numpy.ndindex(*x.shape):
        e = numpy.zeros_like(x)
        e[index] = 1
        gx[index] = (conv_reference(e, W, None, (1, 1), (1, 0), (1, 1), 1) * gy).sum()
    numpy.testing.assert_allclose(grad(xv), gx, rtol=1e-12, atol=1e-12)


def test_backward_without_kept_columns() -> None:
    # Applied under no_backprop_mode the node keeps no columns; backward_arrays must
    # rebuild them from the retained input.
    x, W, _ = _data(numpy.float64, 1, 2, (4, 4), 2, (3, 3), seed=7)
    func = ConvolutionND(2, 1, 1)
    with no_backprop_mode():
        func.apply((x, W))
    assert func._col is None
    func2 = ConvolutionND(2, 1, 1)
    y = func2.apply((Variable(x), Variable(W)))[0]
    func2._col = None
    gy = numpy.ones(y.shape)
    _, gw = func2.backward_arrays((0, 1), (gy,))
    func3 = ConvolutionND(2, 1, 1)
    func3.apply((Variable(x), Variable(W)))
    _, gw_kept = func3.backward_arrays((0, 1), (gy,))
    assert gw is not None
    assert gw_kept is not None
    numpy.testing.assert_allclose(gw, gw_kept)


# -- N-d -------------------------------------------------------------------------------------

ND_CASES = [
    # (size, ksize, stride, pad, dilate, groups)
    ((7,), (3,), (1,), (1,), (1,), 1),
    ((9,), (2,), (2,), (0,), (2,), 2),
    ((4, 3, 5), (2, 2, 3), (1, 2, 1), (1, 0, 1), (1, 1, 1), 1),
    ((5, 4, 4), (3, 2, 2), (2, 1, 1), (0, 1, 0), (1, 1, 2), 2),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "dilate", "groups"), ND_CASES)
def test_convolution_nd_forward(
    dtype: Any,
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    dilate: tuple[int, ...],
    groups: int,
) -> None:
    x, W, b = _data(dtype, 2, 4, size, 2, ksize, groups, seed=8)
    y = F.convolution_nd(x, W, b, stride, pad, dilate=dilate, groups=groups)
    expected = conv_reference(x, W, b, stride, pad, dilate, groups)
    assert y.dtype == dtype
    assert_close(data(y), expected, dtype, scale=10)


@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "dilate", "groups"), ND_CASES)
def test_convolution_nd_grads(
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    dilate: tuple[int, ...],
    groups: int,
) -> None:
    x, W, b = _data(numpy.float64, 1, 2, size, 2, ksize, groups, seed=9)

    def fn(x_: Variable, W_: Variable, b_: Variable) -> Variable:
        return F.convolution_nd(x_, W_, b_, stride, pad, dilate=dilate, groups=groups)

    check_grads(fn, (x, W, b))


def test_convolution_nd_cover_all() -> None:
    x, W, _ = _data(numpy.float64, 1, 1, (8,), 1, (3,))
    y = F.convolution_nd(x, W, stride=2, cover_all=True)
    expected = conv_reference(x, W, None, (2,), (0,), (1,), 1, cover_all=True)
    assert y.shape == (1, 1, 4)
    numpy.testing.assert_allclose(data(y), expected, rtol=1e-12)
    check_grads(lambda x_, W_: F.convolution_nd(x_, W_, stride=2, cover_all=True), (x, W))


def test_dilated_convolution_2d() -> None:
    x, W, b = _data(numpy.float64, 1, 2, (7, 7), 3, (3, 3), seed=10)
    y = F.dilated_convolution_2d(x, W, b, 1, 2, dilate=2)
    expected = conv_reference(x, W, b, (1, 1), (2, 2), (2, 2), 1)
    numpy.testing.assert_allclose(data(y), expected, rtol=1e-12)
    check_grads(lambda x_, W_, b_: F.dilated_convolution_2d(x_, W_, b_, 2, 1, (2, 1)), (x, W, b))


# -- errors ----------------------------------------------------------------------------------


def test_type_errors() -> None:
    x, W, b = _data(numpy.float32, 1, 4, (5, 5), 2, (3, 3))
    with pytest.raises(InvalidType, match=r"W\.dtype == x\.dtype"):
        F.convolution_2d(x, W.astype(numpy.float64))
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == 'f'"):
        F.convolution_2d(x.astype(numpy.int32), W.astype(numpy.int32))
    with pytest.raises(InvalidType, match=r"x\.ndim == 4"):
        F.convolution_2d(x[0], W)
    with pytest.raises(InvalidType, match=r"W\.ndim == 4"):
        F.convolution_2d(x, W[0])
    with pytest.raises(InvalidType, match=r"x\.shape\[1\] == W\.shape\[1\] \* 1"):
        F.convolution_2d(x, W[:, :3])
    with pytest.raises(InvalidType, match=r"x\.shape\[1\] == W\.shape\[1\] \* 2"):
        F.convolution_2d(x, W, groups=2)
    with pytest.raises(InvalidType, match=r"W\.shape\[0\] % 3 == 0"):
        F.convolution_2d(x[:, :3], numpy.zeros((2, 1, 3, 3), numpy.float32), groups=3)
    with pytest.raises(InvalidType, match=r"b\.shape\[0\] == W\.shape\[0\]"):
        F.convolution_2d(x, W, b[:1])
    with pytest.raises(InvalidType, match=r"b\.dtype == x\.dtype"):
        F.convolution_2d(x, W, b.astype(numpy.float64))
    with pytest.raises(InvalidType, match=r"output size > 0"):
        F.convolution_2d(x[:, :, :2, :2], W)
    with pytest.raises(InvalidType, match=r"Convolution2DFunction \(Forward\)"):
        F.convolution_2d(x[0], W)
    with pytest.raises(InvalidType, match=r"ConvolutionND \(Forward\)"):
        F.convolution_nd(x[:, :, 0], W)


def test_argument_errors() -> None:
    x, W, _ = _data(numpy.float32, 1, 2, (5, 5), 2, (3, 3))
    with pytest.raises(ValueError, match=r"stride must be >= 1, got 0"):
        F.convolution_2d(x, W, stride=0)
    with pytest.raises(ValueError, match=r"pad must be >= 0, got \(1, -1\)"):
        F.convolution_2d(x, W, pad=(1, -1))
    with pytest.raises(ValueError, match=r"dilate must be an int or a sequence of 2 ints"):
        F.convolution_2d(x, W, dilate=(1, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"stride must be an int or a sequence of 2 ints, got float"
    ):
        F.convolution_2d(x, W, stride=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"pad must contain ints"):
        F.convolution_2d(x, W, pad=(1, True))
    with pytest.raises(ValueError, match=r"groups must be >= 1, got 0"):
        F.convolution_2d(x, W, groups=0)
    with pytest.raises(TypeError, match=r"groups must be an int, got float"):
        F.convolution_2d(x, W, groups=1.0)  # type: ignore[arg-type]


def test_outsize_helpers() -> None:
    assert _conv_utils.get_conv_outsize(28, 3, 1, 1) == 28
    assert _conv_utils.get_conv_outsize(7, 2, 2, 0) == 3
    assert _conv_utils.get_conv_outsize(7, 2, 2, 0, cover_all=True) == 4
    assert _conv_utils.get_conv_outsize(9, 3, 1, 0, d=2) == 5
    assert _conv_utils.get_deconv_outsize(3, 2, 2, 0) == 6
    assert _conv_utils.get_deconv_outsize(4, 3, 2, 0, cover_all=True) == 8
    assert _conv_utils.get_deconv_outsize(5, 3, 1, 0, d=2) == 9


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    x, W, b = _data(numpy.float32, 2, 4, (6, 6), 4, (3, 3), groups=2)
    gy = numpy.random.default_rng(1).uniform(-1, 1, (2, 4, 3, 3)).astype(numpy.float32)
    cpu = [Variable(a) for a in (x, W, b)]
    gpu = [Variable(cupy.asarray(a)) for a in (x, W, b)]
    y_cpu = F.convolution_2d(cpu[0], cpu[1], cpu[2], stride=2, pad=1, groups=2)
    y_gpu = F.convolution_2d(gpu[0], gpu[1], gpu[2], stride=2, pad=1, groups=2)
    y_cpu.grad = gy
    y_gpu.grad = cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    numpy.testing.assert_allclose(cupy.asnumpy(data(y_gpu)), data(y_cpu), rtol=1e-4, atol=1e-5)
    for c, g in zip(cpu, gpu, strict=True):
        numpy.testing.assert_allclose(cupy.asnumpy(grad(g)), grad(c), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    ("size", "ksize", "pad", "dilate", "groups"),
    [
        ((9,), (3,), (1,), (2,), 1),
        ((6, 5), (3, 3), (1, 1), (1, 1), 1),
        ((6, 5), (3, 2), (2, 0), (2, 1), 2),
        ((4, 3, 5), (2, 2, 3), (1, 0, 1), (1, 2, 1), 1),
    ],
)
def test_stride_one_input_gradient_paths_agree(
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    pad: tuple[int, ...],
    dilate: tuple[int, ...],
    groups: int,
) -> None:
    # conv_grad_x takes a contiguous-runs col2im for stride 1 when the filter is large
    # relative to the output channels; both layouts must give the reference gradient.
    from kusari.functions.connection import _conv_arrays

    rng = numpy.random.default_rng(11)
    nd = len(size)
    W = rng.uniform(-1, 1, (2 * groups, 3, *ksize))
    out = tuple(
        n + 2 * p - (k - 1) * d for n, k, p, d in zip(size, ksize, pad, dilate, strict=True)
    )
    gy = rng.uniform(-1, 1, (2, 2 * groups, *out))
    flat = _conv_arrays._grad_x_flat(gy, W, size, pad, dilate, groups)
    gcol = _conv_arrays._gemm_transposed(W, gy.reshape(2, 2 * groups, -1), groups)
    gcol = gcol.reshape((2, 3 * groups, *ksize, *out))
    loop = _conv_utils.col2im(gcol, (1,) * nd, pad, size, dilate)
    numpy.testing.assert_allclose(flat, loop, rtol=1e-12, atol=1e-12)
    assert flat.flags.c_contiguous
    x = rng.uniform(-1, 1, (2, 3 * groups, *size))
    # <conv(x), gy> == <x, gx>: the flat path is the adjoint of the forward convolution.
    y = conv_reference(x, W, None, (1,) * nd, pad, dilate, groups)
    numpy.testing.assert_allclose((y * gy).sum(), (x * flat).sum(), rtol=1e-10)


def test_convolution_1d_and_3d_aliases() -> None:
    rng = numpy.random.default_rng(12)
    x1, w1 = rng.uniform(-1, 1, (2, 3, 7)), rng.uniform(-1, 1, (4, 3, 3))
    numpy.testing.assert_array_equal(
        data(F.convolution_1d(x1, w1, stride=2, pad=1)),
        data(F.convolution_nd(x1, w1, stride=2, pad=1)),
    )
    x3, w3 = rng.uniform(-1, 1, (1, 2, 3, 4, 3)), rng.uniform(-1, 1, (2, 2, 2, 2, 2))
    numpy.testing.assert_array_equal(
        data(F.convolution_3d(x3, w3, pad=1)), data(F.convolution_nd(x3, w3, pad=1))
    )
    with pytest.raises(ValueError, match=r"should be 1\. But the actual ndim was 3\."):
        F.convolution_1d(x3, w3)
    with pytest.raises(ValueError, match=r"should be 3\. But the actual ndim was 1\."):
        F.convolution_3d(x1, w1)
