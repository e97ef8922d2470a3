"""Region-of-interest align (private): bilinear samples pooled per bin (Mask R-CNN).

A region ``(y_min, x_min, y_max, x_max)`` is scaled by ``spatial_scale`` without rounding
(its height and width at least 1) and split into ``outh x outw`` bins; each bin holds a
grid of ``gh x gw`` sample points (``sampling_ratio``, or ``ceil(bin size)`` per region),
placed at the centres of the grid's cells.  A sample interpolates the feature map
bilinearly (Detectron's rule: zero when more than one pixel outside, clamped to the border
otherwise).  The bin's output is the mean of its samples (average) or their maximum (max,
``-inf`` for a bin with no sample inside the image), as in Chainer.

Every sample contributes through four corner pixels with fixed weights, so the pooling is
linear in ``x`` (with the max's choice fixed): backward scatters, double backward gathers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, final

import numpy

from kusari.devices import Array, to_cpu
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils
from ..array import _shape_check
from ._roi_common import ROIPoolingBase
from .roi_max_pooling_2d import check_roi_types

__all__ = ["ROIAlign2D", "check_sampling_ratio"]


def check_sampling_ratio(sampling_ratio: object) -> tuple[int, int] | None:
    """``None``, or ``(gh, gw)`` from an int or a pair of positive ints."""
    if sampling_ratio is None:
        return None
    ratio = _conv_utils.as_tuple(sampling_ratio, 2, "sampling_ratio")
    return ratio[0], ratio[1]


@dataclass(frozen=True)
class _Grid:
    """The sample coordinates of every region, padded to the largest grid.

    Attributes:
        ys: ``(R, outh, GH)`` row coordinates.
        xs: ``(R, outw, GW)`` column coordinates.
        gh: ``(R,)`` grid rows of each region (``<= GH``).
        gw: ``(R,)`` grid columns.
        count: ``(R,)`` samples per bin.
    """

    ys: Any
    xs: Any
    gh: Any
    gw: Any
    count: Any


def _grid(
    boxes: Any, outsize: tuple[int, int], scale: float, ratio: tuple[int, int] | None
) -> _Grid:
    boxes = numpy.asarray(to_cpu(boxes), numpy.float64) * scale
    outh, outw = outsize
    coords = []
    grids = []
    for axis, out in ((0, outh), (1, outw)):
        start = boxes[:, axis]
        length = numpy.maximum(boxes[:, axis + 2] - start, 1.0)
        size = length / out
        if ratio is None:
            g = numpy.ceil(size).astype(numpy.int64)
        else:
            g = numpy.full(len(boxes), ratio[axis], numpy.int64)
        top = int(g.max()) if len(g) else 1
        cells = numpy.arange(out)[None, :, None]
        steps = numpy.arange(top)[None, None, :] + 0.5
        coords.append(
            start[:, None, None]
            + cells * size[:, None, None]
            + steps * (size / numpy.maximum(g, 1))[:, None, None]
        )
        grids.append(g)
    gh, gw = grids
    return _Grid(coords[0], coords[1], gh, gw, numpy.maximum(gh * gw, 1))


def _axis(values: Any, extent: int) -> tuple[Any, Any, Any, Any, Any]:
    """Detectron's bilinear rule on one axis: inside, low, high, weight low, weight high."""
    inside = (values >= -1.0) & (values <= extent)
    v = numpy.maximum(values, 0.0)
    low = numpy.floor(v).astype(numpy.int64)
    at_end = low >= extent - 1
    low = numpy.where(at_end, extent - 1, low)
    high = numpy.where(at_end, extent - 1, low + 1)
    v = numpy.where(at_end, low, v)
    frac = v - low
    return inside, low, high, 1.0 - frac, frac


def _samples(grid: _Grid, size: tuple[int, int]) -> Iterator[tuple[Array, Array]]:
    """Per sample point: the ``(4, R, P)`` flat corner indices and weights (0 when absent)."""
    height, width = size
    n_rois, _, top_h = grid.ys.shape
    top_w = grid.xs.shape[2]
    for iy in range(top_h):
        y_in, y_lo, y_hi, wy_lo, wy_hi = _axis(grid.ys[:, :, iy], height)
        y_in &= (iy < grid.gh)[:, None]
        for ix in range(top_w):
            x_in, x_lo, x_hi, wx_lo, wx_hi = _axis(grid.xs[:, :, ix], width)
            x_in &= (ix < grid.gw)[:, None]
            valid = y_in[:, :, None] & x_in[:, None, :]
            index = numpy.stack(
                [
                    (y[:, :, None] * width + x[:, None, :]).reshape(n_rois, -1)
                    for y in (y_lo, y_hi)
                    for x in (x_lo, x_hi)
                ]
            )
            weight = numpy.stack(
                [
                    (wy[:, :, None] * wx[:, None, :] * valid).reshape(n_rois, -1)
                    for wy in (wy_lo, wy_hi)
                    for wx in (wx_lo, wx_hi)
                ]
            )
            yield index, weight


