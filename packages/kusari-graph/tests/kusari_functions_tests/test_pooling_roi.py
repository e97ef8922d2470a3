from __future__ import annotations

import math
from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, assert_close, check_grads, data, distinct, grad


def _reference(
    x: Any,
    boxes: Any,
    batch: Any,
    outsize: tuple[int, int],
    scale: float,
    mode: str,
    inclusive: bool,
    empty: float,
) -> tuple[Any, Any]:
    """Bin by bin: the max (first in row-major order) or the mean, and the argmax cells."""
    outh, outw = outsize
    n_roi, (channels, height, width) = len(boxes), x.shape[1:]
    y = numpy.zeros((n_roi, channels, outh, outw))
    cells: list[tuple[int, int, int, int, int]] = []
    for r in range(n_roi):
        y0, x0, y1, x1 = (int(v) for v in numpy.round(boxes[r].astype(numpy.float64) * scale))
        rows = max(y1 - y0 + (1 if inclusive else 0), 1)
        cols = max(x1 - x0 + (1 if inclusive else 0), 1)
        for ph in range(outh):
            hs = min(max(math.floor(ph * (rows / outh)) + y0, 0), height)
            he = min(max(math.ceil((ph + 1) * (rows / outh)) + y0, 0), height)
            for pw in range(outw):
                ws = min(max(math.floor(pw * (cols / outw)) + x0, 0), width)
                we = min(max(math.ceil((pw + 1) * (cols / outw)) + x0, 0), width)
                for c in range(channels):
                    region = x[batch[r], c, hs:he, ws:we].astype(numpy.float64)
                    if region.size == 0:
                        y[r, c, ph, pw] = empty if mode == "max" else 0.0
                    elif mode == "max":
                        k = int(region.argmax())
                        y[r, c, ph, pw] = region.flat[k]
                        cells.append(
                            (
                                r,
                                c,
                                int(batch[r]),
                                hs + k // region.shape[1],
                                ws + k % region.shape[1],
                            )
                        )
                    else:
                        y[r, c, ph, pw] = region.mean()
    return y, cells


def _boxes() -> tuple[Any, Any]:
    boxes = numpy.array(
        [[1, 1, 3, 4], [0.2, 0.5, 5.1, 6.7], [2, 2, 2, 2], [-2, 3, 3, 9], [4.5, 1.5, 6.5, 2.5]]
    )
    return boxes, numpy.array([0, 1, 0, 1, 0], numpy.int32)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("outsize", "scale"), [((2, 2), 1.0), ((3, 2), 0.5), ((1, 3), 1.5)])
@pytest.mark.parametrize("mode", ["max", "average"])
def test_forward(dtype: Any, outsize: tuple[int, int], scale: float, mode: str) -> None:
    x = distinct(0, (2, 3, 6, 7), dtype)
    boxes, batch = _boxes()
    fn = F.roi_max_pooling_2d if mode == "max" else F.roi_average_pooling_2d
    y = fn(x, boxes.astype(dtype), batch, outsize, scale)
    expected, _ = _reference(x, boxes, batch, outsize, scale, mode, False, -numpy.inf)
    assert y.dtype == dtype
    assert y.shape == expected.shape
    if mode == "max":
        numpy.testing.assert_array_equal(data(y), expected.astype(dtype))
    else:
        assert_close(data(y), expected, dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("outh", "outw", "scale"), [(2, 2, 1.0), (3, 2, 0.5)])
def test_roi_pooling_2d_forward(dtype: Any, outh: int, outw: int, scale: float) -> None:
    x = distinct(1, (2, 2, 6, 7), dtype)
    boxes, batch = _boxes()
    rois = numpy.concatenate([batch[:, None], boxes[:, [1, 0, 3, 2]]], axis=1).astype(dtype)
    y = F.roi_pooling_2d(x, rois, outh, outw, scale)
    expected, _ = _reference(x, boxes, batch, (outh, outw), scale, "max", True, 0.0)
    numpy.testing.assert_array_equal(data(y), expected.astype(dtype))


def test_max_gradient_goes_to_the_first_maximum() -> None:
    x = numpy.zeros((1, 1, 4, 4))
    x[0, 0, 1, 2] = x[0, 0, 2, 1] = 5.0
    xv = Variable(x)
    y = F.roi_max_pooling_2d(
        xv, numpy.array([[0.0, 0, 4, 4], [10, 10, 12, 12]]), numpy.zeros(2, numpy.int32), 1, 1.0
    )
    assert data(y).ravel().tolist() == [5.0, -numpy.inf]
    y.grad = numpy.ones((2, 1, 1, 1))
    y.backward()
    assert numpy.argwhere(grad(xv)[0, 0]).tolist() == [[1, 2]]


def test_max_backward_matches_reference_cells() -> None:
    x = distinct(2, (2, 2, 6, 7))
    boxes, batch = _boxes()
    xv = Variable(x)
    y = F.roi_max_pooling_2d(xv, boxes, batch, (2, 3), 1.0)
    gy = numpy.random.default_rng(3).uniform(-1, 1, y.shape)
    y.grad = gy
    y.backward()
    expected = numpy.zeros_like(x)
    _, cells = _reference(x, boxes, batch, (2, 3), 1.0, "max", False, -numpy.inf)
    i = 0  # the reference lists the cells bin by bin, channel by channel
    for r in range(len(boxes)):
        for ph in range(2):
            for pw in range(3):
                for c in range(2):
                    if not numpy.isfinite(data(y)[r, c, ph, pw]):
                        continue
                    _, _, b, h, w = cells[i]
                    expected[b, c, h, w] += gy[r, c, ph, pw]
                    i += 1
    numpy.testing.assert_allclose(grad(xv), expected, rtol=1e-12)


