"""im2col: forward against a direct loop, Chainer's values, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    uniform,
)


def _out_size(size: int, k: int, s: int, p: int, d: int, cover_all: bool) -> int:
    extent = (k - 1) * d + 1
    if cover_all:
        return (size + 2 * p - extent + s - 1) // s + 1
    return (size + 2 * p - extent) // s + 1


def _reference(
    x: npt.NDArray[Any],
    k: tuple[int, int],
    s: tuple[int, int],
    p: tuple[int, int],
    d: tuple[int, int],
    cover_all: bool,
) -> npt.NDArray[Any]:
    n, c, h, w = x.shape
    oh = _out_size(h, k[0], s[0], p[0], d[0], cover_all)
    ow = _out_size(w, k[1], s[1], p[1], d[1], cover_all)
    out = numpy.zeros((n, c, k[0], k[1], oh, ow), x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            for y in range(oh):
                for z in range(ow):
                    row = y * s[0] - p[0] + i * d[0]
                    col = z * s[1] - p[1] + j * d[1]
                    if 0 <= row < h and 0 <= col < w:
                        out[:, :, i, j, y, z] = x[:, :, row, col]
    return out.reshape(n, c * k[0] * k[1], oh, ow)


CASES: list[dict[str, Any]] = [
    {"ksize": 3, "stride": 1, "pad": 1},
    {"ksize": (2, 3), "stride": (2, 1), "pad": (0, 1), "cover_all": True, "dilate": (1, 2)},
    {"ksize": 2, "stride": 2, "pad": 0, "cover_all": True},
    {"ksize": 3, "dilate": 2},
]


def _pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("options", CASES)
def test_forward(dtype: Any, options: dict[str, Any]) -> None:
    x = uniform(0, (2, 3, 5, 7), dtype)
    y = F.im2col(x, **options)
    expected = _reference(
        x,
        _pair(options["ksize"]),
        _pair(options.get("stride", 1)),
        _pair(options.get("pad", 0)),
        _pair(options.get("dilate", 1)),
        options.get("cover_all", False),
    )
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, expected)


def test_chainer_values() -> None:
    # Chainer 7.8.1 gives these for the same input.
    x = numpy.arange(18, dtype=numpy.float32).reshape(1, 2, 3, 3)
    y = F.im2col(x, 2, stride=1, pad=1)
    assert data(y)[0, :, 1, 1].tolist() == [0.0, 1.0, 3.0, 4.0, 9.0, 10.0, 12.0, 13.0]
    z = numpy.zeros((1, 1, 5, 5), numpy.float32)
    assert F.im2col(z, 2, stride=2, cover_all=True).shape == (1, 4, 3, 3)
    assert F.im2col(z, 2, stride=2).shape == (1, 4, 2, 2)


@pytest.mark.parametrize("options", CASES)
def test_gradients(options: dict[str, Any]) -> None:
    check_grads(lambda v: F.im2col(v, **options), [uniform(1, (1, 2, 5, 6), numpy.float64)])


def test_gradients_float16() -> None:
    check_grads_float16(lambda v: F.im2col(v, 2, pad=1), [uniform(1, (1, 2, 3, 3), numpy.float16)])


@pytest.mark.parametrize(
    ("x", "options", "error", "message"),
    [
        (
            numpy.zeros((2, 3, 4)),
            {"ksize": 2},
            InvalidType,
            r"Im2Col \(Forward\)\n\nExpect: x.ndim == 4",
        ),
        (
            numpy.zeros((1, 1, 4, 4), int),
            {"ksize": 2},
            InvalidType,
            r"Expect: x.dtype.kind == 'f'",
        ),
        (numpy.zeros((1, 1, 4, 4)), {"ksize": 0}, ValueError, "ksize must be >= 1"),
        (numpy.zeros((1, 1, 4, 4)), {"ksize": 2, "pad": -1}, ValueError, "pad must be >= 0"),
        (
            numpy.zeros((1, 1, 4, 4)),
            {"ksize": (1, 2, 3)},
            ValueError,
            "ksize must be an int or a sequence of 2 ints",
        ),
        (
            numpy.zeros((1, 1, 4, 4)),
            {"ksize": 2.0},
            TypeError,
            "ksize must be an int or a sequence",
        ),
        (numpy.zeros((1, 1, 2, 2)), {"ksize": 5}, ValueError, "does not fit"),
    ],
)
def test_invalid_arguments(
    x: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.im2col(x, **options)


@gpu
def test_gpu() -> None:
    check_on_gpu(
        lambda v: F.im2col(v, 3, pad=1, stride=2), [uniform(0, (2, 3, 5, 6), numpy.float32)]
    )
