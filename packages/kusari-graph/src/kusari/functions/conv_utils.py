"""im2col and col2im with Chainer's signatures (``chainer.utils.conv``), for custom functions.

kusari's own convolutions and poolings use the N-dimensional helpers behind these (one
strided view plus one GEMM).  This module offers them in the 2-D form that functions
written for Chainer call:

* :func:`im2col` turns ``(n, c, h, w)`` images into ``(n, c, kh, kw, out_h, out_w)``
  columns, a new C-contiguous array;
* :func:`col2im` is its adjoint: it sums the columns back onto ``(n, c, h, w)``;
* :func:`get_conv_outsize` and :func:`get_deconv_outsize` give the output lengths.

Each works on NumPy and CuPy arrays.  ``im2col_cpu``/``im2col_gpu`` and
``col2im_cpu``/``col2im_gpu`` are Chainer's per-device names; they check that the array
lives where their name says.

Example:
    >>> import numpy
    >>> from kusari.functions import conv_utils
    >>> x = numpy.arange(16.0).reshape(1, 1, 4, 4)
    >>> col = conv_utils.im2col(x, 3, 3, 1, 1, 1, 1)
    >>> col.shape
    (1, 1, 3, 3, 4, 4)
    >>> conv_utils.col2im(col, 1, 1, 1, 1, 4, 4).shape
    (1, 1, 4, 4)
"""

from __future__ import annotations

import numpy

from kusari.devices import Array, get_array_module

from . import _conv_utils
from ._conv_utils import get_conv_outsize as get_conv_outsize
from ._conv_utils import get_deconv_outsize as get_deconv_outsize

__all__ = [
    "col2im",
    "col2im_cpu",
    "col2im_gpu",
    "get_conv_outsize",
    "get_deconv_outsize",
    "im2col",
    "im2col_cpu",
    "im2col_gpu",
]


def _check_4d(name: str, argument: str, array: Array) -> None:
    if array.ndim != 4:
        raise ValueError(
            f"{name}: {argument} must be 4-dimensional (n, c, h, w), got shape {array.shape}"
        )


def _im2col(
    name: str,
    img: Array,
    kh: int,
    kw: int,
    sy: int,
    sx: int,
    ph: int,
    pw: int,
    pval: float,
    cover_all: bool,
    dy: int,
    dx: int,
    out_h: int | None,
    out_w: int | None,
) -> Array:
    _check_4d(name, "img", img)
    h, w = img.shape[2:]
    full_h = get_conv_outsize(h, kh, sy, ph, cover_all, dy)
    full_w = get_conv_outsize(w, kw, sx, pw, cover_all, dx)
    if full_h <= 0 or full_w <= 0:
        raise ValueError(
            f"{name}: the {kh}x{kw} window (dilation {dy}x{dx}) does not fit in the {h}x{w} "
            f"image padded by ({ph}, {pw}): the output would be {full_h}x{full_w}"
        )
    out_h = full_h if out_h is None else out_h
    out_w = full_w if out_w is None else out_w
    if not (0 < out_h <= full_h and 0 < out_w <= full_w):
        raise ValueError(
            f"{name}: out_h x out_w must be between 1x1 and {full_h}x{full_w} for this "
            f"image and window, got {out_h}x{out_w}"
        )
    view = _conv_utils.im2col(
        img, (kh, kw), (sy, sx), (ph, pw), cover_all=cover_all, dilate=(dy, dx), pad_value=pval
    )
    xp = get_array_module(img)
    return xp.ascontiguousarray(view[..., :out_h, :out_w])  # type: ignore[no-any-return]


def _col2im(
    name: str, col: Array, sy: int, sx: int, ph: int, pw: int, h: int, w: int, dy: int, dx: int
) -> Array:
    if col.ndim != 6:
        raise ValueError(
            f"{name}: col must be 6-dimensional (n, c, kh, kw, out_h, out_w), got shape "
            f"{col.shape}"
        )
    return _conv_utils.col2im(col, (sy, sx), (ph, pw), (h, w), (dy, dx))


def im2col(
    img: Array,
    kh: int,
    kw: int,
    sy: int,
    sx: int,
    ph: int,
    pw: int,
    cover_all: bool = False,
    dy: int = 1,
    dx: int = 1,
    out_h: int | None = None,
    out_w: int | None = None,
) -> Array:
    """The sliding windows of ``img`` as ``(n, c, kh, kw, out_h, out_w)`` columns.

    Args:
        img: ``(n, c, h, w)`` images, NumPy or CuPy.
        kh: The window height.
        kw: The window width.
        sy: The vertical stride.
        sx: The horizontal stride.
        ph: The padding above and below.
        pw: The padding left and right.
        cover_all: Let the last window hang over the end, so that every pixel is covered.
        dy: The vertical dilation.
        dx: The horizontal dilation.
        out_h: Keep only the first ``out_h`` window rows (all by default).
        out_w: Keep only the first ``out_w`` window columns (all by default).

    Returns:
        A new C-contiguous array; the padding reads as 0.

    Raises:
        ValueError: If ``img`` is not 4-D, the window does not fit, or ``out_h``/``out_w``
            ask for more windows than there are.

    Example:
        >>> import numpy
        >>> from kusari.functions.conv_utils import im2col
        >>> col = im2col(numpy.arange(9.0).reshape(1, 1, 3, 3), 2, 2, 1, 1, 0, 0)
        >>> col[0, 0, :, :, 0, 1].tolist()  # the window at output (0, 1)
        [[1.0, 2.0], [4.0, 5.0]]
    """
    return _im2col("im2col", img, kh, kw, sy, sx, ph, pw, 0, cover_all, dy, dx, out_h, out_w)


