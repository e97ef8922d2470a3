"""N-dimensional transposed convolution (:func:`deconvolution_nd`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils, _utils
from .._conv_utils import check_spatial_ndim
from ..math.sum import sum as sum_
from . import _conv_arrays
from .convolution_nd import ConvolutionND, ConvolutionNDGradW, check_conv_types, check_groups

__all__ = ["DeconvolutionND", "deconvolution_1d", "deconvolution_3d", "deconvolution_nd"]


@final
class DeconvolutionND(FunctionNode):
    """Transposed convolution over ``ndim`` spatial axes: the adjoint of :class:`ConvolutionND`.

    The inputs are ``x`` ``(n, c, *size)``, ``W`` ``(c, oc // groups, *ksize)`` and an
    optional bias ``b`` ``(oc,)``; the output is ``(n, oc, *outsize)``.

    Args:
        ndim: The number of spatial axes.
        stride: The stride of the corresponding convolution.
        pad: Its padding.
        outsize: The spatial shape of the output; ``None`` picks the smallest one,
            ``stride * (size - 1) + (ksize - 1) * dilate + 1 - 2 * pad``.
        dilate: The dilation of the filter.
        groups: The number of groups.
    """

    __slots__ = ("dilate", "groups", "ndim", "outsize", "pad", "stride")

    def __init__(
        self,
        ndim: int,
        stride: int | tuple[int, ...] = 1,
        pad: int | tuple[int, ...] = 0,
        outsize: Sequence[int] | None = None,
        dilate: int | tuple[int, ...] = 1,
        groups: int = 1,
    ) -> None:
        self.ndim = ndim
        self.stride = _conv_utils.as_tuple(stride, ndim, "stride")
        self.pad = _conv_utils.as_tuple(pad, ndim, "pad", minimum=0)
        self.outsize = (
            None if outsize is None else _conv_utils.as_tuple(tuple(outsize), ndim, "outsize")
        )
        self.dilate = _conv_utils.as_tuple(dilate, ndim, "dilate")
        self.groups = check_groups(groups)

    @property
    def label(self) -> str:
        """``Deconvolution2DFunction`` for 2 spatial axes (Chainer's name), else the ND name."""
        return "Deconvolution2DFunction" if self.ndim == 2 else "DeconvolutionND"

    def _outsize(self, size: Sequence[int], ksize: Sequence[int]) -> tuple[int, ...]:
        if self.outsize is not None:
            return self.outsize
        return _conv_utils.deconv_outsize(size, ksize, self.stride, self.pad, False, self.dilate)

    def _cover_all(self, size: Sequence[int], ksize: Sequence[int]) -> bool:
        """Whether the convolution back from the output needs ``cover_all`` to get ``size``."""
        outsize = self._outsize(size, ksize)
        plain = _conv_utils.conv_outsize(outsize, ksize, self.stride, self.pad, False, self.dilate)
        return plain != tuple(size)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """The convolution checks, and an ``outsize`` consistent with the input's size."""
        check_conv_types(in_types, self.ndim, self.groups, transposed=True)
        size = tuple(type_check.eval(in_types[0].shape)[2:])
        ksize = tuple(type_check.eval(in_types[1].shape)[2:])
        outsize = self._outsize(size, ksize)
        if any(o <= 0 for o in outsize):
            raise type_check.InvalidType(
                "output size > 0",
                f"output size {outsize} for x.shape[2:] = {size}, W.shape[2:] = {ksize}, "
                f"stride = {self.stride}, pad = {self.pad}, dilate = {self.dilate}",
            )
        if self.outsize is not None:
            lower = _conv_utils.conv_outsize(
                outsize, ksize, self.stride, self.pad, False, self.dilate
            )
            upper = _conv_utils.conv_outsize(
                outsize, ksize, self.stride, self.pad, True, self.dilate
            )
            if not all(lo <= s <= up for lo, s, up in zip(lower, size, upper, strict=True)):
                raise type_check.InvalidType(
                    "a convolution of outsize gives x's size: "
                    "conv_outsize(outsize) <= x.shape[2:] <= conv_outsize(outsize, cover_all)",
                    f"{lower} <= {size} <= {upper} does not hold for outsize = {outsize}",
                )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """One batched GEMM and a col2im."""
        self.retain_inputs((0, 1))
        x, W = inputs[0], inputs[1]
        outsize = self._outsize(x.shape[2:], W.shape[2:])
        y = _conv_arrays.conv_grad_x(
            x, W, outsize, self.stride, self.pad, self.dilate, self.groups
        )
        if len(inputs) == 3:
            y += inputs[2].reshape((1, -1) + (1,) * self.ndim)
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """A convolution for ``x``, :class:`ConvolutionNDGradW` (of ``gy`` by ``x``) for ``W``."""
        gy = _utils.first_grad(grad_outputs)
        x, W = self.get_retained_inputs()
        cover_all = self._cover_all(x.shape[2:], W.shape[2:])
        result: list[Variable | None] = []
        if 0 in target_input_indexes:
            conv = ConvolutionND(
                self.ndim, self.stride, self.pad, cover_all, self.dilate, self.groups
            )
            result.append(conv.apply((gy, W))[0])
        if 1 in target_input_indexes:
            grad_w = ConvolutionNDGradW(
                W.shape, self.stride, self.pad, cover_all, self.dilate, self.groups
            )
            result.append(grad_w.apply((gy, x))[0])
        if 2 in target_input_indexes:
            result.append(sum_(gy, axis=(0, *range(2, self.ndim + 2))))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The same on arrays, with one im2col of ``gy`` shared by both gradients."""
        gy = grad_outputs[0]
        assert gy is not None
        W = self.retained_input_array(1)
        size = self.retained_input_array(0).shape[2:]
        ksize = W.shape[2:]
        result: list[Array | None] = []
        if 0 in target_input_indexes or 1 in target_input_indexes:
            cover_all = self._cover_all(size, ksize)
            col, out_size = _conv_arrays.conv_columns(
                gy, ksize, self.stride, self.pad, cover_all, self.dilate, self.groups
            )
            if 0 in target_input_indexes:
                result.append(_conv_arrays.conv_from_columns(col, W, out_size, self.groups))
            if 1 in target_input_indexes:
                x = self.retained_input_array(0)
                result.append(_conv_arrays.conv_grad_w(col, x, W.shape, self.groups))
        if 2 in target_input_indexes:
            result.append(gy.sum(axis=(0, *range(2, self.ndim + 2))))
        return tuple(result)


def deconvolution_nd(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, ...] = 1,
    pad: int | tuple[int, ...] = 0,
    outsize: Sequence[int] | None = None,
    dilate: int | tuple[int, ...] = 1,
    groups: int = 1,
) -> Variable:
    """N-dimensional transposed convolution (the gradient of a convolution by its input).

    With ``x`` of shape ``(n, c, s_1, ..., s_d)`` and ``W`` of shape
    ``(c, oc // groups, k_1, ..., k_d)``, the output has shape ``(n, oc, o_1, ..., o_d)``
    with ``o_i = stride_i * (s_i - 1) + (k_i - 1) * dilate_i + 1 - 2 * pad_i`` unless
    ``outsize`` says otherwise.  It is one batched GEMM and a col2im.

    Args:
        x: The input, ``(n, c, *size)``.
        W: The filter, ``(c, oc // groups, *ksize)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: The stride of the corresponding convolution.
        pad: Its padding.
        outsize: The spatial output shape; it must be one that a convolution with these
            parameters maps back to ``x``'s size (with or without ``cover_all``).
        dilate: The dilation of the filter.
        groups: Split the channels into this many groups.

    Returns:
        The output, ``(n, oc, *outsize)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes, ranks, channels or ``outsize``
            do not fit.
        TypeError: If ``stride``, ``pad``, ``dilate``, ``outsize`` or ``groups`` is not an
            int (tuple).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.ones((1, 1, 3), numpy.float32)
        >>> W = numpy.ones((1, 1, 2), numpy.float32)
        >>> F.deconvolution_nd(x, W, stride=2).array.tolist()
        [[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]]
    """
    ndim = len(x.shape) - 2
    func = DeconvolutionND(ndim, stride, pad, outsize, dilate, groups)
    if b is None:
        return func.apply((x, W))[0]
    return func.apply((x, W, b))[0]


def deconvolution_1d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int] = 1,
    pad: int | tuple[int] = 0,
    outsize: Sequence[int] | None = None,
    dilate: int | tuple[int] = 1,
    groups: int = 1,
) -> Variable:
    """One-dimensional transposed convolution: :func:`deconvolution_nd` for ``(n, c, l)``.

    Args:
        x: The input, ``(n, c, l)``.
        W: The filter, ``(c, oc // groups, k)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: The stride of the corresponding convolution.
        pad: Its padding.
        outsize: The output length, as a 1-tuple.
        dilate: The dilation.
        groups: The number of groups.

    Returns:
        The output, ``(n, oc, out_l)``.

    Raises:
        ValueError: If ``x`` does not have exactly one spatial axis.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.deconvolution_1d(numpy.ones((1, 1, 3)), numpy.ones((1, 1, 2))).array.tolist()
        [[[1.0, 2.0, 2.0, 1.0]]]
    """
    check_spatial_ndim(x.shape, 1)
    return deconvolution_nd(x, W, b, stride, pad, outsize, dilate, groups)


def deconvolution_3d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, int, int] = 1,
    pad: int | tuple[int, int, int] = 0,
    outsize: Sequence[int] | None = None,
    dilate: int | tuple[int, int, int] = 1,
    groups: int = 1,
) -> Variable:
    """Three-dimensional transposed convolution: :func:`deconvolution_nd` for 5-d inputs.

    Args:
        x: The input, ``(n, c, d, h, w)``.
        W: The filter, ``(c, oc // groups, kd, kh, kw)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: The stride of the corresponding convolution.
        pad: Its padding.
        outsize: ``(od, oh, ow)``.
        dilate: The dilation.
        groups: The number of groups.

    Returns:
        The output, ``(n, oc, od, oh, ow)``.

    Raises:
        ValueError: If ``x`` does not have exactly three spatial axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.deconvolution_3d(numpy.ones((1, 1, 2, 2, 2)), numpy.ones((1, 3, 2, 2, 2))).shape
        (1, 3, 3, 3, 3)
    """
    check_spatial_ndim(x.shape, 3)
    return deconvolution_nd(x, W, b, stride, pad, outsize, dilate, groups)
