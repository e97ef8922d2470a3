"""Dilated two-dimensional convolution (:func:`dilated_convolution_2d`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from .convolution_nd import ConvolutionND

__all__ = ["dilated_convolution_2d"]


def dilated_convolution_2d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
    dilate: int | tuple[int, int] = 1,
    cover_all: bool = False,
) -> Variable:
    """Two-dimensional convolution with a dilated filter (Chainer's argument order).

    The same as ``convolution_2d(x, W, b, stride, pad, cover_all, dilate=dilate)``: filter
    element ``(p, q)`` reads the input at offset ``(p * dy, q * dx)``, so a ``k x k`` filter
    spans ``(k - 1) * d + 1`` pixels.

    Args:
        x: The images, ``(n, c, h, w)``.
        W: The filter, ``(oc, c, kh, kw)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: ``sy`` and ``sx`` (an int for both).
        pad: The zero padding ``ph`` and ``pw`` on both sides.
        dilate: The dilation ``dy`` and ``dx``.
        cover_all: Whether the last window may hang over the end of the image.

    Returns:
        The output, ``(n, oc, oh, ow)`` with ``oh = (h + 2 * ph - (kh - 1) * dy - 1) // sy + 1``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes, ranks or channels do not fit.
        TypeError: If ``stride``, ``pad`` or ``dilate`` is not an int (pair).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(25, dtype=numpy.float32).reshape(1, 1, 5, 5)
        >>> W = numpy.ones((1, 1, 2, 2), numpy.float32)
        >>> F.dilated_convolution_2d(x, W, dilate=2).array[0, 0].tolist()
        [[24.0, 28.0, 32.0], [44.0, 48.0, 52.0], [64.0, 68.0, 72.0]]
    """
    func = ConvolutionND(2, stride, pad, cover_all, dilate, 1)
    if b is None:
        return func.apply((x, W))[0]
    return func.apply((x, W, b))[0]
