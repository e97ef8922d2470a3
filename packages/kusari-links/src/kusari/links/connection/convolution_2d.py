"""``Convolution2D`` and ``DilatedConvolution2D``: two-dimensional convolution layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.functions import convolution_2d
from kusari.graph import Variable, VariableOrArray

from .._parameter import ParameterInitializer
from ._conv_base import ConvolutionLinkBase

__all__ = ["Convolution2D", "DilatedConvolution2D"]


class Convolution2D(ConvolutionLinkBase):
    """A two-dimensional convolution layer (:func:`kusari.functions.convolution_2d`).

    ``W`` has the shape ``(out_channels, in_channels // groups, kh, kw)`` and is created
    at the first call when ``in_channels`` is ``None``.  With two arguments,
    ``Convolution2D(out_channels, ksize)`` means ``Convolution2D(None, out_channels,
    ksize)``.

    Args:
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size: an int or ``(kh, kw)``.
        stride: The stride: an int or a pair.
        pad: The zero padding on each side: an int or a pair.
        nobias: Leave the bias out.
        initialW: The initializer of ``W`` (LeCunNormal by default).
        initial_bias: The initializer of ``b`` (zero by default).
        dilate: The dilation of the filter: an int or a pair.
        groups: The number of channel groups; it divides both channel counts.

    Attributes:
        W: The filter.
        b: The bias, ``(out_channels,)``, or ``None``.

    Raises:
        ValueError: If a size is not positive, ``groups`` does not divide the channels, or
            a tuple argument has the wrong length.
        TypeError: If ``ksize`` is missing.

    Example:
        >>> import numpy
        >>> from kusari.links import Convolution2D
        >>> conv = Convolution2D(4, 3, pad=1)  # in_channels inferred
        >>> y = conv(numpy.zeros((2, 3, 5, 5), numpy.float32))
        >>> y.shape, conv.W.shape
        ((2, 4, 5, 5), (4, 3, 3, 3))
    """

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int, int] | None = None,
        stride: int | tuple[int, int] = 1,
        pad: int | tuple[int, int] = 0,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
        *,
        dilate: int | tuple[int, int] = 1,
        groups: int = 1,
    ) -> None:
        super().__init__(
            2, in_channels, out_channels, ksize, stride, pad, nobias, initialW, initial_bias,
            dilate, groups,
        )  # fmt: skip

    def _apply(self, x: VariableOrArray) -> Variable:
        return convolution_2d(
            x,
            self.W,
            self.b,
            self.stride,  # type: ignore[arg-type]
            self.pad,  # type: ignore[arg-type]
            dilate=self.dilate,  # type: ignore[arg-type]
            groups=self.groups,
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class DilatedConvolution2D(ConvolutionLinkBase):
    """A two-dimensional dilated convolution layer (Chainer's argument order).

    The same as :class:`Convolution2D` with ``dilate``, but ``dilate`` comes before
    ``nobias`` as a positional argument.

    Args:
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The number of output channels.
        ksize: The filter size; with two arguments the first is ``out_channels``.
        stride: The stride.
        pad: The zero padding.
        dilate: The dilation of the filter.
        nobias: Leave the bias out.
        initialW: The initializer of ``W``.
        initial_bias: The initializer of ``b``.

    Example:
        >>> import numpy
        >>> from kusari.links import DilatedConvolution2D
        >>> conv = DilatedConvolution2D(1, 2, 3, dilate=2)
        >>> conv(numpy.zeros((1, 1, 7, 7), numpy.float32)).shape
        (1, 2, 3, 3)
    """

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int, int] | None = None,
        stride: int | tuple[int, int] = 1,
        pad: int | tuple[int, int] = 0,
        dilate: int | tuple[int, int] = 1,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
    ) -> None:
        super().__init__(
            2, in_channels, out_channels, ksize, stride, pad, nobias, initialW, initial_bias,
            dilate, 1,
        )  # fmt: skip

    def _apply(self, x: VariableOrArray) -> Variable:
        return convolution_2d(
            x,
            self.W,
            self.b,
            self.stride,  # type: ignore[arg-type]
            self.pad,  # type: ignore[arg-type]
            dilate=self.dilate,  # type: ignore[arg-type]
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
