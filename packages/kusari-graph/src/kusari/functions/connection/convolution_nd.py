"""N-dimensional convolution (:func:`convolution_nd`) and its filter gradient."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, config, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils, _utils
from ..math.sum import sum as sum_
from . import _conv_arrays

__all__ = [
    "ConvolutionND",
    "ConvolutionNDGradW",
    "convolution_1d",
    "convolution_3d",
    "convolution_nd",
]


def _bias_shape(ndim: int) -> tuple[int, ...]:
    return (1, -1) + (1,) * ndim


def _bias_axes(ndim: int) -> tuple[int, ...]:
    return (0, *range(2, ndim + 2))


@final
class ConvolutionND(FunctionNode):
    """Convolution over ``ndim`` spatial axes, with groups and dilation.

    The inputs are ``x`` ``(n, c, *size)``, ``W`` ``(oc, c // groups, *ksize)`` and an
    optional bias ``b`` ``(oc,)``; the output is ``(n, oc, *out_size)``.

    Args:
        ndim: The number of spatial axes.
        stride: The stride (an int for every axis, or one per axis).
        pad: The zero padding on both sides of each axis.
        cover_all: Whether the last window may hang over the end of the input.
        dilate: The dilation of the filter.
        groups: The number of groups the channels are split into.
    """

    __slots__ = ("_col", "cover_all", "dilate", "groups", "ndim", "pad", "stride")

    def __init__(
        self,
        ndim: int,
        stride: int | tuple[int, ...] = 1,
        pad: int | tuple[int, ...] = 0,
        cover_all: bool = False,
        dilate: int | tuple[int, ...] = 1,
        groups: int = 1,
    ) -> None:
        self.ndim = ndim
        self.stride = _conv_utils.as_tuple(stride, ndim, "stride")
        self.pad = _conv_utils.as_tuple(pad, ndim, "pad", minimum=0)
        self.cover_all = bool(cover_all)
        self.dilate = _conv_utils.as_tuple(dilate, ndim, "dilate")
        self.groups = check_groups(groups)
        self._col: Array | None = None

    @property
    def label(self) -> str:
        """``Convolution2DFunction`` for 2 spatial axes (Chainer's name), else the ND name."""
        return "Convolution2DFunction" if self.ndim == 2 else "ConvolutionND"

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` and ``W`` of one floating dtype, ``ndim + 2`` axes, matching channels."""
        check_conv_types(in_types, self.ndim, self.groups, transposed=False)
        x_type, w_type = in_types[0], in_types[1]
        size = type_check.eval(x_type.shape)[2:]
        ksize = type_check.eval(w_type.shape)[2:]
        out = _conv_utils.conv_outsize(
            size, ksize, self.stride, self.pad, self.cover_all, self.dilate
        )
        if any(o <= 0 for o in out):
            raise type_check.InvalidType(
                "the dilated filter fits in the padded input (output size > 0)",
                f"x.shape = {tuple(size)}, W.shape = {tuple(ksize)} (spatial), pad = "
                f"{self.pad}, dilate = {self.dilate}: output size {out}",
            )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Convolve: one im2col copy and one batched GEMM (the columns are kept for backward)."""
        self.retain_inputs((0, 1))
        x, W = inputs[0], inputs[1]
        y, col = _conv_arrays.conv_forward(
            x, W, self.stride, self.pad, self.cover_all, self.dilate, self.groups
        )
        if len(inputs) == 3:
            y += inputs[2].reshape(_bias_shape(self.ndim))
        self._col = col if config.enable_backprop else None
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """A transposed convolution for ``x``, :class:`ConvolutionNDGradW` for ``W``."""
        gy = _utils.first_grad(grad_outputs)
        x, W = self.get_retained_inputs()
        result: list[Variable | None] = []
        if 0 in target_input_indexes:
            from .deconvolution_nd import DeconvolutionND  # circular: it uses ours

            deconv = DeconvolutionND(
                self.ndim, self.stride, self.pad, x.shape[2:], self.dilate, self.groups
            )
            result.append(deconv.apply((gy, W))[0])
        if 1 in target_input_indexes:
            grad_w = ConvolutionNDGradW(
                W.shape, self.stride, self.pad, self.cover_all, self.dilate, self.groups
            )
            result.append(grad_w.apply((x, gy))[0])
        if 2 in target_input_indexes:
            result.append(sum_(gy, axis=_bias_axes(self.ndim)))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The same on arrays, reusing the forward pass's columns for ``W``."""
        gy = grad_outputs[0]
        assert gy is not None
        W = self.retained_input_array(1)
        result: list[Array | None] = []
        if 0 in target_input_indexes:
            size = self.retained_input_array(0).shape[2:]
            result.append(
                _conv_arrays.conv_grad_x(
                    gy, W, size, self.stride, self.pad, self.dilate, self.groups
                )
            )
        if 1 in target_input_indexes:
            col = self._col
            if col is None:
                col, _ = _conv_arrays.conv_columns(
                    self.retained_input_array(0),
                    W.shape[2:],
                    self.stride,
                    self.pad,
                    self.cover_all,
                    self.dilate,
                    self.groups,
                )
            result.append(_conv_arrays.conv_grad_w(col, gy, W.shape, self.groups))
        if 2 in target_input_indexes:
            result.append(gy.sum(axis=_bias_axes(self.ndim)))
        return tuple(result)


@final
class ConvolutionNDGradW(FunctionNode):
    """The filter gradient of :class:`ConvolutionND`, from ``x`` and ``gy``.

    It is differentiable: its own gradients are a transposed convolution (for ``x``) and a
    convolution (for ``gy``), so convolutions support double backprop.

    Args:
        w_shape: The shape of the filter.
        stride: The stride.
        pad: The padding.
        cover_all: The forward convolution's ``cover_all``.
        dilate: The dilation.
        groups: The number of groups.
    """

    __slots__ = ("cover_all", "dilate", "groups", "pad", "stride", "w_shape")

    def __init__(
        self,
        w_shape: tuple[int, ...],
        stride: tuple[int, ...],
        pad: tuple[int, ...],
        cover_all: bool,
        dilate: tuple[int, ...],
        groups: int,
    ) -> None:
        self.w_shape = w_shape
        self.stride = stride
        self.pad = pad
        self.cover_all = cover_all
        self.dilate = dilate
        self.groups = groups

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """``sum_n gy[n] @ im2col(x)[n].T``."""
        self.retain_inputs((0, 1))
        x, gy = inputs
        col, _ = _conv_arrays.conv_columns(
            x, self.w_shape[2:], self.stride, self.pad, self.cover_all, self.dilate, self.groups
        )
        return (_conv_arrays.conv_grad_w(col, gy, self.w_shape, self.groups),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``deconv(gy, ggW)`` for ``x`` and ``conv(x, ggW)`` for ``gy``."""
        ggw = _utils.first_grad(grad_outputs)
        x, gy = self.get_retained_inputs()
        ndim = len(self.w_shape) - 2
        result: list[Variable | None] = []
        if 0 in target_input_indexes:
            from .deconvolution_nd import DeconvolutionND  # circular: it uses ours

            deconv = DeconvolutionND(
                ndim, self.stride, self.pad, x.shape[2:], self.dilate, self.groups
            )
            result.append(deconv.apply((gy, ggw))[0])
        if 1 in target_input_indexes:
            conv = ConvolutionND(
                ndim, self.stride, self.pad, self.cover_all, self.dilate, self.groups
            )
            result.append(conv.apply((x, ggw))[0])
        return tuple(result)


def check_groups(groups: object) -> int:
    if isinstance(groups, bool) or not isinstance(groups, int):
        raise TypeError(f"groups must be an int, got {type(groups).__name__}")
    if groups < 1:
        raise ValueError(f"groups must be >= 1, got {groups}")
    return groups


def check_conv_types(in_types: TypeInfoTuple, ndim: int, groups: int, *, transposed: bool) -> None:
    """The type check shared by convolution and deconvolution.

    ``x`` and ``W`` (and ``b``) share one floating dtype; ``x`` and ``W`` have ``ndim + 2``
    axes; the channels match (``x.shape[1] == W.shape[1] * groups`` for a convolution,
    ``x.shape[1] == W.shape[0]`` for a transposed one) and ``b`` has one entry per output
    channel.
    """
    n_in = type_check.eval(in_types.size())
    type_check.expect(in_types.size() >= 2, in_types.size() <= 3)
    names = ("x", "W", "b")[:n_in]
    type_check.argname(in_types, names)
    x_type, w_type = in_types[0], in_types[1]
    type_check.expect(
        x_type.dtype.kind == "f",
        w_type.dtype == x_type.dtype,
        x_type.ndim == ndim + 2,
        w_type.ndim == ndim + 2,
    )
    if transposed:
        type_check.expect(
            x_type.shape[1] == w_type.shape[0],
            w_type.shape[0] % groups == 0,
        )
        out_channels = w_type.shape[1] * groups
    else:
        type_check.expect(
            x_type.shape[1] == w_type.shape[1] * groups,
            w_type.shape[0] % groups == 0,
        )
        out_channels = w_type.shape[0]
    if n_in == 3:
        b_type = in_types[2]
        type_check.expect(
            b_type.dtype == x_type.dtype,
            b_type.ndim == 1,
            b_type.shape[0] == out_channels,
        )


def convolution_nd(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, ...] = 1,
    pad: int | tuple[int, ...] = 0,
    cover_all: bool = False,
    dilate: int | tuple[int, ...] = 1,
    groups: int = 1,
) -> Variable:
    """N-dimensional convolution (cross-correlation, as in every deep-learning framework).

    With ``x`` of shape ``(n, c, s_1, ..., s_d)`` and ``W`` of shape
    ``(oc, c // groups, k_1, ..., k_d)``, the output has shape ``(n, oc, o_1, ..., o_d)``
    with ``o_i = (s_i + 2 * p_i - (k_i - 1) * dilate_i - 1) // stride_i + 1`` (one more
    when ``cover_all`` needs it).  It is computed with one im2col copy and one batched GEMM.

    Args:
        x: The input, ``(n, c, *size)``.
        W: The filter, ``(oc, c // groups, *ksize)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: The stride: an int for every axis, or a tuple of ``d`` ints.
        pad: The zero padding on both sides of each axis.
        cover_all: If ``True``, the last window may hang over the end, so that every input
            element is used.
        dilate: The dilation of the filter.
        groups: Split the channels into this many groups, each convolved separately.

    Returns:
        The output, ``(n, oc, *out_size)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes, ranks or channels do not fit.
        TypeError: If ``stride``, ``pad``, ``dilate`` or ``groups`` is not an int (tuple).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.ones((1, 1, 5), numpy.float32)
        >>> W = numpy.ones((2, 1, 3), numpy.float32)
        >>> F.convolution_nd(x, W, pad=1).array.tolist()
        [[[2.0, 3.0, 3.0, 3.0, 2.0], [2.0, 3.0, 3.0, 3.0, 2.0]]]
    """
    ndim = len(x.shape) - 2
    func = ConvolutionND(ndim, stride, pad, cover_all, dilate, groups)
    if b is None:
        return func.apply((x, W))[0]
    return func.apply((x, W, b))[0]


def convolution_1d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int] = 1,
    pad: int | tuple[int] = 0,
    cover_all: bool = False,
    dilate: int | tuple[int] = 1,
    groups: int = 1,
) -> Variable:
    """One-dimensional convolution: :func:`convolution_nd` for ``x`` of shape ``(n, c, l)``.

    Args:
        x: The input, ``(n, c, l)``.
        W: The filter, ``(oc, c // groups, k)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: The stride.
        pad: The zero padding on both sides.
        cover_all: Whether the last window may hang over the end.
        dilate: The dilation.
        groups: The number of groups.

    Returns:
        The output, ``(n, oc, out_l)``.

    Raises:
        ValueError: If ``x`` does not have exactly one spatial axis.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.convolution_1d(numpy.ones((1, 1, 4)), numpy.ones((1, 1, 2)))
        >>> y.array.tolist()
        [[[2.0, 2.0, 2.0]]]
    """
    _conv_utils.check_spatial_ndim(x.shape, 1)
    return convolution_nd(x, W, b, stride, pad, cover_all, dilate, groups)


def convolution_3d(
    x: VariableOrArray,
    W: VariableOrArray,
    b: VariableOrArray | None = None,
    stride: int | tuple[int, int, int] = 1,
    pad: int | tuple[int, int, int] = 0,
    cover_all: bool = False,
    dilate: int | tuple[int, int, int] = 1,
    groups: int = 1,
) -> Variable:
    """Three-dimensional convolution: :func:`convolution_nd` for ``(n, c, d, h, w)`` inputs.

    Args:
        x: The input, ``(n, c, d, h, w)``.
        W: The filter, ``(oc, c // groups, kd, kh, kw)``.
        b: The bias, ``(oc,)``, or ``None``.
        stride: The stride.
        pad: The zero padding on both sides.
        cover_all: Whether the last window may hang over the end.
        dilate: The dilation.
        groups: The number of groups.

    Returns:
        The output, ``(n, oc, od, oh, ow)``.

    Raises:
        ValueError: If ``x`` does not have exactly three spatial axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.convolution_3d(numpy.ones((1, 1, 3, 3, 3)), numpy.ones((2, 1, 2, 2, 2))).shape
        (1, 2, 2, 2, 2)
    """
    _conv_utils.check_spatial_ndim(x.shape, 3)
    return convolution_nd(x, W, b, stride, pad, cover_all, dilate, groups)
