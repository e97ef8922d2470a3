"""spatial_transformer_grid and spatial_transformer_sampler: references, Chainer, gradients."""

from __future__ import annotations

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
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    grad_array,
    uniform,
)


def _grid_reference(theta: Any, height: int, width: int) -> npt.NDArray[Any]:
    theta = theta.astype(numpy.float64)
    grid = numpy.zeros((len(theta), 2, height, width))
    for n in range(len(theta)):
        for i in range(height):
            for j in range(width):
                x = -1.0 + 2.0 * j / (width - 1) if width > 1 else -1.0
                y = -1.0 + 2.0 * i / (height - 1) if height > 1 else -1.0
                grid[n, :, i, j] = theta[n] @ [x, y, 1.0]
    return grid


def _sampler_reference(x: Any, grid: Any) -> npt.NDArray[Any]:
    """Bilinear interpolation with zeros outside the image, one point at a time."""
    x = x.astype(numpy.float64)
    n_images, channels, height, width = x.shape
    out_h, out_w = grid.shape[2:]
    y = numpy.zeros((n_images, channels, out_h, out_w))
    for n in range(n_images):
        for i in range(out_h):
            for j in range(out_w):
                px = (float(grid[n, 0, i, j]) + 1) * (width - 1) / 2
                py = (float(grid[n, 1, i, j]) + 1) * (height - 1) / 2
                left, top = math.floor(px), math.floor(py)
                for row in (top, top + 1):
                    for col in (left, left + 1):
                        if 0 <= row < height and 0 <= col < width:
                            weight = (1 - abs(px - col)) * (1 - abs(py - row))
                            y[n, :, i, j] += weight * x[n, :, row, col]
    return y


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(2, 3), (1, 4), (3, 1), (1, 1)])
def test_grid_forward(dtype: Any, shape: tuple[int, int]) -> None:
    theta = uniform(0, (2, 2, 3), dtype)
    assert_forward(F.spatial_transformer_grid(theta, shape), _grid_reference(theta, *shape), dtype)


def test_grid_chainer_values() -> None:
    # Output of Chainer 7.8.1 for the same input.
    theta = numpy.array([[[1, 0.2, 0.1], [-0.3, 0.9, 0.05]]], numpy.float32)
    numpy.testing.assert_allclose(
        data(F.spatial_transformer_grid(theta, (2, 3))),
        [[[[-1.1, -0.1, 0.9], [-0.7, 0.3, 1.3]], [[-0.55, -0.85, -1.15], [1.25, 0.95, 0.65]]]],
        atol=1e-6,
    )


def test_grid_gradients() -> None:
    check_grads(lambda t: F.spatial_transformer_grid(t, (3, 4)), [uniform(0, (2, 2, 3), "d")])
    check_grads_float16(
        lambda t: F.spatial_transformer_grid(t, (2, 2)), [uniform(0, (1, 2, 3), "e")]
    )


@pytest.mark.parametrize(
    ("theta", "shape", "kwargs", "error", "message"),
    [
        (numpy.zeros((1, 1, 3)), (2, 2), {}, InvalidType, r"Expect: theta.shape\[1\] == 2"),
        (numpy.zeros((1, 2, 2)), (2, 2), {}, InvalidType, r"Expect: theta.shape\[2\] == 3"),
        (numpy.zeros((2, 3)), (2, 2), {}, InvalidType, r"Expect: theta.ndim == 3"),
        (
            numpy.zeros((1, 2, 3), numpy.int32),
            (2, 2),
            {},
            InvalidType,
            r"Expect: theta.dtype.kind == 'f'",
        ),
        (numpy.zeros((1, 2, 3)), (2,), {}, TypeError, r"output_shape must be a pair"),
        (numpy.zeros((1, 2, 3)), (2, 0), {}, ValueError, r"output_shape must be positive"),
        (numpy.zeros((1, 2, 3)), (2.0, 2), {}, TypeError, r"output_shape must be an int"),
        (
            numpy.zeros((1, 2, 3)),
            (2, 2),
            {"use_cudnn": True},
            ValueError,
            r"unexpected keyword arguments: \['use_cudnn'\]",
        ),
    ],
)
def test_grid_invalid(
    theta: Any, shape: Any, kwargs: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.spatial_transformer_grid(theta, shape, **kwargs)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("in_shape", "out_shape"), [((3, 4), (2, 5)), ((1, 3), (3, 3))])
def test_sampler_forward(
    dtype: Any, in_shape: tuple[int, int], out_shape: tuple[int, int]
) -> None:
    x = uniform(0, (2, 3, *in_shape), dtype)
    grid = uniform(1, (2, 2, *out_shape), dtype, -1.6, 1.6)
    expected = _sampler_reference(x, grid)
    assert_forward(F.spatial_transformer_sampler(x, grid), expected, dtype, scale=4.0)


def test_sampler_far_outside_is_zero() -> None:
    x = uniform(0, (1, 2, 3, 3), "d")
    grid = numpy.array([[[[-5.0, 4.0, 0.0]], [[0.0, 0.0, 3.5]]]])
    numpy.testing.assert_array_equal(data(F.spatial_transformer_sampler(x, grid)), 0.0)


