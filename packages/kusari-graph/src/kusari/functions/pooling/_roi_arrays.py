"""Region-of-interest pooling on arrays (private).

Each region ``r`` of image ``batch[r]`` is split into ``outh x outw`` bins with integer
bounds (:func:`roi_bins`).  The bins of a chunk of regions are gathered at once into a
``(R, outh, outw, KH, KW, C)`` array, ``KH x KW`` being the largest bin, padded with a
mask; the max (with the first maximum in row-major order, as Chainer) or the mean is then
one reduction.  The gradients scatter back with one ``bincount`` (``scatter_add`` on CuPy).
Chunks keep the gathered array under about 16 M elements.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy

from kusari.devices import Array, get_array_module, to_cpu

__all__ = [
    "Bins",
    "roi_average_forward",
    "roi_bins",
    "roi_gather",
    "roi_max_forward",
    "roi_scatter",
]

_CHUNK_ELEMENTS = 1 << 24


@dataclass(frozen=True)
class Bins:
    """Integer bin bounds: ``rows[r, ph]`` is ``[h_start, h_end)``, clipped to the image.

    Attributes:
        batch: The image index of each region, ``(R,)``.
        h_start: ``(R, outh)``.
        h_end: ``(R, outh)``.
        w_start: ``(R, outw)``.
        w_end: ``(R, outw)``.
    """

    batch: Array
    h_start: Array
    h_end: Array
    w_start: Array
    w_end: Array


def roi_bins(
    boxes: Array,
    batch: Array,
    outsize: tuple[int, int],
    spatial_scale: float,
    size: tuple[int, int],
    inclusive: bool,
) -> Bins:
    """The bins of each region ``boxes[r] = (y_min, x_min, y_max, x_max)`` (image coordinates).

    The corners are scaled by ``spatial_scale`` and rounded half to even.  A region spans
    ``max(y_max - y_min (+ 1 if inclusive), 1)`` rows; bin ``ph`` covers rows
    ``floor(ph * bin) .. ceil((ph + 1) * bin)`` from ``y_min`` with ``bin = rows / outh``,
    clipped to the image (likewise for the columns).
    """
    boxes64 = numpy.asarray(to_cpu(boxes), numpy.float64)
    corners = numpy.round(boxes64 * spatial_scale).astype(numpy.int64)
    y0, x0, y1, x1 = corners.T
    extra = 1 if inclusive else 0
    rows = numpy.maximum(y1 - y0 + extra, 1)
    cols = numpy.maximum(x1 - x0 + extra, 1)
    outh, outw = outsize
    height, width = size

    def bounds(start: Array, length: Array, n: int, limit: int) -> tuple[Array, Array]:
        step = length[:, None] / n
        index = numpy.arange(n)[None, :]
        lo = numpy.floor(index * step).astype(numpy.int64) + start[:, None]
        hi = numpy.ceil((index + 1) * step).astype(numpy.int64) + start[:, None]
        return numpy.clip(lo, 0, limit), numpy.clip(hi, 0, limit)

    h_start, h_end = bounds(y0, rows, outh, height)
    w_start, w_end = bounds(x0, cols, outw, width)
    parts = (numpy.asarray(to_cpu(batch), numpy.int64), h_start, h_end, w_start, w_end)
    target = get_array_module(boxes)
    if target is not numpy:  # the bounds are small: computed on the CPU, then sent
        return Bins(*(target.asarray(a) for a in parts))
    return Bins(*parts)


def _chunks(bins: Bins, channels: int) -> list[tuple[slice, int, int]]:
    """Region ranges whose gathered bins stay under the element budget, with KH and KW."""
    n = bins.batch.shape[0]
    kh = int((bins.h_end - bins.h_start).max(initial=0))
    kw = int((bins.w_end - bins.w_start).max(initial=0))
    kh, kw = max(kh, 1), max(kw, 1)
    outh, outw = bins.h_start.shape[1], bins.w_start.shape[1]
    per_region = max(1, channels * outh * outw * kh * kw)
    step = max(1, _CHUNK_ELEMENTS // per_region)
    return [(slice(i, min(i + step, n)), kh, kw) for i in range(0, n, step)]


def _positions(bins: Bins, part: slice, kh: int, kw: int) -> tuple[Array, Array, Array]:
    """Row and column indices ``(R, outh, outw, KH, KW)`` (clipped) and their validity."""
    xp = get_array_module(bins.h_start)
    rows = bins.h_start[part][:, :, None] + xp.arange(kh)  # (R, outh, KH)
    row_ok = rows < bins.h_end[part][:, :, None]
    cols = bins.w_start[part][:, :, None] + xp.arange(kw)  # (R, outw, KW)
    col_ok = cols < bins.w_end[part][:, :, None]
    rows = rows[:, :, None, :, None]
    cols = cols[:, None, :, None, :]
    valid: Array = row_ok[:, :, None, :, None] & col_ok[:, None, :, None, :]
    return rows, cols, valid


def _gather_bins(
    x: Array, bins: Bins, part: slice, kh: int, kw: int
) -> tuple[Array, Array, Array]:
    """``(values (R, outh, outw, KH, KW, C), valid, flat positions h * W + w)``."""
    height, width = x.shape[2:]
    rows, cols, valid = _positions(bins, part, kh, kw)
    xp = get_array_module(x)
    rows = xp.minimum(rows, height - 1)
    cols = xp.minimum(cols, width - 1)
    batch = bins.batch[part][:, None, None, None, None]
    values = x[batch, :, rows, cols]  # advanced indices first: (R, outh, outw, KH, KW, C)
    return values, valid, rows * width + cols


def roi_max_forward(x: Array, bins: Bins, empty: float) -> tuple[Array, Array]:
    """The bin maxima ``(R, C, outh, outw)`` and their flat positions (``-1`` if empty)."""
    xp = get_array_module(x)
    n_roi = bins.batch.shape[0]
    channels = x.shape[1]
    outh, outw = bins.h_start.shape[1], bins.w_start.shape[1]
    y = xp.empty((n_roi, channels, outh, outw), x.dtype)
    argmax = xp.empty((n_roi, channels, outh, outw), numpy.int64)
    for part, kh, kw in _chunks(bins, channels):
        values, valid, flat = _gather_bins(x, bins, part, kh, kw)
        r = values.shape[0]
        values = xp.where(valid[..., None], values, -xp.inf).reshape(r, outh, outw, kh * kw, -1)
        best = values.argmax(axis=3)  # the first maximum in row-major order
        top = xp.take_along_axis(values, best[:, :, :, None, :], axis=3)[:, :, :, 0, :]
        position = xp.take_along_axis(flat.reshape(r, outh, outw, kh * kw), best, axis=3)
        is_empty: Array = ~xp.any(valid.reshape(r, outh, outw, kh * kw), axis=3)
        top = xp.where(is_empty[..., None], x.dtype.type(empty), top)
        position = xp.where(is_empty[..., None], -1, position)
        y[part] = top.transpose(0, 3, 1, 2)
        argmax[part] = position.transpose(0, 3, 1, 2)
    return y, argmax


def roi_average_forward(x: Array, bins: Bins) -> tuple[Array, Array]:
    """The bin means ``(R, C, outh, outw)`` (zero for empty bins) and the bin sizes."""
    xp = get_array_module(x)
    n_roi = bins.batch.shape[0]
    channels = x.shape[1]
    outh, outw = bins.h_start.shape[1], bins.w_start.shape[1]
    y = xp.empty((n_roi, channels, outh, outw), x.dtype)
    counts = _bin_counts(bins)
    for part, kh, kw in _chunks(bins, channels):
        values, valid, _ = _gather_bins(x, bins, part, kh, kw)
        total = (values * valid[..., None]).sum(axis=(3, 4))  # (R, outh, outw, C)
        y[part] = total.transpose(0, 3, 1, 2)
    y /= xp.maximum(counts, 1).astype(x.dtype)[:, None]
    return y, counts


def _bin_counts(bins: Bins) -> Array:
    heights = bins.h_end - bins.h_start
    widths = bins.w_end - bins.w_start
    xp = get_array_module(heights)
    return xp.maximum(heights, 0)[:, :, None] * xp.maximum(widths, 0)[:, None, :]  # type: ignore[no-any-return]


def roi_scatter(
    g: Array,
    bins: Bins,
    x_shape: tuple[int, ...],
    argmax: Array | None,
) -> Array:
    """The adjoint of the pooling: ``gx`` of ``x_shape`` from ``g`` ``(R, C, outh, outw)``.

    With ``argmax`` each bin's gradient goes to its maximum; without, it is divided by the
    bin size and spread over the bin.
    """
    xp = get_array_module(g)
    n, channels, height, width = x_shape
    plane = height * width
    size = n * channels * plane
    base = (bins.batch[:, None] * channels + xp.arange(channels)[None, :]) * plane  # (R, C)
    pieces: list[tuple[Array, Array]] = []
    if argmax is not None:
        kept = argmax >= 0
        target = base[:, :, None, None] + argmax
        pieces.append((target[kept], g[kept]))
    else:
        counts = _bin_counts(bins)
        scaled = g / xp.maximum(counts, 1).astype(g.dtype)[:, None]
        for part, kh, kw in _chunks(bins, channels):
            rows, cols, valid = _positions(bins, part, kh, kw)
            flat = rows * width + cols  # (R, outh, outw, KH, KW)
            target = base[part][:, :, None, None, None, None] + flat[:, None]
            weight = xp.broadcast_to(scaled[part][..., None, None], target.shape)
            mask = xp.broadcast_to(valid[:, None], target.shape)
            pieces.append((target[mask], weight[mask]))
    if xp is numpy:
        gx = numpy.zeros(size, numpy.float64)
        for target, weight in pieces:
            gx += numpy.bincount(target, weights=weight, minlength=size)
        return gx.astype(g.dtype).reshape(x_shape)
    import cupyx

    out = xp.zeros(size, g.dtype)
    for target, weight in pieces:
        cupyx.scatter_add(out, target, weight)
    return out.reshape(x_shape)  # type: ignore[no-any-return]


def roi_gather(gx: Array, bins: Bins, argmax: Array | None) -> Array:
    """The pooling's linear part applied to ``gx``: the adjoint of :func:`roi_scatter`."""
    if argmax is not None:
        xp = get_array_module(gx)
        channels = gx.shape[1]
        plane = gx.shape[2] * gx.shape[3]
        flat = gx.reshape(gx.shape[0], channels, plane)
        batch = bins.batch[:, None, None, None]
        channel = xp.arange(channels)[None, :, None, None]
        picked = flat[batch, channel, xp.maximum(argmax, 0)]
        return xp.where(argmax >= 0, picked, 0).astype(gx.dtype)  # type: ignore[no-any-return]
    return roi_average_forward(gx, bins)[0]
