"""N-dimensional unpooling (:func:`unpooling_nd`): the transpose of sum pooling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils, _utils
from . import _pooling_arrays
from .max_pooling_nd import pooling_args

__all__ = ["UnpoolingND", "UnpoolingNDGrad", "unpooling_1d", "unpooling_3d", "unpooling_nd"]


def check_outsize(
    size: tuple[int, ...],
    outsize: tuple[int, ...],
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    cover_all: bool,
) -> None:
    """``outsize`` must pool back to ``size`` (with the same ``cover_all``)."""
    pooled = _conv_utils.conv_outsize(outsize, ksize, stride, pad, cover_all)
    if pooled != size:
        raise type_check.InvalidType(
            "x.shape[2:] == the pooled size of outsize",
            f"{size} != {pooled} (outsize = {outsize}, ksize = {tuple(ksize)}, stride = "
            f"{tuple(stride)}, pad = {tuple(pad)}, cover_all = {cover_all})",
        )
    if any(o <= 0 for o in outsize):
        raise type_check.InvalidType("output size > 0", f"output size {outsize}")


@final
class UnpoolingND(FunctionNode):
    """Every input element copied to all the positions of its window; overlaps add up.

    Args:
        ndim: The number of spatial axes.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding cropped from the result.
        outsize: The spatial output shape; ``None`` derives it from the input.
        cover_all: Whether the pooling this inverts used ``cover_all``.
    """

    __slots__ = ("_in_shape", "cover_all", "ksize", "ndim", "outsize", "pad", "stride")

    def __init__(
        self,
        ndim: int,
        ksize: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        pad: int | Sequence[int] = 0,
        outsize: Sequence[int] | None = None,
        cover_all: bool = True,
    ) -> None:
        self.ndim = ndim
        self.ksize, self.stride, self.pad = pooling_args(ndim, ksize, stride, pad)
        self.outsize = None if outsize is None else _conv_utils.as_tuple(outsize, ndim, "outsize")
        self.cover_all = bool(cover_all)
        self._in_shape: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """``Unpooling2D`` for 2 spatial axes (Chainer's name), else ``UnpoolingND``."""
        return "Unpooling2D" if self.ndim == 2 else "UnpoolingND"

    def _outsize(self, size: Sequence[int]) -> tuple[int, ...]:
        if self.outsize is not None:
            return self.outsize
        return _conv_utils.deconv_outsize(size, self.ksize, self.stride, self.pad, self.cover_all)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """A floating point input with ``ndim + 2`` axes that ``outsize`` pools back to."""
        type_check.expect(in_types.size() == 1)
        type_check.argname(in_types, ("x",))
        (x_type,) = in_types
        type_check.expect(x_type.dtype.kind == "f", x_type.ndim == self.ndim + 2)
        size = tuple(type_check.eval(x_type.shape)[2:])
        check_outsize(size, self._outsize(size), self.ksize, self.stride, self.pad, self.cover_all)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Spread each element over its window (a col2im of the broadcast input)."""
        (x,) = inputs
        self._in_shape = x.shape
        out_shape = x.shape[:2] + self._outsize(x.shape[2:])
        return (_pooling_arrays.spread(x, out_shape, self.ksize, self.stride, self.pad),)

    def sum_windows(self, gy: Array) -> Array:
        """The adjoint: the sum over each window of ``gy``."""
        return _pooling_arrays.window_sum(
            gy, self.ksize, self.stride, self.pad, cover_all=self.cover_all
        )

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """:class:`UnpoolingNDGrad`: the window sums of ``gy``."""
        return (UnpoolingNDGrad(self).apply((_utils.first_grad(grad_outputs),))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The window sums of ``gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.sum_windows(gy),)


@final
class UnpoolingNDGrad(FunctionNode):
    """The gradient of :class:`UnpoolingND`: window sums (linear; its adjoint is unpooling).

    Args:
        unpool: The forward function.
    """

    __slots__ = ("unpool",)

    def __init__(self, unpool: UnpoolingND) -> None:
        self.unpool = unpool

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum every window."""
        return (self.unpool.sum_windows(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Unpool the gradient again."""
        u = self.unpool
        func = UnpoolingND(
            u.ndim, u.ksize, u.stride, u.pad, u._outsize(u._in_shape[2:]), u.cover_all
        )
        return (func.apply((_utils.first_grad(grad_outputs),))[0],)


def unpooling_nd(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    outsize: Sequence[int] | None = None,
    cover_all: bool = True,
) -> Variable:
    """N-dimensional unpooling: each element copied over the window it would pool from.

    It is the transpose of sum pooling with the same window: output positions covered by
    several windows receive the sum of their elements, and positions outside ``outsize``
    (or in the padding) are dropped.  The output size defaults to
    ``stride * (size - 1) + ksize - 2 * pad``, or ``... - stride + 1`` with ``cover_all``.

    Args:
        x: The input, ``(n, c, *size)``, floating point.
        ksize: The window size: an int for every axis or a tuple of ``d`` ints.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding cropped from each side.
        outsize: The spatial output shape; pooling it with these parameters must give
            ``size``.
        cover_all: Whether the pooling that this inverts used ``cover_all``.

    Returns:
        The unpooled Variable, ``(n, c, *outsize)``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point, has the wrong
            number of axes, or does not fit ``outsize``.
        TypeError: If ``ksize``, ``stride``, ``pad`` or ``outsize`` is not an int (tuple).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[[1.0, 2.0, 3.0]]], numpy.float32)
        >>> F.unpooling_nd(x, 2, cover_all=False).array.tolist()
        [[[1.0, 1.0, 2.0, 2.0, 3.0, 3.0]]]
        >>> F.unpooling_nd(x, 2, stride=1).array.tolist()
        [[[1.0, 3.0, 5.0, 3.0]]]
    """
    ndim = len(x.shape) - 2
    return UnpoolingND(ndim, ksize, stride, pad, outsize, cover_all).apply((x,))[0]


def unpooling_1d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    outsize: Sequence[int] | None = None,
    cover_all: bool = True,
) -> Variable:
    """1-d unpooling: :func:`unpooling_nd` for ``x`` of shape ``(n, c, l)``.

    Args:
        x: The input, ``(n, c, l)``.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding cropped from each side.
        outsize: The spatial output shape.
        cover_all: Whether the pooling this inverts used ``cover_all``.

    Returns:
        The unpooled Variable.

    Raises:
        ValueError: If ``x`` does not have exactly 1 spatial axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.unpooling_1d(numpy.array([[[1.0, 2.0]]]), 2, cover_all=False).array.tolist()
        [[[1.0, 1.0, 2.0, 2.0]]]
    """
    _conv_utils.check_spatial_ndim(x.shape, 1)
    return UnpoolingND(1, ksize, stride, pad, outsize, cover_all).apply((x,))[0]


def unpooling_3d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    outsize: Sequence[int] | None = None,
    cover_all: bool = True,
) -> Variable:
    """3-d unpooling: :func:`unpooling_nd` for ``x`` of shape ``(n, c, d, h, w)``.

    Args:
        x: The input, ``(n, c, d, h, w)``.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding cropped from each side.
        outsize: The spatial output shape.
        cover_all: Whether the pooling this inverts used ``cover_all``.

    Returns:
        The unpooled Variable.

    Raises:
        ValueError: If ``x`` does not have exactly 3 spatial axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.unpooling_3d(numpy.ones((1, 1, 2, 2, 2)), 2, cover_all=False).shape
        (1, 1, 4, 4, 4)
    """
    _conv_utils.check_spatial_ndim(x.shape, 3)
    return UnpoolingND(3, ksize, stride, pad, outsize, cover_all).apply((x,))[0]
