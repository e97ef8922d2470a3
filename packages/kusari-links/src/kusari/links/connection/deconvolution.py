"""The transposed convolution links: ``Deconvolution2D``, ``DeconvolutionND``, 1D and 3D."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kusari.functions import deconvolution_2d, deconvolution_nd
from kusari.graph import Variable, VariableOrArray

from .._parameter import ParameterInitializer
from ._args import check_size
from ._conv_base import ConvolutionLinkBase

__all__ = ["Deconvolution1D", "Deconvolution2D", "Deconvolution3D", "DeconvolutionND"]


class _DeconvolutionBase(ConvolutionLinkBase):
    _transposed = True
    outsize: tuple[int, ...] | None

    def _set_outsize(self, outsize: Sequence[int] | None, ndim: int) -> None:
        if outsize is not None:
            outsize = tuple(outsize)
            if len(outsize) != ndim:
                raise ValueError(f"outsize must have {ndim} entries, got {outsize!r}")
        self.outsize = outsize

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The specs of a convolution and ``outsize``."""
        yield from super().printable_specs
        yield "outsize", self.outsize


class Deconvolution2D(_DeconvolutionBase):
    """A two-dimensional transposed convolution layer (:func:`~kusari.functions.deconvolution_2d`).

    ``W`` has the shape ``(in_channels, out_channels // groups, kh, kw)`` and is created at
    the first call when ``in_channels`` is ``None``; ``Deconvolution2D(out_channels,
    ksize)`` means ``in_channels=None``.

    Args:
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size.
        stride: The stride of the corresponding convolution.
        pad: Its padding.
        nobias: Leave the bias out.
        outsize: The output size ``(oh, ow)``, or ``None`` for the smallest one.
        initialW: The initializer of ``W`` (LeCunNormal by default).
        initial_bias: The initializer of ``b`` (zero by default).
        dilate: The dilation of the filter.
        groups: The number of channel groups.

    Example:
        >>> import numpy
        >>> from kusari.links import Deconvolution2D
        >>> deconv = Deconvolution2D(3, 2, 4, stride=2, pad=1)
        >>> deconv(numpy.zeros((1, 3, 5, 5), numpy.float32)).shape, deconv.W.shape
        ((1, 2, 10, 10), (3, 2, 4, 4))
    """

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int, int] | None = None,
        stride: int | tuple[int, int] = 1,
        pad: int | tuple[int, int] = 0,
        nobias: bool = False,
        outsize: tuple[int, int] | None = None,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
        *,
        dilate: int | tuple[int, int] = 1,
        groups: int = 1,
    ) -> None:
        self._set_outsize(outsize, 2)
        super().__init__(
            2, in_channels, out_channels, ksize, stride, pad, nobias, initialW, initial_bias,
            dilate, groups,
        )  # fmt: skip

    def _apply(self, x: VariableOrArray) -> Variable:
        return deconvolution_2d(
            x,
            self.W,
            self.b,
            self.stride,  # type: ignore[arg-type]
            self.pad,  # type: ignore[arg-type]
            self.outsize,  # type: ignore[arg-type]
            dilate=self.dilate,  # type: ignore[arg-type]
            groups=self.groups,
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class DeconvolutionND(_DeconvolutionBase):
    """An N-dimensional transposed convolution layer (:func:`~kusari.functions.deconvolution_nd`).

    ``W`` has the shape ``(in_channels, out_channels // groups, *ksize)``.

    Args:
        ndim: The number of spatial axes.
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size; with ``ksize`` omitted the channel arguments shift.
        stride: The stride of the corresponding convolution.
        pad: Its padding.
        nobias: Leave the bias out.
        outsize: The output size, or ``None``.
        initialW: The initializer of ``W``.
        initial_bias: The initializer of ``b``.
        dilate: The dilation of the filter.
        groups: The number of channel groups.

    Example:
        >>> import numpy
        >>> from kusari.links import DeconvolutionND
        >>> DeconvolutionND(1, 2, 3, 2, stride=2)(numpy.zeros((1, 2, 4), numpy.float32)).shape
        (1, 3, 8)
    """

    def __init__(
        self,
        ndim: int,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int, ...] | None = None,
        stride: int | tuple[int, ...] = 1,
        pad: int | tuple[int, ...] = 0,
        nobias: bool = False,
        outsize: tuple[int, ...] | None = None,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
        dilate: int | tuple[int, ...] = 1,
        groups: int = 1,
    ) -> None:
        check_size("ndim", ndim)
        self._set_outsize(outsize, ndim)
        super().__init__(
            ndim, in_channels, out_channels, ksize, stride, pad, nobias, initialW,
            initial_bias, dilate, groups,
        )  # fmt: skip

    def _apply(self, x: VariableOrArray) -> Variable:
        return deconvolution_nd(
            x,
            self.W,
            self.b,
            self.stride,
            self.pad,
            self.outsize,
            self.dilate,
            self.groups,
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class Deconvolution1D(DeconvolutionND):
    """A one-dimensional transposed convolution layer: ``DeconvolutionND(1, ...)``.

    Args:
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size.
        stride: The stride.
        pad: The padding.
        nobias: Leave the bias out.
        outsize: The output size, or ``None``.
        initialW: The initializer of ``W``.
        initial_bias: The initializer of ``b``.
        dilate: The dilation.
        groups: The number of channel groups.

    Example:
        >>> import numpy
        >>> from kusari.links import Deconvolution1D
        >>> Deconvolution1D(2, 1, 3)(numpy.zeros((1, 2, 4), numpy.float32)).shape
        (1, 1, 6)
    """

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int] | None = None,
        stride: int | tuple[int] = 1,
        pad: int | tuple[int] = 0,
        nobias: bool = False,
        outsize: tuple[int] | None = None,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
        dilate: int | tuple[int] = 1,
        groups: int = 1,
    ) -> None:
        super().__init__(
            1, in_channels, out_channels, ksize, stride, pad, nobias, outsize, initialW,
            initial_bias, dilate, groups,
        )  # fmt: skip


class Deconvolution3D(DeconvolutionND):
    """A three-dimensional transposed convolution layer: ``DeconvolutionND(3, ...)``.

    Args:
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size.
        stride: The stride.
        pad: The padding.
        nobias: Leave the bias out.
        outsize: The output size, or ``None``.
        initialW: The initializer of ``W``.
        initial_bias: The initializer of ``b``.
        dilate: The dilation.
        groups: The number of channel groups.

    Example:
        >>> import numpy
        >>> from kusari.links import Deconvolution3D
        >>> Deconvolution3D(1, 1, 2)(numpy.zeros((1, 1, 2, 2, 2), numpy.float32)).shape
        (1, 1, 3, 3, 3)
    """

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int, int, int] | None = None,
        stride: int | tuple[int, int, int] = 1,
        pad: int | tuple[int, int, int] = 0,
        nobias: bool = False,
        outsize: tuple[int, int, int] | None = None,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
        dilate: int | tuple[int, int, int] = 1,
        groups: int = 1,
    ) -> None:
        super().__init__(
            3, in_channels, out_channels, ksize, stride, pad, nobias, outsize, initialW,
            initial_bias, dilate, groups,
        )  # fmt: skip
