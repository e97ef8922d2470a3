from __future__ import annotations

import itertools
from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, assert_close, check_grads, data, distinct, grad, outsize


def _default_outsize(n: int, k: int, s: int, p: int, cover_all: bool) -> int:
    return s * (n - 1) + k - 2 * p - (s - 1 if cover_all else 0)


def _unpool_reference(
    x: Any,
    ksize: tuple[int, ...],
    stride: tuple[int, ...],
    pad: tuple[int, ...],
    out: tuple[int, ...],
) -> Any:
    """Every input element added to each position of its window."""
    nd = x.ndim - 2
    y = numpy.zeros(x.shape[:2] + out)
    for i in itertools.product(*(range(v) for v in x.shape[2:])):
        for k in itertools.product(*(range(v) for v in ksize)):
            pos = [i[a] * stride[a] - pad[a] + k[a] for a in range(nd)]
            if all(0 <= pos[a] < out[a] for a in range(nd)):
                target: tuple[Any, ...] = (slice(None), slice(None), *pos)
                source: tuple[Any, ...] = (slice(None), slice(None), *i)
                y[target] += x[source]
    return y


# (size, ksize, stride, pad, cover_all, outsize)
CASES = [
    ((2, 3), (2, 2), None, (0, 0), False, None),
    ((2, 2), (2, 2), None, (0, 0), True, None),  # the default: the last window is cropped
    ((2, 2), (3, 3), (2, 2), (1, 1), False, None),  # overlapping windows add up
    ((3, 2), (2, 3), (2, 1), (0, 1), True, (6, 2)),
    ((4,), (3,), (2,), (1,), False, None),
    ((2, 2, 3), (2, 2, 2), None, (0, 0, 0), False, None),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "cover_all", "out"), CASES)
def test_unpooling_forward(
    dtype: Any,
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...] | None,
    pad: tuple[int, ...],
    cover_all: bool,
    out: tuple[int, ...] | None,
) -> None:
    x = numpy.random.default_rng(0).uniform(-1, 1, (2, 3, *size)).astype(dtype)
    st = ksize if stride is None else stride
    y = F.unpooling_nd(x, ksize, stride, pad, out, cover_all)
    expected_size = out or tuple(
        _default_outsize(n, k, s, p, cover_all)
        for n, k, s, p in zip(size, ksize, st, pad, strict=True)
    )
    expected = _unpool_reference(x.astype(numpy.float64), ksize, st, pad, expected_size)
    assert y.dtype == dtype
    assert y.shape == expected.shape
    assert_close(data(y), expected, dtype)


@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "cover_all", "out"), CASES)
def test_unpooling_grads(
    size: tuple[int, ...],
    ksize: tuple[int, ...],
    stride: tuple[int, ...] | None,
    pad: tuple[int, ...],
    cover_all: bool,
    out: tuple[int, ...] | None,
) -> None:
    x = numpy.random.default_rng(1).uniform(-1, 1, (1, 2, *size))
    check_grads(lambda x_: F.unpooling_nd(x_, ksize, stride, pad, out, cover_all), (x,))


def test_unpooling_2d_matches_chainer_example() -> None:
    x = numpy.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    assert data(F.unpooling_2d(x, 2))[0, 0].tolist() == [[1, 1, 2], [1, 1, 2], [3, 3, 4]]
    y = F.unpooling_2d(x, 3, stride=2, pad=1, cover_all=False)
    assert data(y)[0, 0].tolist() == [[1, 3, 2], [4, 10, 6], [3, 7, 4]]


def test_unpooling_errors() -> None:
    x = numpy.zeros((1, 1, 2, 2), numpy.float32)
    with pytest.raises(InvalidType, match=r"x\.shape\[2:\] == the pooled size of outsize"):
        F.unpooling_2d(x, 2, outsize=(7, 7))
    with pytest.raises(InvalidType, match=r"Unpooling2D \(Forward\)"):
        F.unpooling_2d(x, 2, outsize=(7, 7))
    with pytest.raises(InvalidType, match=r"x\.ndim == 4"):
        F.unpooling_2d(x[0], 2)
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == 'f'"):
        F.unpooling_nd(x.astype(numpy.int32), 2)
    with pytest.raises(ValueError, match=r"outsize must be an int or a sequence of 2 ints"):
        F.unpooling_2d(x, 2, outsize=(4, 4, 4))  # type: ignore[arg-type]


