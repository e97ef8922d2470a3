"""Deformable convolution (:func:`deformable_convolution_2d_sampler`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils
from ..array import _shape_check
from ..array.pad import pad as _pad
from ..array.reshape import reshape
from ..array.spatial_transformer_sampler import spatial_transformer_sampler
from ..array.stack import stack
from ..loss._checks import array_of
from ..math.matmul import matmul

__all__ = ["deformable_convolution_2d_sampler"]


def _check(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x", "offset", "W", "b")[: len(in_types)])
    x_type, offset_type, w_type = in_types[:3]
    type_check.expect(
        x_type.dtype.kind == "f",
        offset_type.dtype == x_type.dtype,
        w_type.dtype == x_type.dtype,
        x_type.ndim == 4,
        offset_type.ndim == 4,
        w_type.ndim == 4,
    )
    type_check.expect(
        x_type.shape[1] == w_type.shape[1],
        offset_type.shape[0] == x_type.shape[0],
        offset_type.shape[1] == 2 * w_type.shape[2] * w_type.shape[3],
    )
    if len(in_types) == 4:
        b_type = in_types[3]
        type_check.expect(b_type.dtype == x_type.dtype, b_type.ndim == 1)
        type_check.expect(b_type.shape[0] == w_type.shape[0])


def deformable_convolution_2d_sampler(
    x: VariableOrArray,
    offset: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> Variable:
    """A two-dimensional convolution whose kernel points move by learned offsets.

    The kernel element ``k = p * kw + q`` of output position ``(i, j)`` reads ``x`` at
    ``(i * sy - ph + p + offset[:, kh * kw + k, i, j], j * sx - pw + q + offset[:, k, i, j])``
    (the first ``kh * kw`` offset channels move columns, the next ones rows, as in
    Chainer), interpolated bilinearly with zeros outside the image (Dai et al., 2017).
    It is :func:`~kusari.functions.spatial_transformer_sampler` followed by one matrix
    product, so it supports double backprop; ``offset`` gets gradients too.

    Args:
        x: The images, ``(N, C, H, W)`` (floating point).
        offset: The offsets, ``(N, 2 * kh * kw, out_h, out_w)``, of ``x``'s dtype, with
            ``out_h = (H + 2 * ph - kh) // sy + 1`` (likewise ``out_w``).
        W: The filters, ``(O, C, kh, kw)``.
        b: The biases, ``(O,)``, or ``None``.
        stride: ``sy`` and ``sx`` (an int for both).
        pad: The zero padding ``ph`` and ``pw`` on both sides.

    Returns:
        The output, ``(N, O, out_h, out_w)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.
        TypeError: If ``stride`` or ``pad`` is not an int (pair).
        ValueError: If one of them is out of range, or ``offset`` does not have the
            output's spatial size.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(6.0).reshape(1, 1, 2, 3)
        >>> W = numpy.ones((1, 1, 1, 1))
        >>> offset = numpy.zeros((1, 2, 2, 3))
        >>> offset[:, 0] = 1.0  # every point reads one column to the right
        >>> F.deformable_convolution_2d_sampler(x, offset, W).array.tolist()
        [[[[1.0, 2.0, 0.0], [4.0, 5.0, 0.0]]]]
    """
    sy, sx = _conv_utils.as_tuple(stride, 2, "stride")
    ph, pw = _conv_utils.as_tuple(pad, 2, "pad", minimum=0)
    arrays = [array_of(x), array_of(offset), array_of(W)] + ([] if b is None else [array_of(b)])
    _shape_check.run_type_check(_check, arrays, "deformable_convolution_2d_sampler")
    n, channels, height, width = arrays[0].shape
    out_c, _, kh, kw = arrays[2].shape
    out_h = (height + 2 * ph - kh) // sy + 1
    out_w = (width + 2 * pw - kw) // sx + 1
    if out_h <= 0 or out_w <= 0 or arrays[1].shape[2:] != (out_h, out_w):
        raise ValueError(
            f"deformable_convolution_2d_sampler: offset must have the output size "
            f"({out_h}, {out_w}) in its last two axes, got {arrays[1].shape[2:]}"
        )
    xp = _shape_check.xp_of(arrays[0])
    dtype = arrays[0].dtype
    padded_h, padded_w = height + 2 * ph, width + 2 * pw
    k = kh * kw
    # The kernel points in padded coordinates, (K, out_h, out_w) for rows and columns.
    kernel_rows = xp.arange(kh).repeat(kw)[:, None, None]
    kernel_cols = xp.tile(xp.arange(kw), kh)[:, None, None]
    rows = (kernel_rows + sy * xp.arange(out_h)[None, :, None]).astype(dtype)
    cols = (kernel_cols + sx * xp.arange(out_w)[None, None, :]).astype(dtype)
    offsets = reshape(offset, (n, 2, k, out_h, out_w))
    # The sampler's normalized coordinates: -1 and 1 are the padded image's corner pixels.
    u = (offsets[:, 0] + cols) * (2.0 / max(padded_w - 1, 1)) - 1.0
    v = (offsets[:, 1] + rows) * (2.0 / max(padded_h - 1, 1)) - 1.0
    grid = reshape(stack((u, v), axis=1), (n, 2, k * out_h, out_w))
    source = _pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant") if ph or pw else x
    sampled = spatial_transformer_sampler(source, grid)  # (n, c, k * out_h, out_w)
    columns = reshape(sampled, (n, channels * k, out_h * out_w))
    y = matmul(reshape(W, (out_c, channels * k)), columns)
    y = reshape(y, (n, out_c, out_h, out_w))
    if b is None:
        return y
    return y + reshape(b, (1, out_c, 1, 1))
