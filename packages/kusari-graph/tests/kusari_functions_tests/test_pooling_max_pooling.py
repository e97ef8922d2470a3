from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, check_grads, data, distinct, gpu_module, grad, pool_reference

# (size, ksize, stride, pad, cover_all)
CASES_2D = [
    ((4, 6), (2, 2), None, (0, 0), True),  # exact tiling, the CNN case
    ((5, 7), (2, 2), None, (0, 0), True),  # cover_all adds a ragged last window
    ((5, 7), (2, 2), None, (0, 0), False),
    ((6, 5), (3, 3), (2, 2), (1, 1), True),  # overlapping, padded
    ((6, 5), (3, 2), (1, 2), (1, 0), False),
]


def _stride(ksize: tuple[int, ...], stride: tuple[int, ...] | None) -> tuple[int, ...]:
    return ksize if stride is None else stride


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "cover_all"), CASES_2D)
def test_max_pooling_2d_forward(
    dtype: Any,
    size: tuple[int, int],
    ksize: tuple[int, int],
    stride: tuple[int, int] | None,
    pad: tuple[int, int],
    cover_all: bool,
) -> None:
    x = distinct(0, (2, 3, *size), dtype)
    y, indexes = F.max_pooling_2d(x, ksize, stride, pad, cover_all, return_indices=True)
    expected, expected_indexes = pool_reference(
        x, ksize, _stride(ksize, stride), pad, cover_all, "max"
    )
    assert y.dtype == dtype
    assert y.shape == expected.shape
    numpy.testing.assert_array_equal(data(y), expected.astype(dtype))
    assert indexes.dtype == numpy.int64
    numpy.testing.assert_array_equal(indexes, expected_indexes)


@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "cover_all"), CASES_2D)
def test_max_pooling_2d_grads(
    size: tuple[int, int],
    ksize: tuple[int, int],
    stride: tuple[int, int] | None,
    pad: tuple[int, int],
    cover_all: bool,
) -> None:
    x = distinct(1, (2, 2, *size))
    check_grads(lambda x_: F.max_pooling_2d(x_, ksize, stride, pad, cover_all), (x,))


def test_backward_goes_to_the_first_maximum() -> None:
    x = Variable(numpy.array([[[[1.0, 3.0], [3.0, 0.0]]]]))
    y = F.max_pooling_2d(x, 2)
    y.grad = numpy.array([[[[5.0]]]])
    y.backward()
    numpy.testing.assert_array_equal(grad(x), [[[[0.0, 5.0], [0.0, 0.0]]]])


def test_overlapping_windows_accumulate() -> None:
    x = Variable(numpy.array([[[0.0, 9.0, 1.0, 2.0]]]))
    y = F.max_pooling_nd(x, 2, stride=1, cover_all=False)
    numpy.testing.assert_array_equal(data(y), [[[9.0, 9.0, 2.0]]])
    y.grad = numpy.array([[[1.0, 10.0, 100.0]]])
    y.backward()
    numpy.testing.assert_array_equal(grad(x), [[[0.0, 11.0, 0.0, 100.0]]])


def test_padding_is_minus_infinity() -> None:
    x = numpy.full((1, 1, 2, 2), -5.0, numpy.float32)
    y = F.max_pooling_2d(x, 3, stride=1, pad=1, cover_all=False)
    numpy.testing.assert_array_equal(data(y), numpy.full((1, 1, 2, 2), -5.0))


def test_float16_backward() -> None:
    x = distinct(2, (1, 2, 4, 4), numpy.float16)
    xv = Variable(x)
    y = F.max_pooling_2d(xv, 2)
    y.grad = numpy.ones(y.shape, numpy.float16)
    y.backward()
    assert xv.grad is not None
    assert grad(xv).dtype == numpy.float16
    _, index = pool_reference(x, (2, 2), (2, 2), (0, 0), True, "max")
    assert grad(xv).sum() == y.size
    windows = grad(xv).reshape(1, 2, 2, 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(1, 2, 2, 2, 4)
    numpy.testing.assert_array_equal(windows.argmax(-1), index)


# (size, ksize, stride, pad, cover_all)
CASES_ND = [
    ((7,), (3,), (2,), (1,), True),
    ((6,), (2,), None, (0,), False),
    ((4, 3, 5), (2, 2, 2), None, (0, 0, 0), True),
    ((4, 5, 3), (3, 2, 2), (2, 1, 2), (1, 0, 1), False),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "cover_all"), CASES_ND)
