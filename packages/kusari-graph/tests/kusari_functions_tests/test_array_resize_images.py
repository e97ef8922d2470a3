"""resize_images: Chainer's sampling rules, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
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

IMAGE = numpy.arange(12, dtype=numpy.float32).reshape(1, 1, 3, 4)


@pytest.mark.parametrize(
    ("shape", "mode", "align_corners", "expected"),
    [
        # Outputs of Chainer 7.8.1 for the same input.
        ((2, 5), "bilinear", True, [[0.0, 0.75, 1.5, 2.25, 3.0], [8.0, 8.75, 9.5, 10.25, 11.0]]),
        ((2, 5), "bilinear", False, [[1.0, 1.7, 2.5, 3.3, 4.0], [7.0, 7.7, 8.5, 9.3, 10.0]]),
        ((4, 2), "nearest", True, [[0.0, 2.0], [0.0, 2.0], [4.0, 6.0], [8.0, 10.0]]),
        ((4, 2), "nearest", False, [[0.0, 2.0], [0.0, 2.0], [4.0, 6.0], [8.0, 10.0]]),
        ((1, 1), "bilinear", True, [[0.0]]),
        ((1, 1), "bilinear", False, [[5.5]]),
        ((3, 4), "bilinear", True, IMAGE[0, 0].tolist()),
    ],
)
def test_chainer_values(
    shape: tuple[int, int], mode: Any, align_corners: bool, expected: Any
) -> None:
    y = F.resize_images(IMAGE, shape, mode=mode, align_corners=align_corners)
    numpy.testing.assert_allclose(data(y)[0, 0], expected, atol=1e-5)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("align_corners", [True, False])
def test_bilinear_forward_against_direct_sampling(dtype: Any, align_corners: bool) -> None:
    x = uniform(0, (2, 3, 4, 5), dtype)
    y = F.resize_images(x, (7, 3), align_corners=align_corners)
    assert y.dtype == x.dtype
    assert y.shape == (2, 3, 7, 3)

    def coords(n_in: int, n_out: int) -> Any:
        o = numpy.arange(n_out)
        if align_corners:
            return o * (n_in - 1) / (n_out - 1)
        return numpy.clip((o + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)

    v, u = coords(4, 7), coords(5, 3)
    xf = x.astype(numpy.float64)
    v0 = numpy.floor(v).astype(int)
    u0 = numpy.floor(u).astype(int)
    v1 = numpy.minimum(v0 + 1, 3)
    u1 = numpy.minimum(u0 + 1, 4)
    dv = (v - v0)[:, None]
    du = (u - u0)[None, :]
    expected = (
        xf[..., v0[:, None], u0[None, :]] * (1 - dv) * (1 - du)
        + xf[..., v0[:, None], u1[None, :]] * (1 - dv) * du
        + xf[..., v1[:, None], u0[None, :]] * dv * (1 - du)
        + xf[..., v1[:, None], u1[None, :]] * dv * du
    )
    atol = 2e-3 if dtype == numpy.float16 else 1e-5
    numpy.testing.assert_allclose(data(y).astype(numpy.float64), expected, atol=atol, rtol=atol)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("align_corners", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (2, 8)])
def test_gradients(mode: Any, align_corners: bool, shape: tuple[int, int]) -> None:
    check_grads(
        lambda v: F.resize_images(v, shape, mode=mode, align_corners=align_corners),
        [uniform(0, (2, 2, 3, 4), numpy.float64)],
    )


def test_gradients_float16() -> None:
    check_grads_float16(
        lambda v: F.resize_images(v, (5, 3)), [uniform(0, (1, 2, 3, 4), numpy.float16)]
    )


@pytest.mark.parametrize(
    ("x", "shape", "mode", "error", "message"),
    [
        (
            numpy.zeros((1, 3, 4)),
            (2, 2),
            "bilinear",
            InvalidType,
            r"ResizeImages \(Forward\)\n\nExpect: x.ndim == 4",
        ),
        (
            numpy.zeros((1, 1, 3, 4), int),
            (2, 2),
            "bilinear",
            InvalidType,
            r"Expect: x.dtype.kind == 'f'",
        ),
        (
            numpy.zeros((1, 1, 3, 4)),
            (2, 2),
            "cubic",
            ValueError,
            "mode must be 'bilinear' or 'nearest', got 'cubic'",
        ),
        (
            numpy.zeros((1, 1, 3, 4)),
            (0, 2),
            "bilinear",
            ValueError,
            r"output_shape must be two positive ints, got \(0, 2\)",
        ),
        (
            numpy.zeros((1, 1, 3, 4)),
            (2,),
            "bilinear",
            ValueError,
            "output_shape must be two positive ints",
        ),
        (
            numpy.zeros((1, 1, 3, 4)),
            (2.0, 2),
            "bilinear",
            TypeError,
            "each element of output_shape must be an int",
        ),
    ],
)
def test_invalid_arguments(
    x: Any, shape: Any, mode: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.resize_images(x, shape, mode=mode)


@gpu
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_gpu(mode: Any) -> None:
    check_on_gpu(
        lambda v: F.resize_images(v, (5, 7), mode=mode), [uniform(0, (2, 3, 4, 5), numpy.float32)]
    )
