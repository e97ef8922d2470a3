"""shift: against a per-channel loop, Chainer's channel layout, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_on_gpu,
    data,
    gpu,
    uniform,
)


def _offsets(channels: int, ksize: int, dilate: int) -> list[tuple[int, int]]:
    """The (dy, dx) of each channel: groups in kernel order, the centre swapped to the end."""
    positions = list(range(ksize * ksize))
    centre = len(positions) // 2
    positions[centre], positions[-1] = positions[-1], positions[centre]
    size = channels // (ksize * ksize)
    r = ksize // 2
    offsets = []
    for c in range(channels):
        g = c // size if size else len(positions)
        ky, kx = divmod(positions[g], ksize) if g < len(positions) else (r, r)
        offsets.append(((ky - r) * dilate, (kx - r) * dilate))
    return offsets


def _reference(x: Any, ksize: int, dilate: int) -> npt.NDArray[Any]:
    _, channels, height, width = x.shape
    y = numpy.zeros(x.shape)
    for c, (dy, dx) in enumerate(_offsets(channels, ksize, dilate)):
        for i in range(height):
            for j in range(width):
                if 0 <= i - dy < height and 0 <= j - dx < width:
                    y[:, c, i, j] = x[:, c, i - dy, j - dx]
    return y


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(
    ("channels", "ksize", "dilate"), [(9, 3, 1), (20, 3, 1), (13, 3, 2), (27, 5, 1), (1, 1, 1)]
)
def test_forward(dtype: Any, channels: int, ksize: int, dilate: int) -> None:
    x = uniform(0, (2, channels, 4, 5), dtype)
    assert_forward(F.shift(x, ksize, dilate), _reference(x, ksize, dilate), dtype)


def test_chainer_layout() -> None:
    # Where Chainer 7.8.1 moves a centre pixel in each of 20 channels (ksize 3), as offsets.
    x = numpy.zeros((1, 20, 9, 9))
    x[:, :, 4, 4] = 1.0
    y = data(F.shift(x))
    moved = [tuple((numpy.argwhere(y[0, c])[0] - 4).tolist()) for c in range(20)]
    assert moved == [
        *[(-1, -1)] * 2,
        *[(-1, 0)] * 2,
        *[(-1, 1)] * 2,
        *[(0, -1)] * 2,
        *[(1, 1)] * 2,
        *[(0, 1)] * 2,
        *[(1, -1)] * 2,
        *[(1, 0)] * 2,
        *[(0, 0)] * 4,
    ]


def test_large_dilation_empties_the_shifted_groups() -> None:
    x = numpy.ones((1, 9, 5, 5))
    y = data(F.shift(x, 3, 10))
    numpy.testing.assert_array_equal(y[0, :8], 0.0)
    numpy.testing.assert_array_equal(y[0, 8], 1.0)


@pytest.mark.parametrize(("channels", "ksize", "dilate"), [(11, 3, 1), (9, 3, 2)])
def test_gradients(channels: int, ksize: int, dilate: int) -> None:
    check_grads(lambda x: F.shift(x, ksize, dilate), [uniform(0, (2, channels, 4, 4), "d")])


@pytest.mark.parametrize(
    ("x", "kwargs", "error", "message"),
    [
        (numpy.zeros((1, 9, 3, 3)), {"ksize": 2}, ValueError, "ksize must be a positive odd int"),
        (numpy.zeros((1, 9, 3, 3)), {"dilate": 0}, ValueError, "dilate must be positive, got 0"),
        (numpy.zeros((1, 9, 3, 3)), {"ksize": 3.0}, TypeError, "ksize must be an int"),
        (numpy.zeros((9, 3, 3)), {}, InvalidType, r"Expect: x.ndim == 4"),
        (numpy.zeros((1, 5, 3, 3)), {}, InvalidType, r"Expect: x.shape\[1\] >= 9"),
        (numpy.zeros((1, 9, 3, 3), numpy.int32), {}, InvalidType, r"x.dtype.kind == 'f'"),
    ],
)
def test_invalid(x: Any, kwargs: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.shift(x, **kwargs)


@gpu
def test_gpu() -> None:
    check_on_gpu(lambda x: F.shift(x, 3, 2), [uniform(0, (2, 11, 4, 4), "d")], atol=1e-12)