@pytest.mark.parametrize("mode", ["max", "average", "legacy"])
def test_grads(mode: str) -> None:
    x = distinct(4, (2, 2, 6, 7))
    boxes, batch = _boxes()
    boxes, batch = boxes[:3], batch[:3]  # no empty bins: -inf has no numerical gradient
    if mode == "legacy":
        rois = numpy.concatenate([batch[:, None], boxes[:, [1, 0, 3, 2]]], axis=1)
        check_grads(lambda v: F.roi_pooling_2d(v, rois, 2, 3, 1.0), (x,))
    else:
        fn = F.roi_max_pooling_2d if mode == "max" else F.roi_average_pooling_2d
        check_grads(lambda v: fn(v, boxes, batch, (2, 3), 0.9), (x,))


def test_average_backward_spreads_evenly() -> None:
    xv = Variable(numpy.zeros((1, 1, 4, 4)))
    y = F.roi_average_pooling_2d(
        xv, numpy.array([[0.0, 0, 4, 4]]), numpy.zeros(1, numpy.int32), 1, 1.0
    )
    y.grad = numpy.ones((1, 1, 1, 1))
    y.backward()
    numpy.testing.assert_allclose(grad(xv), numpy.full((1, 1, 4, 4), 1 / 16))


def test_errors() -> None:
    x = numpy.zeros((1, 1, 4, 4), numpy.float32)
    boxes = numpy.zeros((2, 4), numpy.float32)
    batch = numpy.zeros(2, numpy.int32)
    with pytest.raises(InvalidType, match=r"rois\.dtype == x\.dtype"):
        F.roi_max_pooling_2d(x, boxes.astype(numpy.float64), batch, 2, 1.0)
    with pytest.raises(InvalidType, match=r"rois\.shape\[0\] == roi_indices\.shape\[0\]"):
        F.roi_average_pooling_2d(x, boxes, batch[:1], 2, 1.0)
    with pytest.raises(InvalidType, match=r"roi_indices\.dtype\.kind == 'i'"):
        F.roi_max_pooling_2d(x, boxes, batch.astype(numpy.float32), 2, 1.0)
    with pytest.raises(InvalidType, match=r"ROIMaxPooling2D \(Forward\)"):
        F.roi_max_pooling_2d(x, boxes[:, :3], batch, 2, 1.0)
    with pytest.raises(InvalidType, match=r"rois\.shape\[1\] == 5"):
        F.roi_pooling_2d(x, boxes, 2, 2, 1.0)
    with pytest.raises(InvalidType, match=r"ROIPooling2D \(Forward\)"):
        F.roi_pooling_2d(x, boxes, 2, 2, 1.0)
    with pytest.raises(ValueError, match=r"spatial_scale must be positive and finite, got 0"):
        F.roi_max_pooling_2d(x, boxes, batch, 2, 0)
    with pytest.raises(ValueError, match=r"outsize must be >= 1, got 0"):
        F.roi_average_pooling_2d(x, boxes, batch, 0, 1.0)
    with pytest.raises(TypeError, match=r"spatial_scale must be a number, got str"):
        F.roi_max_pooling_2d(x, boxes, batch, 2, "1")  # type: ignore[arg-type]


# -- spatial pyramid pooling -----------------------------------------------------------------


def _spp_reference(x: Any, height: int) -> Any:
    n, c, h, w = x.shape
    levels = []
    for level in range(height):
        bins = 2**level
        kh, kw = -(-h // bins), -(-w // bins)
        ph, pw = (kh * bins - h) // 2, (kw * bins - w) // 2
        out = numpy.empty((n, c, bins, bins))
        for i in range(bins):
            for j in range(bins):
                hs, ws = max(i * kh - ph, 0), max(j * kw - pw, 0)
                out[:, :, i, j] = x[:, :, hs : i * kh - ph + kh, ws : j * kw - pw + kw].max(
                    axis=(2, 3)
                )
        levels.append(out.reshape(n, -1))
    return numpy.concatenate(levels, axis=1)[:, :, None, None]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(
    ("shape", "height"), [((2, 3, 7, 6), 3), ((1, 2, 4, 4), 2), ((1, 1, 5, 3), 1)]
)
def test_spatial_pyramid_pooling_forward(dtype: Any, shape: tuple[int, ...], height: int) -> None:
    x = distinct(5, shape, dtype)
    y = F.spatial_pyramid_pooling_2d(x, height, pooling="max")
    expected = _spp_reference(x.astype(numpy.float64), height)
    assert y.shape == expected.shape
    numpy.testing.assert_array_equal(data(y), expected.astype(dtype))


def test_spatial_pyramid_pooling_grads() -> None:
    x = distinct(6, (1, 2, 6, 4))  # (5, 4) would leave a level-2 window all padding (-inf)
    check_grads(lambda v: F.spatial_pyramid_pooling_2d(v, 3, pooling="max"), (x,))


def test_spatial_pyramid_pooling_errors() -> None:
    x = numpy.zeros((1, 1, 4, 4), numpy.float32)
    with pytest.raises(ValueError, match=r"Unsupported pooling operation: None"):
        F.spatial_pyramid_pooling_2d(x, 2)
    with pytest.raises(ValueError, match=r"Unsupported pooling operation: 'average'"):
        F.spatial_pyramid_pooling_2d(x, 2, pooling="average")
    with pytest.raises(ValueError, match=r"pyramid_height must be >= 1, got 0"):
        F.spatial_pyramid_pooling_2d(x, 0, pooling="max")
    with pytest.raises(InvalidType, match=r"x\.ndim == 4"):
        F.spatial_pyramid_pooling_2d(x[0], 2, pooling="max")