@final
class ROIAlign2D(ROIPoolingBase):
    """Average or max ROI align of regions ``(y_min, x_min, y_max, x_max)``.

    Args:
        outsize: ``(outh, outw)``.
        spatial_scale: The factor from region coordinates to feature-map positions.
        mode: ``"max"`` or ``"average"``.
        sampling_ratio: ``(gh, gw)``, or ``None`` for ``ceil(bin size)`` per region.
    """

    __slots__ = ("_arg", "_count", "_samples", "sampling_ratio")

    def __init__(
        self,
        outsize: tuple[int, int],
        spatial_scale: float,
        mode: Literal["max", "average"],
        sampling_ratio: tuple[int, int] | None,
    ) -> None:
        super().__init__(outsize, spatial_scale, mode, False, -math.inf)
        self.sampling_ratio = sampling_ratio
        self._arg: Array | None = None
        self._samples: list[tuple[Array, Array]] = []
        self._count: Array | None = None

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """See :func:`~kusari.functions.pooling.roi_max_pooling_2d.check_roi_types`."""
        check_roi_types(in_types)

    def regions(self, inputs: tuple[Array, ...]) -> tuple[Array, Array]:
        """The boxes and image indices as given."""
        return inputs[1], inputs[2]

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sample and pool every bin (the sample positions are kept for backward)."""
        x, boxes, batch = inputs
        xp = _shape_check.xp_of(x)
        n, c, h, w = x.shape
        self._x_shape = x.shape
        grid = _grid(boxes, self.outsize, self.spatial_scale, self.sampling_ratio)
        rows = xp.asarray(to_cpu(batch).astype(numpy.int64) * (h * w))[None, :, None]
        self._samples = [
            (xp.asarray(index) + rows, xp.asarray(weight, x.dtype))
            for index, weight in _samples(grid, (h, w))
        ]
        self._count = xp.asarray(grid.count, x.dtype)
        flat = xp.ascontiguousarray(x.transpose(0, 2, 3, 1)).reshape(n * h * w, c)
        if self.mode == "average":
            y = self._pool_average(flat)
        else:
            y = self._pool_max(flat, xp)
        return (self._to_output(y),)

    def _to_output(self, y: Array) -> Array:
        """``(R, P, C)`` to ``(R, C, outh, outw)``."""
        n_rois, _, c = y.shape
        return y.transpose(0, 2, 1).reshape(n_rois, c, *self.outsize)

    def _from_output(self, g: Array) -> Array:
        """``(R, C, outh, outw)`` to ``(R, P, C)``."""
        n_rois, c = g.shape[:2]
        return g.reshape(n_rois, c, -1).transpose(0, 2, 1)

    def _value(self, flat: Array, index: Array, weight: Array) -> Array:
        """The interpolated values ``(R, P, C)`` of one sample point."""
        return (weight[:, :, :, None] * flat[index]).sum(axis=0)  # type: ignore[no-any-return]

    def _pool_average(self, flat: Array) -> Array:
        total = None
        for index, weight in self._samples:
            value = self._value(flat, index, weight)
            total = value if total is None else total + value
        assert total is not None
        assert self._count is not None
        return total / self._count[:, None, None]

    def _pool_max(self, flat: Array, xp: Any) -> Array:
        assert self._count is not None
        n_rois = len(self._count)
        shape = (n_rois, self.outsize[0] * self.outsize[1], flat.shape[1])
        best = xp.full(shape, -xp.inf, flat.dtype)
        arg = xp.full(shape, -1, numpy.int32)
        for k, (index, weight) in enumerate(self._samples):
            value = self._value(flat, index, weight)
            present = (weight != 0).any(axis=0)[:, :, None]
            better = present & (value > best)
            best = xp.where(better, value, best)
            arg = xp.where(better, numpy.int32(k), arg)
        self._arg = arg
        return best  # type: ignore[no-any-return]

    def scatter(self, g: Array) -> Array:
        """The input gradient ``(N, C, H, W)`` from an output gradient."""
        xp = _shape_check.xp_of(g)
        n, c, h, w = self._x_shape
        g_t = self._from_output(g)
        if self.mode == "average":
            assert self._count is not None
            g_t = g_t / self._count[:, None, None]
        gx = xp.zeros((n * h * w, c), g.dtype)
        for k, (index, weight) in enumerate(self._samples):
            share = g_t if self._arg is None else xp.where(self._arg == k, g_t, 0)
            values = weight[:, :, :, None] * share[None]
            if xp is numpy:
                numpy.add.at(gx, index.reshape(-1), values.reshape(-1, c))
            else:
                import cupyx

                cupyx.scatter_add(gx, index.reshape(-1), values.reshape(-1, c))
        return xp.ascontiguousarray(gx.reshape(n, h, w, c).transpose(0, 3, 1, 2))  # type: ignore[no-any-return]

    def gather(self, gx: Array) -> Array:
        """The adjoint of :meth:`scatter`: the pooling's linear part applied to ``gx``."""
        xp = _shape_check.xp_of(gx)
        n, c, h, w = gx.shape
        flat = xp.ascontiguousarray(gx.transpose(0, 2, 3, 1)).reshape(n * h * w, c)
        if self._arg is None:
            return self._to_output(self._pool_average(flat))
        total = None
        for k, (index, weight) in enumerate(self._samples):
            value = xp.where(self._arg == k, self._value(flat, index, weight), 0)
            total = value if total is None else total + value
        assert total is not None
        return self._to_output(total)