def test_max_pooling_nd_forward(
    dtype: Any,
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...] | None,
    pad: tuple[int, ...],
    cover_all: bool,
) -> None:
    x = distinct(3, (2, 2, *size), dtype)
    y, indexes = F.max_pooling_nd(x, ksize, stride, pad, cover_all, return_indices=True)
    expected, expected_indexes = pool_reference(
        x, ksize, _stride(ksize, stride), pad, cover_all, "max"
    )
    numpy.testing.assert_array_equal(data(y), expected.astype(dtype))
    numpy.testing.assert_array_equal(indexes, expected_indexes)


@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "cover_all"), CASES_ND)
def test_max_pooling_nd_grads(
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...] | None,
    pad: tuple[int, ...],
    cover_all: bool,
) -> None:
    x = distinct(4, (1, 2, *size))
    check_grads(lambda x_: F.max_pooling_nd(x_, ksize, stride, pad, cover_all), (x,))


def test_type_errors() -> None:
    x = numpy.zeros((1, 1, 4, 4), numpy.float32)
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == 'f'"):
        F.max_pooling_2d(x.astype(numpy.int32), 2)
    with pytest.raises(InvalidType, match=r"MaxPoolingND \(Forward\)"):
        F.max_pooling_2d(x.astype(numpy.int32), 2)
    with pytest.raises(InvalidType, match=r"output size > 0"):
        F.max_pooling_2d(x, 5, cover_all=False)


def test_argument_errors() -> None:
    x = numpy.zeros((1, 1, 4, 4), numpy.float32)
    with pytest.raises(ValueError, match=r"under channel dimension of the input 'x' should be 2"):
        F.max_pooling_2d(x[0], 2)
    with pytest.raises(ValueError, match=r"ksize must be >= 1, got 0"):
        F.max_pooling_2d(x, 0)
    with pytest.raises(ValueError, match=r"pad must be >= 0, got -1"):
        F.max_pooling_2d(x, 2, pad=-1)
    with pytest.raises(TypeError, match=r"stride must be an int or a sequence of 2 ints"):
        F.max_pooling_2d(x, 2, stride="2")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=r"ksize must be an int or a sequence of 3 ints"):
        F.max_pooling_nd(numpy.zeros((1, 1, 2, 2, 2), numpy.float32), (2, 2))


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    x = distinct(5, (2, 3, 6, 5), numpy.float32)
    cpu, gpu = Variable(x), Variable(cupy.asarray(x))
    y_cpu = F.max_pooling_2d(cpu, 3, 2, 1)
    y_gpu = F.max_pooling_2d(gpu, 3, 2, 1)
    gy = numpy.random.default_rng(0).uniform(-1, 1, y_cpu.shape).astype(numpy.float32)
    y_cpu.grad = gy
    y_gpu.grad = cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    numpy.testing.assert_array_equal(cupy.asnumpy(data(y_gpu)), data(y_cpu))
    numpy.testing.assert_allclose(cupy.asnumpy(grad(gpu)), grad(cpu), rtol=1e-6)


def test_max_pooling_1d_and_3d_aliases() -> None:
    x1 = distinct(6, (2, 3, 7))
    y, indexes = F.max_pooling_1d(x1, 3, 2, 1, return_indices=True)
    y_nd, indexes_nd = F.max_pooling_nd(x1, 3, 2, 1, return_indices=True)
    numpy.testing.assert_array_equal(data(y), data(y_nd))
    numpy.testing.assert_array_equal(indexes, indexes_nd)
    x3 = distinct(7, (1, 2, 4, 3, 5))
    numpy.testing.assert_array_equal(data(F.max_pooling_3d(x3, 2)), data(F.max_pooling_nd(x3, 2)))
    with pytest.raises(ValueError, match=r"should be 1\. But the actual ndim was 3\."):
        F.max_pooling_1d(x3, 2)
    with pytest.raises(ValueError, match=r"should be 3\. But the actual ndim was 1\."):
        F.max_pooling_3d(x1, 2)
