"""roi_average_align_2d and roi_max_align_2d: a per-sample reference, Chainer, gradients."""

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
    check_on_gpu,
    data,
    gpu,
    grad_array,
    uniform,
)

ROIS = numpy.array(
    [
        [0.5, 1.2, 4.3, 3.9],
        [1, 0, 7.5, 6.2],
        [-2, -3, 1, 1],
        [2.2, 2.1, 2.4, 2.3],
        [10, 10, 12, 12],
    ],
    numpy.float32,
)
INDICES = numpy.array([0, 1, 1, 0, 1], numpy.int32)


def _interpolate(image: Any, y: float, x: float) -> Any | None:
    """Detectron's bilinear sample of ``(C, H, W)`` at ``(y, x)``, or None when outside."""
    height, width = image.shape[1:]
    if y < -1 or y > height or x < -1 or x > width:
        return None
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = int(y), int(x)
    if y0 >= height - 1:
        y0 = y1 = height - 1
        y = float(y0)
    else:
        y1 = y0 + 1
    if x0 >= width - 1:
        x0 = x1 = width - 1
        x = float(x0)
    else:
        x1 = x0 + 1
    ly, lx = y - y0, x - x0
    return (
        (1 - ly) * (1 - lx) * image[:, y0, x0]
        + (1 - ly) * lx * image[:, y0, x1]
        + ly * (1 - lx) * image[:, y1, x0]
        + ly * lx * image[:, y1, x1]
    )


def _reference(
    x: Any, rois: Any, indices: Any, outsize: tuple[int, int], scale: float, ratio: Any, mode: str
) -> npt.NDArray[Any]:
    x = x.astype(numpy.float64)
    outh, outw = outsize
    y = numpy.zeros((len(rois), x.shape[1], outh, outw))
    for r, (roi, b) in enumerate(zip(rois.astype(numpy.float64), indices, strict=True)):
        y0, x0, y1, x1 = roi * scale
        bin_h, bin_w = max(y1 - y0, 1.0) / outh, max(x1 - x0, 1.0) / outw
        gh = ratio[0] if ratio else math.ceil(bin_h)
        gw = ratio[1] if ratio else math.ceil(bin_w)
        for ph in range(outh):
            for pw in range(outw):
                values = []
                for iy in range(gh):
                    for ix in range(gw):
                        sy = y0 + ph * bin_h + (iy + 0.5) * bin_h / gh
                        sx = x0 + pw * bin_w + (ix + 0.5) * bin_w / gw
                        values.append(_interpolate(x[b], sy, sx))
                inside = [v for v in values if v is not None]
                if mode == "average":
                    y[r, :, ph, pw] = sum(inside, numpy.zeros(x.shape[1])) / (gh * gw)
                else:
                    y[r, :, ph, pw] = numpy.max(inside, axis=0) if inside else -numpy.inf
    return y


FUNCTIONS = {"average": F.roi_average_align_2d, "max": F.roi_max_align_2d}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mode", ["average", "max"])
@pytest.mark.parametrize(
    ("outsize", "scale", "ratio"), [((2, 3), 0.9, None), (2, 1.0, (2, 2)), ((3, 1), 0.5, (1, 3))]
)
def test_forward(dtype: Any, mode: str, outsize: Any, scale: float, ratio: Any) -> None:
    x = uniform(0, (2, 3, 6, 5), dtype)
    rois = ROIS.astype(dtype)
    pair = (outsize, outsize) if isinstance(outsize, int) else outsize
    pair_ratio = ratio if ratio is None or isinstance(ratio, tuple) else (ratio, ratio)
    expected = _reference(x, rois, INDICES, pair, scale, pair_ratio, mode)
    y = FUNCTIONS[mode](x, rois, INDICES, outsize, scale, ratio)
    assert isinstance(y, Variable)
    finite = numpy.isfinite(expected)
    numpy.testing.assert_array_equal(numpy.isfinite(data(y)), finite)
    assert_forward(
        Variable(numpy.where(finite, data(y), 0).astype(dtype)),
        numpy.where(finite, expected, 0),
        dtype,
        scale=10.0,
    )