def test_sampler_identity_grid_reproduces_the_image() -> None:
    x = uniform(0, (2, 3, 4, 5), "d")
    identity = numpy.tile(numpy.array([[1.0, 0, 0], [0, 1, 0]]), (2, 1, 1))
    grid = F.spatial_transformer_grid(identity, (4, 5))
    numpy.testing.assert_allclose(data(F.spatial_transformer_sampler(x, grid)), x, atol=1e-14)


def test_sampler_chainer_values() -> None:
    # Outputs and gradients (of the sum) of Chainer 7.8.1 for the same float32 inputs.
    x = Variable(numpy.arange(12, dtype=numpy.float32).reshape(1, 1, 3, 4))
    grid = Variable(
        numpy.array(
            [[[[-1.5, -1, 0.3], [0.9, 1.2, -0.4]], [[0.1, -1, 0.7], [1, 0.5, 2.0]]]],
            numpy.float32,
        )
    )
    y = F.spatial_transformer_sampler(x, grid)
    numpy.testing.assert_allclose(data(y), [[[[1.1, 0.0, 8.75], [10.85, 6.3, 0.0]]]], atol=1e-5)
    F.sum(y).backward()
    numpy.testing.assert_allclose(
        grad_array(grid),
        [[[[6.6, 1.5, 1.5], [1.5, -13.5, 0.0]], [[1.0, 4.0, 4.0], [-10.85, 2.8, 0.0]]]],
        atol=1e-5,
    )
    numpy.testing.assert_allclose(
        grad_array(x),
        [
            [
                [
                    [1.0, 0.0, 0.0, 0.0],
                    [0.225, 0.015, 0.285, 0.35],
                    [0.025, 0.035, 0.815, 1.2],
                ]
            ]
        ],
        atol=1e-5,
    )


def test_sampler_grid_gradient_is_zero_on_and_past_the_clipping_bounds() -> None:
    # Chainer 7.8.1 gives zero grid gradients at all these points (H = 3, W = 4: the
    # padded image's bounds are y = -2, 2 and x = -5/3, 5/3).
    x = numpy.arange(1.0, 13.0).reshape(1, 1, 3, 4)
    points = numpy.array([[[[-2.0, -1.0, 0.5, -3.0]], [[2.0, -2.0, 2.0, 0.0]]]])
    grid = Variable(points)
    F.sum(F.spatial_transformer_sampler(x, grid)).backward()
    numpy.testing.assert_array_equal(grad_array(grid), 0.0)


def test_sampler_gradients() -> None:
    x = uniform(0, (2, 2, 3, 4), "d")
    grid = uniform(1, (2, 2, 2, 3), "d", -1.3, 1.3)
    check_grads(F.spatial_transformer_sampler, [x, grid])
    check_grads_float16(
        F.spatial_transformer_sampler, [x.astype(numpy.float16), grid.astype(numpy.float16)]
    )


def test_sampler_gradient_of_x_only() -> None:
    x = Variable(uniform(0, (1, 2, 3, 3), "d"))
    grid = uniform(1, (1, 2, 2, 2), "d", -1.3, 1.3)
    F.sum(F.spatial_transformer_sampler(x, grid)).backward()
    expected = numpy.zeros(x.shape)
    for k in numpy.ndindex(*x.shape):
        basis = numpy.zeros(x.shape)
        basis[k] = 1.0
        expected[k] = _sampler_reference(basis, grid).sum()
    numpy.testing.assert_allclose(grad_array(x), expected, atol=1e-12)


@pytest.mark.parametrize(
    ("x", "grid", "message"),
    [
        (
            numpy.zeros((1, 1, 3, 3), numpy.float32),
            numpy.zeros((1, 2, 2, 2)),
            r"Expect: grid.dtype == x.dtype",
        ),
        (numpy.zeros((1, 1, 3, 3)), numpy.zeros((1, 1, 2, 2)), r"Expect: grid.shape\[1\] == 2"),
        (numpy.zeros((1, 3, 3)), numpy.zeros((1, 2, 2, 2)), r"Expect: x.ndim == 4"),
        (numpy.zeros((2, 1, 3, 3)), numpy.zeros((1, 2, 2, 2)), r"x.shape\[0\] == grid.shape\[0\]"),
        (
            numpy.zeros((1, 1, 3, 3), numpy.int32),
            numpy.zeros((1, 2, 2, 2), numpy.int32),
            r"Expect: x.dtype.kind == 'f'",
        ),
    ],
)
def test_sampler_invalid(x: Any, grid: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.spatial_transformer_sampler(x, grid)
    with pytest.raises(ValueError, match=r"unexpected keyword arguments: \['use_cudnn'\]"):
        F.spatial_transformer_sampler(x, grid, use_cudnn=True)


@gpu
def test_gpu() -> None:
    x = uniform(0, (2, 2, 3, 4), "d")
    grid = uniform(1, (2, 2, 2, 3), "d", -1.3, 1.3)
    check_on_gpu(F.spatial_transformer_sampler, [x, grid], atol=1e-12)
    check_on_gpu(lambda t: F.spatial_transformer_grid(t, (3, 4)), [uniform(0, (2, 2, 3), "d")])
