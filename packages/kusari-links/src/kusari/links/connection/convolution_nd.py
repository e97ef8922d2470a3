"""``ConvolutionND``, ``Convolution1D`` and ``Convolution3D``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kusari.functions import convolution_nd
from kusari.graph import Variable, VariableOrArray

from .._parameter import ParameterInitializer
from ._args import check_size
from ._conv_base import ConvolutionLinkBase

__all__ = ["Convolution1D", "Convolution3D", "ConvolutionND"]


class ConvolutionND(ConvolutionLinkBase):
    """An N-dimensional convolution layer (:func:`kusari.functions.convolution_nd`).

    ``W`` has the shape ``(out_channels, in_channels // groups, *ksize)``; it is created at
    the first call when ``in_channels`` is ``None``.  ``ConvolutionND(ndim, out_channels,
    ksize)`` (``ksize`` omitted) means ``in_channels=None``.

    Args:
        ndim: The number of spatial axes.
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size: an int or one int per spatial axis.
        stride: The stride.
        pad: The zero padding on each side.
        nobias: Leave the bias out.
        initialW: The initializer of ``W`` (LeCunNormal by default).
        initial_bias: The initializer of ``b`` (zero by default).
        cover_all: Let the last window hang over the end so every input is used.
        dilate: The dilation of the filter.
        groups: The number of channel groups.

    Example:
        >>> import numpy
        >>> from kusari.links import ConvolutionND
        >>> conv = ConvolutionND(1, 2, 3, 2, stride=2)
        >>> conv(numpy.zeros((4, 2, 6), numpy.float32)).shape
        (4, 3, 3)
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
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
        cover_all: bool = False,
        dilate: int | tuple[int, ...] = 1,
        groups: int = 1,
    ) -> None:
        check_size("ndim", ndim)
        self.cover_all = cover_all
        super().__init__(
            ndim, in_channels, out_channels, ksize, stride, pad, nobias, initialW,
            initial_bias, dilate, groups,
        )  # fmt: skip

    def _apply(self, x: VariableOrArray) -> Variable:
        return convolution_nd(
            x,
            self.W,
            self.b,
            self.stride,
            self.pad,
            self.cover_all,
            self.dilate,
            self.groups,
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``ndim``, then the specs of the base class and ``cover_all``."""
        yield "ndim", self.ndim
        yield from super().printable_specs
        yield "cover_all", self.cover_all


class Convolution1D(ConvolutionND):
    """A one-dimensional convolution layer: ``ConvolutionND(1, ...)``.

    Args:
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size.
        stride: The stride.
        pad: The zero padding.
        nobias: Leave the bias out.
        initialW: The initializer of ``W``.
        initial_bias: The initializer of ``b``.
        cover_all: Let the last window hang over the end.
        dilate: The dilation of the filter.
        groups: The number of channel groups.

    Example:
        >>> import numpy
        >>> from kusari.links import Convolution1D
        >>> Convolution1D(None, 3, 2)(numpy.zeros((1, 2, 5), numpy.float32)).shape
        (1, 3, 4)
    """

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int] | None = None,
        stride: int | tuple[int] = 1,
        pad: int | tuple[int] = 0,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
        cover_all: bool = False,
        dilate: int | tuple[int] = 1,
        groups: int = 1,
    ) -> None:
        super().__init__(
            1, in_channels, out_channels, ksize, stride, pad, nobias, initialW, initial_bias,
            cover_all, dilate, groups,
        )  # fmt: skip


class Convolution3D(ConvolutionND):
    """A three-dimensional convolution layer: ``ConvolutionND(3, ...)``.

    Args:
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size.
        stride: The stride.
        pad: The zero padding.
        nobias: Leave the bias out.
        initialW: The initializer of ``W``.
        initial_bias: The initializer of ``b``.
        cover_all: Let the last window hang over the end.
        dilate: The dilation of the filter.
        groups: The number of channel groups.

    Example:
        >>> import numpy
        >>> from kusari.links import Convolution3D
        >>> Convolution3D(1, 2, 2)(numpy.zeros((1, 1, 3, 3, 3), numpy.float32)).shape
        (1, 2, 2, 2, 2)
    """

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int, int, int] | None = None,
        stride: int | tuple[int, int, int] = 1,
        pad: int | tuple[int, int, int] = 0,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
        cover_all: bool = False,
        dilate: int | tuple[int, int, int] = 1,
        groups: int = 1,
    ) -> None:
        super().__init__(
            3, in_channels, out_channels, ksize, stride, pad, nobias, initialW, initial_bias,
            cover_all, dilate, groups,
        )  # fmt: skip
