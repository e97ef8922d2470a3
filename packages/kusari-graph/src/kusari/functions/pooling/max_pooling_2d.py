"""Two-dimensional max pooling (:func:`max_pooling_2d`)."""

from __future__ import annotations

from typing import Literal, overload

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from .._conv_utils import check_spatial_ndim
from .max_pooling_nd import apply_max_pooling

__all__ = ["max_pooling_2d"]


def check_2d(x: VariableOrArray) -> None:
    """Raise if ``x`` is not ``(n, c, h, w)``, with Chainer's message."""
    check_spatial_ndim(x.shape, 2)


@overload
def max_pooling_2d(
    x: VariableOrArray,
    ksize: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    pad: int | tuple[int, int] = 0,
    cover_all: bool = True,
    return_indices: Literal[False] = False,
) -> Variable: ...


@overload
def max_pooling_2d(
    x: VariableOrArray,
    ksize: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    pad: int | tuple[int, int] = 0,
    cover_all: bool = True,
    *,
    return_indices: Literal[True],
) -> tuple[Variable, Array]: ...


@overload
def max_pooling_2d(
    x: VariableOrArray,
    ksize: int | tuple[int, int],
    stride: int | tuple[int, int] | None,
    pad: int | tuple[int, int],
    cover_all: bool,
    return_indices: Literal[True],
) -> tuple[Variable, Array]: ...


def max_pooling_2d(
    x: VariableOrArray,
    ksize: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    pad: int | tuple[int, int] = 0,
    cover_all: bool = True,
    return_indices: bool = False,
) -> Variable | tuple[Variable, Array]:
    """Two-dimensional max pooling of images: the maximum of every window.

    The padding counts as ``-inf``.  The output has shape ``(n, c, oh, ow)`` with
    ``oh = (h + 2 * ph - kh + sy - 1) // sy + 1`` when ``cover_all`` (the default: every
    pixel is in some window) or ``(h + 2 * ph - kh) // sy + 1`` otherwise.  It runs as
    ``kh * kw`` vectorized steps over strided views, without copying windows; backward
    routes each gradient to the first maximum of its window.

    Args:
        x: The images, ``(n, c, h, w)``, floating point.
        ksize: The window size ``(kh, kw)`` (an int for both).
        stride: The stride ``(sy, sx)``; ``None`` means ``ksize``.
        pad: The padding ``(ph, pw)`` on both sides.
        cover_all: Whether the last window may hang over the end of the image.
        return_indices: Also return the index of each window's maximum (flattened inside
            the ``kh x kw`` window, ``int64``), as :func:`upsampling_2d` takes it.

    Returns:
        The pooled Variable; with ``return_indices``, the pair ``(y, indexes)``.

    Raises:
        ValueError: If ``x`` is not 4-dimensional, or an argument is out of range.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or is too small
            for one window.
        TypeError: If ``ksize``, ``stride`` or ``pad`` is not an int (pair).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(16, dtype=numpy.float32).reshape(1, 1, 4, 4)
        >>> F.max_pooling_2d(x, 2).array.tolist()
        [[[[5.0, 7.0], [13.0, 15.0]]]]
        >>> y, indexes = F.max_pooling_2d(x, 2, return_indices=True)
        >>> indexes.tolist()
        [[[[3, 3], [3, 3]]]]
    """
    check_2d(x)
    return apply_max_pooling(x, 2, ksize, stride, pad, cover_all, return_indices)
