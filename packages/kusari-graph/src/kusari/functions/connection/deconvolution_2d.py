"""Two-dimensional transposed convolution (:func:`deconvolution_2d`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from .deconvolution_nd import DeconvolutionND

__all__ = ["deconvolution_2d"]


def deconvolution_2d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
    outsize: tuple[int, int] | None = None,
    *,
    dilate: int | tuple[int, int] = 1,
    groups: int = 1,
) -> Variable:
    """Two-dimensional transposed convolution ("deconvolution") of images.

    It is the gradient of :func:`convolution_2d` with respect to its input: with ``x`` of
    shape ``(n, c, h, w)`` and ``W`` of shape ``(c, oc // groups, kh, kw)``, the output has
    shape ``(n, oc, oh, ow)`` with ``oh = sy * (h - 1) + (kh - 1) * dh + 1 - 2 * ph``
    (likewise ``ow``) unless ``outsize`` is given.  Computed as one batched GEMM and a
    col2im; supports double backprop.

    Args:
        x: The images, ``(n, c, h, w)``.
        W: The filter, ``(c, oc // groups, kh, kw)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: ``sy`` and ``sx`` of the corresponding convolution.
        pad: Its padding ``ph`` and ``pw``.
        outsize: ``(oh, ow)``; it must be a size that :func:`convolution_2d` with these
            parameters maps back to ``(h, w)`` (with or without ``cover_all``).
        dilate: The dilation of the filter.
        groups: Split the channels into this many groups.

    Returns:
        The output, ``(n, oc, oh, ow)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes, ranks, channels or ``outsize``
            do not fit.
        TypeError: If ``stride``, ``pad``, ``dilate``, ``outsize`` or ``groups`` is not an
            int (pair).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.ones((1, 1, 2, 2), numpy.float32)
        >>> W = numpy.ones((1, 1, 3, 3), numpy.float32)
        >>> y = F.deconvolution_2d(x, W, stride=2, pad=1)
        >>> y.shape
        (1, 1, 3, 3)
        >>> y.array[0, 0].tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    func = DeconvolutionND(2, stride, pad, outsize, dilate, groups)
    if b is None:
        return func.apply((x, W))[0]
    return func.apply((x, W, b))[0]
