"""Depthwise two-dimensional convolution (:func:`depthwise_convolution_2d`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray, type_check

from ..array.reshape import reshape
from ..array.transpose import transpose
from .convolution_nd import ConvolutionND

__all__ = ["depthwise_convolution_2d"]


def depthwise_convolution_2d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> Variable:
    """Depthwise convolution: each input channel convolved with its own filters.

    ``W`` has shape ``(multiplier, c, kh, kw)``; input channel ``i`` is convolved with the
    ``multiplier`` filters ``W[:, i]``, and output channel ``i * multiplier + m`` holds
    filter ``m`` of channel ``i`` (Chainer's order).  It is a grouped convolution with
    ``groups = c``, so it shares its GEMM path and supports double backprop.

    Args:
        x: The images, ``(n, c, h, w)``.
        W: The filters, ``(multiplier, c, kh, kw)``.
        b: The bias, ``(c * multiplier,)``, or ``None``.
        stride: ``sy`` and ``sx`` (an int for both).
        pad: The zero padding ``ph`` and ``pw`` on both sides.

    Returns:
        The output, ``(n, c * multiplier, oh, ow)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes, ranks or channels do not fit.
        TypeError: If ``stride`` or ``pad`` is not an int (pair).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([1.0, 10.0], numpy.float32).reshape(1, 2, 1, 1)
        >>> W = numpy.array([[1.0, 2.0], [3.0, 4.0]], numpy.float32).reshape(2, 2, 1, 1)
        >>> F.depthwise_convolution_2d(x, W).array.ravel().tolist()
        [1.0, 3.0, 20.0, 40.0]
    """
    w_shape = W.shape
    if len(w_shape) != 4:
        raise type_check.InvalidType(
            "W.ndim == 4",
            f"{len(w_shape)} != 4",
            "Invalid operation is performed in: depthwise_convolution_2d (Forward)\n\n"
            f"Expect: W.ndim == 4\nActual: {len(w_shape)} != 4",
        )
    multiplier, channels, kh, kw = w_shape
    filters = reshape(transpose(W, (1, 0, 2, 3)), (channels * multiplier, 1, kh, kw))
    func = ConvolutionND(2, stride, pad, False, 1, channels)
    if b is None:
        return func.apply((x, filters))[0]
    return func.apply((x, filters, b))[0]
