"""Sliding-window helpers for convolution and pooling (private).

Everything here works on NumPy and CuPy arrays alike and on any number of spatial axes.
The layout of a *column* array (the result of :func:`im2col`) is
``(n, c, k_1, ..., k_d, out_1, ..., out_d)``: the window element ``(k_1, ..., k_d)`` of
the output position ``(out_1, ..., out_d)``.  :func:`im2col` returns a strided *view* of
the (padded) input, so building it costs at most one padded copy; the caller decides which
layout to copy it into for its GEMM.  :func:`col2im` is its adjoint: it sums the window
elements back onto the input positions they came from.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Sequence
from types import ModuleType
from typing import SupportsIndex

import numpy

from kusari.devices import Array, get_array_module

__all__ = [
    "as_tuple",
    "check_spatial_ndim",
    "col2im",
    "conv_outsize",
    "crop_slices",
    "deconv_outsize",
    "get_conv_outsize",
    "get_deconv_outsize",
    "im2col",
    "pad_array",
    "padded_extent",
    "prod",
    "sliding_view",
    "window_slices",
]


def get_conv_outsize(
    size: int, k: int, s: int, p: int, cover_all: bool = False, d: int = 1
) -> int:
    """The output length of a convolution (or pooling) along one axis.

    Args:
        size: The input length.
        k: The window length.
        s: The stride.
        p: The padding on each side.
        cover_all: Whether the last window may hang over the end (so that every input
            element is covered); then up to ``s - 1`` extra elements are padded at the end.
        d: The dilation.

    Returns:
        The number of windows.

    Example:
        >>> from kusari.functions._conv_utils import get_conv_outsize
        >>> get_conv_outsize(28, 3, 1, 1), get_conv_outsize(7, 2, 2, 0, cover_all=True)
        (28, 4)
    """
    dk = k + (k - 1) * (d - 1)
    if cover_all:
        return (size + p * 2 - dk + s - 1) // s + 1
    return (size + p * 2 - dk) // s + 1


def get_deconv_outsize(
    size: int, k: int, s: int, p: int, cover_all: bool = False, d: int = 1
) -> int:
    """The output length of a transposed convolution (the inverse of :func:`get_conv_outsize`).

    Args:
        size: The input length.
        k: The window length.
        s: The stride.
        p: The padding on each side.
        cover_all: Whether the forward convolution used ``cover_all``.
        d: The dilation.

    Returns:
        The output length.

    Example:
        >>> from kusari.functions._conv_utils import get_deconv_outsize
        >>> get_deconv_outsize(14, 2, 2, 0)
        28
    """
    dk = (k - 1) * d + 1
    if cover_all:
        return s * (size - 1) + dk - s + 1 - 2 * p
    return s * (size - 1) + dk - 2 * p


def conv_outsize(
    size: Sequence[int],
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    cover_all: bool = False,
    dilate: Sequence[int] | None = None,
) -> tuple[int, ...]:
    """:func:`get_conv_outsize` over several axes."""
    if dilate is None:
        dilate = (1,) * len(size)
    return tuple(
        get_conv_outsize(n, k, s, p, cover_all, d)
        for n, k, s, p, d in zip(size, ksize, stride, pad, dilate, strict=True)
    )


def deconv_outsize(
    size: Sequence[int],
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    cover_all: bool = False,
    dilate: Sequence[int] | None = None,
) -> tuple[int, ...]:
    """:func:`get_deconv_outsize` over several axes."""
    if dilate is None:
        dilate = (1,) * len(size)
    return tuple(
        get_deconv_outsize(n, k, s, p, cover_all, d)
        for n, k, s, p, d in zip(size, ksize, stride, pad, dilate, strict=True)
    )


def check_spatial_ndim(shape: Sequence[int], ndim: int) -> None:
    """Raise Chainer's ``ValueError`` unless ``shape`` has ``ndim`` axes after ``(n, c)``.

    Args:
        shape: The shape of the input ``x``.
        ndim: The number of spatial axes the function takes.

    Raises:
        ValueError: If ``len(shape) - 2 != ndim``.

    Example:
        >>> from kusari.functions._conv_utils import check_spatial_ndim
        >>> check_spatial_ndim((1, 3, 8), 1)
    """
    actual = len(shape) - 2
    if actual != ndim:
        raise ValueError(
            "The number of dimensions under channel dimension of the input 'x' should be "
            f"{ndim}. But the actual ndim was {actual}."
        )


def as_tuple(value: object, ndim: int, name: str, minimum: int = 1) -> tuple[int, ...]:
    """Normalize an ``int`` or a sequence of ``ndim`` ints (a size, stride, pad, ...).

    Args:
        value: The argument as given.
        ndim: The number of spatial axes.
        name: The argument's name, for messages.
        minimum: The smallest allowed value.

    Returns:
        A tuple of ``ndim`` Python ints.

    Raises:
        TypeError: If ``value`` is not an int or a sequence of ints.
        ValueError: If it has the wrong length or a value below ``minimum``.

    Example:
        >>> from kusari.functions._conv_utils import as_tuple
        >>> as_tuple(2, 2, "stride"), as_tuple((1, 0), 2, "pad", minimum=0)
        ((2, 2), (1, 0))
    """
    if isinstance(value, (int, numpy.integer)) and not isinstance(value, bool):
        values: tuple[object, ...] = (value,) * ndim
    elif isinstance(value, (tuple, list)):
        values = tuple(value)
        if len(values) != ndim:
            raise ValueError(
                f"{name} must be an int or a sequence of {ndim} ints, got {value!r} "
                f"(length {len(values)})"
            )
    else:
        raise TypeError(
            f"{name} must be an int or a sequence of {ndim} ints, got {type(value).__name__}"
        )
    result = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, numpy.integer)):
            raise TypeError(f"{name} must contain ints, got {value!r}")
        if v < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
        result.append(operator.index(v))
    return tuple(result)


def _as_strided(
    xp: ModuleType, x: Array, shape: tuple[int, ...], strides: tuple[int, ...]
) -> Array:
    if xp is numpy:
        return numpy.lib.stride_tricks.as_strided(x, shape, strides, writeable=False)
    return xp.lib.stride_tricks.as_strided(x, shape, strides)  # type: ignore[no-any-return]


def pad_array(x: Array, before: Sequence[int], after: Sequence[int], value: float = 0.0) -> Array:
    """Pad the spatial axes (all but the first two) of ``x`` with a constant.

    Args:
        x: The ``(n, c, *spatial)`` array.
        before: The padding before each spatial axis.
        after: The padding after each spatial axis.
        value: The fill value.

    Returns:
        ``x`` itself when nothing is padded, otherwise a new array.
    """
    if not any(before) and not any(after):
        return x
    xp = get_array_module(x)
    shape = x.shape[:2] + tuple(
        n + b + a for n, b, a in zip(x.shape[2:], before, after, strict=True)
    )
    if value == 0:
        padded = xp.zeros(shape, x.dtype)
    else:
        padded = xp.full(shape, value, x.dtype)
    inner = (
        slice(None),
        slice(None),
        *(slice(b, b + n) for b, n in zip(before, x.shape[2:], strict=True)),
    )
    padded[inner] = x
    return padded  # type: ignore[no-any-return]


def sliding_view(
    x: Array,
    ksize: Sequence[int],
    stride: Sequence[int],
    out_size: Sequence[int],
    dilate: Sequence[int] | None = None,
) -> Array:
    """The windows of an (already padded) array as a read-only view, without copying.

    Args:
        x: The ``(n, c, *spatial)`` array.
        ksize: The window size.
        stride: The stride.
        out_size: The number of windows along each axis (they must fit inside ``x``).
        dilate: The dilation (ones when ``None``).

    Returns:
        The view of shape ``(n, c, *ksize, *out_size)``.
    """
    if dilate is None:
        dilate = (1,) * len(ksize)
    xp = get_array_module(x)
    spatial = x.strides[2:]
    strides = (
        x.strides[:2]
        + tuple(st * d for st, d in zip(spatial, dilate, strict=True))
        + tuple(st * s for st, s in zip(spatial, stride, strict=True))
    )
    shape = x.shape[:2] + tuple(ksize) + tuple(out_size)
    return _as_strided(xp, x, shape, strides)


def im2col(
    x: Array,
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    *,
    cover_all: bool = False,
    dilate: Sequence[int] | None = None,
    pad_value: float = 0.0,
) -> Array:
    """The sliding windows of ``x``: a view of shape ``(n, c, *ksize, *out_size)``.

    Padding (``pad`` on both sides, plus what ``cover_all`` needs at the end) is filled with
    ``pad_value``; only the padding that some window reads is allocated.

    Args:
        x: The ``(n, c, *spatial)`` input.
        ksize: The window size.
        stride: The stride.
        pad: The padding on each side.
        cover_all: Whether the last window may hang over the end.
        dilate: The dilation (ones when ``None``).
        pad_value: The value of the padding (``-inf`` for max pooling).

    Returns:
        A read-only view (of ``x`` or of a padded copy).

    Raises:
        ValueError: If a window does not fit in the padded input.

    Example:
        >>> import numpy
        >>> from kusari.functions._conv_utils import im2col
        >>> x = numpy.arange(9.0).reshape(1, 1, 3, 3)
        >>> col = im2col(x, (2, 2), (1, 1), (0, 0))
        >>> col.shape
        (1, 1, 2, 2, 2, 2)
        >>> col[0, 0, :, :, 1, 1].tolist()
        [[4.0, 5.0], [7.0, 8.0]]
    """
    nd = len(ksize)
    if dilate is None:
        dilate = (1,) * nd
    size = x.shape[2:]
    out_size = conv_outsize(size, ksize, stride, pad, cover_all, dilate)
    if any(o <= 0 for o in out_size):
        raise ValueError(
            f"the window (ksize {tuple(ksize)}, dilate {tuple(dilate)}) does not fit in the "
            f"input of spatial shape {tuple(size)} padded by {tuple(pad)}: the output would "
            f"have shape {out_size}"
        )
    after = []
    for n, k, s, p, d, o in zip(size, ksize, stride, pad, dilate, out_size, strict=True):
        needed = (o - 1) * s + (k - 1) * d + 1  # the extent the windows read
        after.append(max(0, needed - p - n))
    padded = pad_array(x, pad, after, pad_value)
    return sliding_view(padded, ksize, stride, out_size, dilate)


def padded_extent(
    size: Sequence[int],
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    out_size: Sequence[int],
    dilate: Sequence[int] | None = None,
) -> tuple[int, ...]:
    """The spatial shape of a buffer holding the padded input and every window."""
    if dilate is None:
        dilate = (1,) * len(size)
    return tuple(
        max(length + 2 * p, (o - 1) * s + (k - 1) * d + 1)
        for length, k, s, p, d, o in zip(size, ksize, stride, pad, dilate, out_size, strict=True)
    )


def window_slices(
    kidx: Sequence[int],
    stride: Sequence[int],
    out_size: Sequence[int],
    dilate: Sequence[int] | None = None,
) -> tuple[slice, ...]:
    """The index into a padded ``(n, c, *extent)`` buffer of window element ``kidx``.

    ``buffer[window_slices(kidx, ...)]`` is a basic-slicing view of shape
    ``(n, c, *out_size)``: element ``kidx`` of every window.
    """
    if dilate is None:
        dilate = (1,) * len(kidx)
    return (
        slice(None),
        slice(None),
        *(
            slice(i * d, i * d + (o - 1) * s + 1, s)
            for i, d, o, s in zip(kidx, dilate, out_size, stride, strict=True)
        ),
    )


def col2im(
    col: Array,
    stride: Sequence[int],
    pad: Sequence[int],
    size: Sequence[int],
    dilate: Sequence[int] | None = None,
) -> Array:
    """Sum the window elements of ``col`` back onto the input positions (adjoint of im2col).

    Args:
        col: The ``(n, c, *ksize, *out_size)`` columns.
        stride: The stride.
        pad: The padding on each side.
        size: The spatial shape of the input.
        dilate: The dilation (ones when ``None``).

    Returns:
        A new C-contiguous array of shape ``(n, c, *size)``.

    Example:
        >>> import numpy
        >>> from kusari.functions._conv_utils import col2im
        >>> col = numpy.ones((1, 1, 2, 2, 2, 2))
        >>> col2im(col, (1, 1), (0, 0), (3, 3))[0, 0].tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    nd = len(size)
    if dilate is None:
        dilate = (1,) * nd
    xp = get_array_module(col)
    n, c = col.shape[:2]
    ksize = col.shape[2 : 2 + nd]
    out_size = col.shape[2 + nd :]
    extent = padded_extent(size, ksize, stride, pad, out_size, dilate)
    buf = xp.zeros((n, c, *extent), col.dtype)
    whole = (slice(None), slice(None))
    for kidx in itertools.product(*(range(k) for k in ksize)):
        buf[window_slices(kidx, stride, out_size, dilate)] += col[whole + kidx]
    if all(p == 0 for p in pad) and extent == tuple(size):
        return buf  # type: ignore[no-any-return]
    return xp.ascontiguousarray(buf[crop_slices(pad, size)])  # type: ignore[no-any-return]


def crop_slices(pad: Sequence[int], size: Sequence[int]) -> tuple[slice, ...]:
    """The index of the unpadded input in a padded ``(n, c, *extent)`` buffer."""
    return (
        slice(None),
        slice(None),
        *(slice(p, p + length) for p, length in zip(pad, size, strict=True)),
    )


def prod(values: Sequence[SupportsIndex]) -> int:
    """The product of a sequence of ints (1 for an empty one)."""
    return math.prod(operator.index(v) for v in values)
