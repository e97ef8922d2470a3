"""Locally connected two-dimensional convolution (:func:`local_convolution_2d`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils
from ..array import _shape_check
from ..array.im2col import im2col
from ..array.reshape import reshape
from ..array.transpose import transpose
from ..loss._checks import array_of
from ..math.matmul import matmul

__all__ = ["local_convolution_2d"]


def _check(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x", "W", "b")[: len(in_types)])
    x_type, w_type = in_types[:2]
    type_check.expect(
        x_type.dtype.kind == "f", w_type.dtype == x_type.dtype, x_type.ndim == 4, w_type.ndim == 6
    )
    type_check.expect(x_type.shape[1] == w_type.shape[3])
    if len(in_types) == 3:
        b_type = in_types[2]
        type_check.expect(b_type.dtype == x_type.dtype, b_type.ndim == 3)
        type_check.expect(b_type.shape == w_type.shape[:3])


def local_convolution_2d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, int] = 1,
) -> Variable:
    """A two-dimensional convolution whose filters differ at every output position.

    ``y[n, o, i, j] = sum_{c, p, q} W[o, i, j, c, p, q] * x[n, c, i * sy + p, j * sx + q]
    + b[o, i, j]`` (no padding).  It is an ``im2col`` and one batched matrix product per
    output position, so it supports double backprop.

    Args:
        x: The images, ``(N, C, H, W)`` (floating point).
        W: The filters, ``(O, Ho, Wo, C, kh, kw)``, of ``x``'s dtype; ``(Ho, Wo)`` must be
            the output size ``((H - kh) // sy + 1, (W - kw) // sx + 1)``.
        b: The biases, ``(O, Ho, Wo)``, or ``None``.
        stride: ``sy`` and ``sx`` (an int for both).

    Returns:
        The output, ``(N, O, Ho, Wo)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes, ranks or channels do not fit.
        TypeError: If ``stride`` is not an int (pair).
        ValueError: If ``stride`` is out of range, the kernel is larger than the image,
            or ``W`` is not made for the output size (Chainer does not check it).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(3.0).reshape(1, 1, 1, 3)
        >>> W = numpy.array([1.0, 0.0, 0.0, 10.0]).reshape(1, 1, 2, 1, 1, 2)  # a kernel per output
        >>> F.local_convolution_2d(x, W).array.tolist()
        [[[[0.0, 20.0]]]]
    """
    sy, sx = _conv_utils.as_tuple(stride, 2, "stride")
    arrays = [array_of(x), array_of(W)] + ([] if b is None else [array_of(b)])
    _shape_check.run_type_check(_check, arrays, "local_convolution_2d")
    n, channels, height, width = arrays[0].shape
    out_c, out_h, out_w, _, kh, kw = arrays[1].shape
    if kh > height or kw > width:
        raise ValueError(
            f"local_convolution_2d: the kernel {(kh, kw)} is larger than the image "
            f"{(height, width)}"
        )
    expected = ((height - kh) // sy + 1, (width - kw) // sx + 1)
    if (out_h, out_w) != expected:
        raise ValueError(
            f"local_convolution_2d: W.shape[1:3] must be the output size {expected} of x "
            f"{arrays[0].shape} with a {(kh, kw)} kernel and stride {(sy, sx)}, "
            f"got {(out_h, out_w)}"
        )
    positions = out_h * out_w
    size = channels * kh * kw
    col = reshape(im2col(x, (kh, kw), (sy, sx)), (n, size, positions))
    filters = transpose(reshape(W, (out_c, positions, size)), (1, 2, 0))
    y = matmul(transpose(col, (2, 0, 1)), filters)  # (positions, n, out_c)
    y = reshape(transpose(y, (1, 2, 0)), (n, out_c, out_h, out_w))
    if b is None:
        return y
    return y + b