# -- upsampling ------------------------------------------------------------------------------

# (size, ksize, stride, pad, cover_all)
UP_CASES = [
    ((4, 6), (2, 2), None, (0, 0), True),
    ((5, 5), (3, 3), (2, 2), (1, 1), True),
    ((5, 4), (2, 3), (1, 2), (0, 1), False),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "cover_all"), UP_CASES)
def test_upsampling_inverts_max_pooling(
    dtype: Any,
    size: tuple[int, int],
    ksize: tuple[int, int],
    stride: tuple[int, int] | None,
    pad: tuple[int, int],
    cover_all: bool,
) -> None:
    x = distinct(2, (2, 3, *size), dtype)
    y, indexes = F.max_pooling_2d(x, ksize, stride, pad, cover_all, return_indices=True)
    up = F.upsampling_2d(y, indexes, ksize, stride, pad, size, cover_all)
    # The upsampling is the gradient routing of the pooling: it equals its backward.
    xv = Variable(x)
    pooled = F.max_pooling_2d(xv, ksize, stride, pad, cover_all)
    pooled.grad = data(y)
    pooled.backward()
    assert up.dtype == dtype
    numpy.testing.assert_array_equal(data(up), grad(xv))


def test_upsampling_default_outsize_and_values() -> None:
    x = numpy.arange(16.0).reshape(1, 1, 4, 4)[:, :, ::-1].copy()
    y, indexes = F.max_pooling_2d(x, 2, return_indices=True)
    up = F.upsampling_2d(y, indexes, 2)
    assert up.shape == (1, 1, 3, 3)  # cover_all: stride * (h - 1) + k - stride + 1
    assert data(up)[0, 0].tolist() == [[0, 13, 0], [0, 0, 0], [0, 5, 0]]
    assert outsize(3, 2, 2, 0, cover_all=True) == 2


@pytest.mark.parametrize(("size", "ksize", "stride", "pad", "cover_all"), UP_CASES)
def test_upsampling_grads(
    size: tuple[int, int],
    ksize: tuple[int, int],
    stride: tuple[int, int] | None,
    pad: tuple[int, int],
    cover_all: bool,
) -> None:
    x = distinct(3, (1, 2, *size))
    y, indexes = F.max_pooling_2d(x, ksize, stride, pad, cover_all, return_indices=True)
    check_grads(
        lambda v: F.upsampling_2d(v, indexes, ksize, stride, pad, size, cover_all), (data(y),)
    )


def test_upsampling_errors() -> None:
    x = numpy.zeros((1, 1, 3, 3), numpy.float32)
    indexes = numpy.zeros((1, 1, 3, 3), numpy.int64)
    with pytest.raises(InvalidType, match=r"indexes\.dtype\.kind == 'i'"):
        F.upsampling_2d(x, indexes.astype(numpy.float32), 3, 2, 1)
    with pytest.raises(InvalidType, match=r"indexes\.shape == x\.shape"):
        F.upsampling_2d(x, indexes[:, :, :2], 3, 2, 1)
    with pytest.raises(InvalidType, match=r"Upsampling2D \(Forward\)"):
        F.upsampling_2d(x, indexes, 3, 2, 1, outsize=(9, 9))


def test_unpooling_1d_and_3d_aliases() -> None:
    rng = numpy.random.default_rng(9)
    x1 = rng.uniform(-1, 1, (2, 3, 4))
    numpy.testing.assert_array_equal(
        data(F.unpooling_1d(x1, 3, 2, 1)), data(F.unpooling_nd(x1, 3, 2, 1))
    )
    x3 = rng.uniform(-1, 1, (1, 2, 2, 3, 2))
    numpy.testing.assert_array_equal(
        data(F.unpooling_3d(x3, 2, cover_all=False)), data(F.unpooling_nd(x3, 2, cover_all=False))
    )
    with pytest.raises(ValueError, match=r"should be 1\. But the actual ndim was 3\."):
        F.unpooling_1d(x3, 2)
    with pytest.raises(ValueError, match=r"should be 3\. But the actual ndim was 1\."):
        F.unpooling_3d(x1, 2)
