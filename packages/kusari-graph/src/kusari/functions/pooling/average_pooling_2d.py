"""Two-dimensional average pooling (:func:`average_pooling_2d`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from .average_pooling_nd import AveragePoolingND
from .max_pooling_2d import check_2d

__all__ = ["average_pooling_2d"]


def average_pooling_2d(
    x: VariableOrArray,
    ksize: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    pad: int | tuple[int, int] = 0,
) -> Variable:
    """Two-dimensional average pooling of images: the mean of every window.

    The padding is zeros and is averaged in (every window is divided by ``kh * kw``); see
    :func:`average_pooling_nd` with ``pad_value=None`` to leave it out.  The output has
    shape ``(n, c, (h + 2 * ph - kh) // sy + 1, (w + 2 * pw - kw) // sx + 1)``.

    Args:
        x: The images, ``(n, c, h, w)``, floating point.
        ksize: The window size ``(kh, kw)`` (an int for both).
        stride: The stride ``(sy, sx)``; ``None`` means ``ksize``.
        pad: The zero padding ``(ph, pw)`` on both sides.

    Returns:
        The pooled Variable, ``(n, c, oh, ow)``.

    Raises:
        ValueError: If ``x`` is not 4-dimensional, or an argument is out of range.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or is too small
            for one window.
        TypeError: If ``ksize``, ``stride`` or ``pad`` is not an int (pair).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(16, dtype=numpy.float32).reshape(1, 1, 4, 4)
        >>> F.average_pooling_2d(x, 2).array.tolist()
        [[[[2.5, 4.5], [10.5, 12.5]]]]
    """
    check_2d(x)
    return AveragePoolingND(2, ksize, stride, pad, 0).apply((x,))[0]
