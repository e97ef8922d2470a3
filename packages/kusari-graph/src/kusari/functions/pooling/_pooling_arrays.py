"""Pooling on arrays: loops over the window elements, never over output positions (private).

A window of ``prod(ksize)`` elements is visited one element at a time: each step is one
vectorized operation on an ``(n, c, *out_size)`` strided view (see
:func:`~kusari.functions._conv_utils.im2col`).  Measured on the CNN benchmark's shapes this
beats reducing a transposed copy of the columns (``argmax`` over a short last axis) by 5x
to 7x, and ``max`` over the two window axes of a reshaped view by 20x.

Max pooling records, per output element, the index of the first maximal window element
(Chainer's ``argmax`` order: the flattened ``ksize`` index); backward scatters the output
gradient there, and double backward gathers from there.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

import numpy

from kusari.devices import Array, get_array_module

from .. import _conv_utils

__all__ = [
    "average_divisor",
    "max_forward",
    "scatter_to_windows",
    "spread",
    "window_positions",
    "window_sum",
    "gather_from_windows",
]


def window_positions(ksize: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """The window elements in flattened (C) order."""
    return itertools.product(*(range(k) for k in ksize))


def _index_dtype(count: int) -> numpy.dtype[numpy.integer]:
    return numpy.dtype(numpy.uint8 if count <= 255 else numpy.int32)


def max_forward(
    x: Array,
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    cover_all: bool,
) -> tuple[Array, Array]:
    """The window maxima and the flattened index of the first maximum in each window."""
    col = _conv_utils.im2col(x, ksize, stride, pad, cover_all=cover_all, pad_value=-math.inf)
    xp = get_array_module(x)
    whole = (slice(None), slice(None))
    positions = window_positions(ksize)
    y = xp.array(col[whole + next(positions)])
    dtype = _index_dtype(math.prod(ksize))
    index = xp.zeros(y.shape, dtype)
    for p, kidx in enumerate(positions, 1):
        current = col[whole + kidx]
        greater = current > y
        xp.maximum(y, current, out=y)
        # index = where(greater, p, index), as arithmetic: 3x faster than where/putmask.
        index += greater * (dtype.type(p) - index)
    return y, index


def _layout(
    in_shape: Sequence[int],
    out_size: Sequence[int],
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
) -> tuple[tuple[int, ...], bool]:
    """The padded extent, and whether the windows tile the input exactly (no overlap or gap)."""
    size = tuple(in_shape[2:])
    extent = _conv_utils.padded_extent(size, ksize, stride, pad, out_size)
    exact = all(
        p == 0 and s == k and o * k == length
        for p, s, k, o, length in zip(pad, stride, ksize, out_size, size, strict=True)
    )
    return extent, exact


def scatter_to_windows(
    gy: Array,
    index: Array,
    in_shape: tuple[int, ...],
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
) -> Array:
    """``gx``: each ``gy`` element added at the window element ``index`` points to."""
    xp = get_array_module(gy)
    out_size = gy.shape[2:]
    extent, exact = _layout(in_shape, out_size, ksize, stride, pad)
    if exact:
        gx = xp.empty(in_shape, gy.dtype)
        for p, kidx in enumerate(window_positions(ksize)):
            xp.multiply(gy, index == p, out=gx[_conv_utils.window_slices(kidx, stride, out_size)])
        return gx  # type: ignore[no-any-return]
    buf = xp.zeros(in_shape[:2] + extent, gy.dtype)
    for p, kidx in enumerate(window_positions(ksize)):
        buf[_conv_utils.window_slices(kidx, stride, out_size)] += gy * (index == p)
    return xp.ascontiguousarray(buf[_conv_utils.crop_slices(pad, in_shape[2:])])  # type: ignore[no-any-return]


def gather_from_windows(
    x: Array,
    index: Array,
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    cover_all: bool,
) -> Array:
    """``y[o] = x[window o's element index[o]]`` (zero where it points into the padding)."""
    col = _conv_utils.im2col(x, ksize, stride, pad, cover_all=cover_all)
    whole = (slice(None), slice(None))
    y = None
    for p, kidx in enumerate(window_positions(ksize)):
        term = col[whole + kidx] * (index == p)
        if y is None:
            y = term
        else:
            y += term
    assert y is not None
    return y  # type: ignore[no-any-return]


def window_sum(
    x: Array,
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    pad_value: float = 0.0,
    cover_all: bool = False,
) -> Array:
    """The sum of every window (the padding counts as ``pad_value``)."""
    col = _conv_utils.im2col(x, ksize, stride, pad, cover_all=cover_all, pad_value=pad_value)
    xp = get_array_module(x)
    whole = (slice(None), slice(None))
    positions = window_positions(ksize)
    y = xp.array(col[whole + next(positions)])
    for kidx in positions:
        y += col[whole + kidx]
    return y  # type: ignore[no-any-return]


def spread(
    gy: Array,
    in_shape: tuple[int, ...],
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
) -> Array:
    """The adjoint of :func:`window_sum`: every element gets the sum over its windows."""
    xp = get_array_module(gy)
    out_size = gy.shape[2:]
    extent, exact = _layout(in_shape, out_size, ksize, stride, pad)
    if exact:
        gx = xp.empty(in_shape, gy.dtype)
        for kidx in window_positions(ksize):
            gx[_conv_utils.window_slices(kidx, stride, out_size)] = gy
        return gx  # type: ignore[no-any-return]
    buf = xp.zeros(in_shape[:2] + extent, gy.dtype)
    for kidx in window_positions(ksize):
        buf[_conv_utils.window_slices(kidx, stride, out_size)] += gy
    return xp.ascontiguousarray(buf[_conv_utils.crop_slices(pad, in_shape[2:])])  # type: ignore[no-any-return]


def average_divisor(
    size: Sequence[int],
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    out_size: Sequence[int],
    like: Array,
) -> Array:
    """The number of non-padding elements in each window: shape ``out_size``, ``like``'s dtype.

    The count is separable: the product over the axes of the per-axis counts.
    """
    counts = numpy.ones((), numpy.int64)
    for axis, (length, k, s, p, o) in enumerate(
        zip(size, ksize, stride, pad, out_size, strict=True)
    ):
        start = numpy.arange(o) * s - p
        count = numpy.minimum(start + k, length) - numpy.maximum(start, 0)
        shape = [1] * len(size)
        shape[axis] = o
        counts = counts * count.reshape(shape)
    return get_array_module(like).asarray(counts, dtype=like.dtype)  # type: ignore[no-any-return]
