"""Two-dimensional unpooling (:func:`unpooling_2d`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from .unpooling_nd import UnpoolingND

__all__ = ["unpooling_2d"]


def unpooling_2d(
    x: VariableOrArray,
    ksize: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    pad: int | tuple[int, int] = 0,
    outsize: tuple[int, int] | None = None,
    cover_all: bool = True,
) -> Variable:
    """Two-dimensional unpooling: each pixel copied over its ``kh x kw`` window.

    The transpose of sum pooling: where windows overlap (``stride < ksize``) their values
    add up; rows and columns outside ``outsize`` or in the padding are dropped.  The output
    size defaults to ``sy * (h - 1) + kh - 2 * ph`` (``- sy + 1`` more with ``cover_all``).

    Args:
        x: The images, ``(n, c, h, w)``, floating point.
        ksize: The window size ``(kh, kw)`` (an int for both).
        stride: The stride ``(sy, sx)``; ``None`` means ``ksize``.
        pad: The padding ``(ph, pw)`` cropped from each side.
        outsize: ``(oh, ow)``; pooling it with these parameters must give ``(h, w)``.
        cover_all: Whether the pooling this inverts used ``cover_all``.

    Returns:
        The unpooled Variable, ``(n, c, oh, ow)``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not a floating point 4-d array or
            does not fit ``outsize``.
        TypeError: If ``ksize``, ``stride``, ``pad`` or ``outsize`` is not an int (pair).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[[[1.0, 2.0], [3.0, 4.0]]]], numpy.float32)
        >>> F.unpooling_2d(x, 2, cover_all=False).array[0, 0].tolist()
        [[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0], [3.0, 3.0, 4.0, 4.0], [3.0, 3.0, 4.0, 4.0]]
    """
    return UnpoolingND(2, ksize, stride, pad, outsize, cover_all).apply((x,))[0]
