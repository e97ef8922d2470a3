"""Two-dimensional convolution (:func:`convolution_2d`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from .convolution_nd import ConvolutionND

__all__ = ["convolution_2d"]


def convolution_2d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
    cover_all: bool = False,
    *,
    dilate: int | tuple[int, int] = 1,
    groups: int = 1,
) -> Variable:
    """Two-dimensional convolution (cross-correlation) of images.

    With ``x`` of shape ``(n, c, h, w)`` and ``W`` of shape ``(oc, c // groups, kh, kw)``,
    the output has shape ``(n, oc, oh, ow)`` where
    ``oh = (h + 2 * ph - (kh - 1) * dh - 1) // sy + 1`` (likewise ``ow``), plus one when
    ``cover_all`` needs it::

        y[n, o, i, j] = b[o] + sum_{c, p, q} W[o, c, p, q] * x_pad[n, c, i*sy + p*dh, j*sx + q*dw]

    It runs as one im2col copy (a strided view of the padded input) and one batched GEMM;
    backward is a GEMM plus a col2im for ``x`` and a batched GEMM for ``W``.  Supports
    double backprop.

    Args:
        x: The images, ``(n, c, h, w)``.
        W: The filter, ``(oc, c // groups, kh, kw)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: ``sy`` and ``sx``: an int for both, or a pair.
        pad: The zero padding ``ph`` and ``pw`` on both sides.
        cover_all: If ``True``, the last window may hang over the end of the image, so
            that every pixel is used.
        dilate: The dilation ``dh`` and ``dw`` of the filter.
        groups: Split the channels into this many groups, each convolved separately.

    Returns:
        The output, ``(n, oc, oh, ow)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes, ranks or channels do not fit.
        TypeError: If ``stride``, ``pad``, ``dilate`` or ``groups`` is not an int (pair).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(16, dtype=numpy.float32).reshape(1, 1, 4, 4)
        >>> W = numpy.ones((1, 1, 2, 2), numpy.float32)
        >>> y = F.convolution_2d(x, W, stride=2)
        >>> y.shape
        (1, 1, 2, 2)
        >>> y.array.tolist()
        [[[[10.0, 18.0], [42.0, 50.0]]]]
    """
    func = ConvolutionND(2, stride, pad, cover_all, dilate, groups)
    if b is None:
        return func.apply((x, W))[0]
    return func.apply((x, W, b))[0]