def im2col_cpu(
    img: Array,
    kh: int,
    kw: int,
    sy: int,
    sx: int,
    ph: int,
    pw: int,
    pval: float = 0,
    cover_all: bool = False,
    dy: int = 1,
    dx: int = 1,
    out_h: int | None = None,
    out_w: int | None = None,
) -> Array:
    """:func:`im2col` for NumPy arrays, with the padding value ``pval``.

    Raises:
        TypeError: If ``img`` is not a NumPy array.
        ValueError: As :func:`im2col`.

    Example:
        >>> import numpy
        >>> from kusari.functions.conv_utils import im2col_cpu
        >>> col = im2col_cpu(numpy.ones((1, 1, 2, 2)), 3, 3, 1, 1, 1, 1, pval=-1)
        >>> int(col[0, 0, :, :, 0, 0].sum())  # 4 ones and 5 padding cells of -1
        -1
    """
    if not isinstance(img, numpy.ndarray):
        raise TypeError(f"im2col_cpu: img must be a NumPy array, got {type(img).__name__}")
    return _im2col(
        "im2col_cpu", img, kh, kw, sy, sx, ph, pw, pval, cover_all, dy, dx, out_h, out_w
    )


def im2col_gpu(
    img: Array,
    kh: int,
    kw: int,
    sy: int,
    sx: int,
    ph: int,
    pw: int,
    cover_all: bool = False,
    dy: int = 1,
    dx: int = 1,
    out_h: int | None = None,
    out_w: int | None = None,
) -> Array:
    """:func:`im2col` for CuPy arrays.

    Raises:
        TypeError: If ``img`` is a NumPy array.
        ValueError: As :func:`im2col`.
    """
    value: object = img  # CuPy arrays are Array to mypy too: check at run time
    if isinstance(value, numpy.ndarray):
        raise TypeError("im2col_gpu: img must be a CuPy array, got a NumPy array")
    return _im2col("im2col_gpu", img, kh, kw, sy, sx, ph, pw, 0, cover_all, dy, dx, out_h, out_w)


def col2im(
    col: Array, sy: int, sx: int, ph: int, pw: int, h: int, w: int, dy: int = 1, dx: int = 1
) -> Array:
    """Sum ``(n, c, kh, kw, out_h, out_w)`` columns back onto ``(n, c, h, w)`` images.

    The adjoint of :func:`im2col`: each pixel receives the sum of the column entries that
    were read from it.

    Args:
        col: The columns, NumPy or CuPy.
        sy: The vertical stride.
        sx: The horizontal stride.
        ph: The padding above and below.
        pw: The padding left and right.
        h: The image height.
        w: The image width.
        dy: The vertical dilation.
        dx: The horizontal dilation.

    Returns:
        A new C-contiguous ``(n, c, h, w)`` array.

    Raises:
        ValueError: If ``col`` is not 6-D.

    Example:
        >>> import numpy
        >>> from kusari.functions.conv_utils import col2im
        >>> col2im(numpy.ones((1, 1, 2, 2, 2, 2)), 1, 1, 0, 0, 3, 3)[0, 0].tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    return _col2im("col2im", col, sy, sx, ph, pw, h, w, dy, dx)


def col2im_cpu(
    col: Array, sy: int, sx: int, ph: int, pw: int, h: int, w: int, dy: int = 1, dx: int = 1
) -> Array:
    """:func:`col2im` for NumPy arrays.

    Raises:
        TypeError: If ``col`` is not a NumPy array.
        ValueError: As :func:`col2im`.
    """
    if not isinstance(col, numpy.ndarray):
        raise TypeError(f"col2im_cpu: col must be a NumPy array, got {type(col).__name__}")
    return _col2im("col2im_cpu", col, sy, sx, ph, pw, h, w, dy, dx)


def col2im_gpu(
    col: Array, sy: int, sx: int, ph: int, pw: int, h: int, w: int, dy: int = 1, dx: int = 1
) -> Array:
    """:func:`col2im` for CuPy arrays.

    Raises:
        TypeError: If ``col`` is a NumPy array.
        ValueError: As :func:`col2im`.
    """
    value: object = col  # CuPy arrays are Array to mypy too: check at run time
    if isinstance(value, numpy.ndarray):
        raise TypeError("col2im_gpu: col must be a CuPy array, got a NumPy array")
    return _col2im("col2im_gpu", col, sy, sx, ph, pw, h, w, dy, dx)
