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
    data,
    gpu_module,
    grad,
    pool_reference,
)

# (size, ksize, stride, pad)
CASES_2D = [
    ((4, 6), (2, 2), None, (0, 0)),
    ((5, 7), (2, 3), None, (0, 0)),  # a remainder that no window covers
    ((6, 5), (3, 3), (2, 2), (1, 1)),
    ((5, 5), (3, 2), (1, 2), (1, 0)),
]


def _stride(ksize: tuple[int, ...], stride: tuple[int, ...] | None) -> tuple[int, ...]:
    return ksize if stride is None else stride


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("size", "ksize", "stride", "pad"), CASES_2D)
def test_average_pooling_2d_forward(
    dtype: Any,
    size: tuple[int, int],
    ksize: tuple[int, int],
    stride: tuple[int, int] | None,
    pad: tuple[int, int],
) -> None:
    x = numpy.random.default_rng(0).uniform(-1, 1, (2, 3, *size)).astype(dtype)
    y = F.average_pooling_2d(x, ksize, stride, pad)
    expected, _ = pool_reference(x, ksize, _stride(ksize, stride), pad, False, "avg")
    assert y.dtype == dtype
    assert y.shape == expected.shape
    assert_close(data(y), expected, dtype)


def test_padding_counts_as_zero() -> None:
    x = numpy.ones((1, 1, 3, 3), numpy.float32)
    y = F.average_pooling_2d(x, 2, stride=2, pad=1)
    numpy.testing.assert_allclose(data(y), [[[[0.25, 0.5], [0.5, 1.0]]]])


@pytest.mark.parametrize(("size", "ksize", "stride", "pad"), CASES_2D)
def test_average_pooling_2d_grads(
    size: tuple[int, int],
    ksize: tuple[int, int],
    stride: tuple[int, int] | None,
    pad: tuple[int, int],
) -> None:
    x = numpy.random.default_rng(1).uniform(-1, 1, (2, 2, *size))
    check_grads(lambda x_: F.average_pooling_2d(x_, ksize, stride, pad), (x,))


# (size, ksize, stride, pad, pad_value)
CASES_ND = [
    ((7,), (3,), (2,), (1,), 0),
    ((7,), (3,), (2,), (1,), None),
    ((6,), (2,), None, (0,), 0),
    ((4, 5, 3), (3, 2, 2), (2, 1, 2), (1, 0, 1), None),
    ((4, 5, 3), (3, 2, 2), (2, 1, 2), (1, 0, 1), 2.5),
    ((4, 3, 4), (2, 2, 2), None, (0, 0, 0), 0),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "pad_value"), CASES_ND)
def test_average_pooling_nd_forward(
    dtype: Any,
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...] | None,
    pad: tuple[int, ...],
    pad_value: float | None,
) -> None:
    x = numpy.random.default_rng(2).uniform(-1, 1, (2, 2, *size)).astype(dtype)
    y = F.average_pooling_nd(x, ksize, stride, pad, pad_value)
    expected, _ = pool_reference(x, ksize, _stride(ksize, stride), pad, False, "avg", pad_value)
    assert y.dtype == dtype
    assert_close(data(y), expected, dtype)


@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "pad_value"), CASES_ND)
def test_average_pooling_nd_grads(
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...] | None,
    pad: tuple[int, ...],
    pad_value: float | None,
) -> None:
    x = numpy.random.default_rng(3).uniform(-1, 1, (1, 2, *size))
    check_grads(lambda x_: F.average_pooling_nd(x_, ksize, stride, pad, pad_value), (x,))


def test_excluded_padding_divides_by_the_covered_count() -> None:
    x = Variable(numpy.ones((1, 1, 3)))
    y = F.average_pooling_nd(x, 2, pad=1, pad_value=None)
    numpy.testing.assert_allclose(data(y), [[[1.0, 1.0]]])
    y.grad = numpy.array([[[1.0, 1.0]]])
    y.backward()
    numpy.testing.assert_allclose(grad(x), [[[1.0, 0.5, 0.5]]])


def test_float16_backward() -> None:
    x = Variable(numpy.ones((1, 1, 4, 4), numpy.float16))
    y = F.average_pooling_2d(x, 2)
    y.grad = numpy.ones(y.shape, numpy.float16)
    y.backward()
    assert x.grad is not None
    assert grad(x).dtype == numpy.float16
    numpy.testing.assert_array_equal(grad(x), numpy.full((1, 1, 4, 4), 0.25))


def test_errors() -> None:
    x = numpy.zeros((1, 1, 4, 4), numpy.float32)
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == 'f'"):
        F.average_pooling_2d(x.astype(numpy.int64), 2)
    with pytest.raises(InvalidType, match=r"AveragePooling2D \(Forward\)"):
        F.average_pooling_2d(x, 5)
    with pytest.raises(InvalidType, match=r"AveragePoolingND \(Forward\)"):
        F.average_pooling_nd(x, 5, pad_value=None)
    with pytest.raises(ValueError, match=r"under channel dimension of the input 'x' should be 2"):
        F.average_pooling_2d(x[0], 2)
    with pytest.raises(TypeError, match=r"pad_value must be a number or None, got str"):
        F.average_pooling_nd(x, 2, pad_value="0")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"stride must be >= 1"):
        F.average_pooling_nd(x, 2, stride=(1, 0))


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    x = numpy.random.default_rng(5).uniform(-1, 1, (2, 3, 6, 5)).astype(numpy.float32)
    cpu, gpu = Variable(x), Variable(cupy.asarray(x))
    y_cpu = F.average_pooling_nd(cpu, 3, 2, 1, pad_value=None)
    y_gpu = F.average_pooling_nd(gpu, 3, 2, 1, pad_value=None)
    gy = numpy.random.default_rng(0).uniform(-1, 1, y_cpu.shape).astype(numpy.float32)
    y_cpu.grad = gy
    y_gpu.grad = cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    numpy.testing.assert_allclose(cupy.asnumpy(data(y_gpu)), data(y_cpu), rtol=1e-6)
    numpy.testing.assert_allclose(cupy.asnumpy(grad(gpu)), grad(cpu), rtol=1e-6)


def test_average_pooling_1d_and_3d_aliases() -> None:
    rng = numpy.random.default_rng(8)
    x1 = rng.uniform(-1, 1, (2, 3, 7))
    numpy.testing.assert_array_equal(
        data(F.average_pooling_1d(x1, 3, 2, 1, None)),
        data(F.average_pooling_nd(x1, 3, 2, 1, None)),
    )
    x3 = rng.uniform(-1, 1, (1, 2, 4, 3, 5))
    numpy.testing.assert_array_equal(
        data(F.average_pooling_3d(x3, 2)), data(F.average_pooling_nd(x3, 2))
    )
    with pytest.raises(ValueError, match=r"should be 1\. But the actual ndim was 3\."):
        F.average_pooling_1d(x3, 2)
    with pytest.raises(ValueError, match=r"should be 3\. But the actual ndim was 1\."):
        F.average_pooling_3d(x1, 2)