def test_chainer_values() -> None:
    # Chainer 7.8.1 on the same float32 inputs: channel 1 of the outputs, and channel 1 of
    # image 1 of the gradient of the sum of the squared finite outputs.
    x = Variable(numpy.random.RandomState(0).randn(2, 3, 6, 5).astype(numpy.float32))
    y = F.roi_average_align_2d(x, ROIS, INDICES, (2, 3), 0.9)
    numpy.testing.assert_allclose(
        data(y)[:, 1].ravel()[:12],
        [
            0.111218,
            0.115954,
            0.292397,
            -0.485731,
            -0.244907,
            -0.725108,
            0.139999,
            0.19131,
            -0.119708,
            -0.036609,
            -0.008437,
            0.172097,
        ],
        atol=2e-6,
    )
    F.sum(y**2).backward()
    numpy.testing.assert_allclose(
        grad_array(x)[1, 1].ravel()[:12],
        [
            -0.008609,
            -0.059044,
            0.0,
            0.0,
            0.0,
            0.002594,
            0.011373,
            0.037655,
            0.041793,
            -0.01448,
            0.025591,
            0.051181,
        ],
        atol=2e-6,
    )
    x.cleargrad()
    y = F.roi_max_align_2d(x, ROIS, INDICES, (2, 3), 0.9, (1, 3))
    numpy.testing.assert_allclose(
        data(y)[:, 1].ravel()[:18],
        [
            0.3990048,
            0.3212039,
            0.3240532,
            0.2715064,
            0.6990265,
            -1.083364,
            0.4968975,
            0.023304,
            -0.8015867,
            0.3687159,
            0.7034194,
            -0.4615846,
            *[-numpy.inf] * 4,
            0.258062,
            0.258062,
        ],
        atol=2e-6,
    )
    finite = numpy.isfinite(data(y))
    F.sum(F.where(finite, y, 0.0) ** 2).backward()
    numpy.testing.assert_allclose(
        grad_array(x)[1, 1].ravel()[10:20],
        [
            0.044348,
            0.589196,
            0.00624,
            0.023473,
            -1.022023,
            0.025218,
            0.335033,
            0.003548,
            0.013347,
            -0.58115,
        ],
        atol=2e-6,
    )


@pytest.mark.parametrize("mode", ["average", "max"])
def test_gradients(mode: str) -> None:
    x = uniform(0, (2, 2, 5, 4), "d")
    rois = numpy.array([[0.3, 0.6, 3.7, 3.1], [1.2, -0.4, 4.9, 2.2], [0.1, 0.2, 2.6, 2.9]])
    indices = numpy.array([1, 0, 1], numpy.int32)
    check_grads(lambda v: FUNCTIONS[mode](v, rois, indices, (2, 2), 1.0, (2, 2)), [x])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"sampling_ratio": 0}, ValueError, "sampling_ratio"),
        ({"sampling_ratio": (1, 2, 3)}, ValueError, "sampling_ratio"),
        ({"sampling_ratio": 1.5}, TypeError, "sampling_ratio"),
        ({"spatial_scale": 0.0}, ValueError, "spatial_scale must be positive"),
        ({"outsize": 0}, ValueError, "outsize"),
        ({"rois": ROIS.astype(numpy.float64)}, InvalidType, r"Expect: rois.dtype == x.dtype"),
        ({"rois": ROIS[:, :3]}, InvalidType, r"Expect: rois.shape\[1\] == 4"),
        ({"roi_indices": INDICES[:2]}, InvalidType, r"rois.shape\[0\] == roi_indices.shape\[0\]"),
        ({"roi_indices": INDICES.astype(float)}, InvalidType, r"roi_indices.dtype.kind == 'i'"),
    ],
)
@pytest.mark.parametrize("mode", ["average", "max"])
def test_invalid(mode: str, kwargs: Any, error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {
        "x": numpy.zeros((2, 3, 6, 5), numpy.float32),
        "rois": ROIS,
        "roi_indices": INDICES,
        "outsize": 2,
        "spatial_scale": 1.0,
        **kwargs,
    }
    with pytest.raises(error, match=message):
        FUNCTIONS[mode](**arguments)


@gpu
@pytest.mark.parametrize("mode", ["average", "max"])
def test_gpu(mode: str) -> None:
    x = uniform(0, (2, 3, 6, 5), "d")
    rois = ROIS.astype(numpy.float64)
    check_on_gpu(lambda v: FUNCTIONS[mode](v, rois, INDICES, (2, 3), 0.9, 2), [x], atol=1e-12)
