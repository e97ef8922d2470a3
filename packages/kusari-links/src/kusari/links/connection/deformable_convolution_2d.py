"""``DeformableConvolution2D``: a convolution whose kernel points move by learned offsets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kusari.functions import deformable_convolution_2d_sampler
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import get_initializer

from .._chain import Chain
from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ._args import check_size, int_tuple
from .convolution_2d import Convolution2D

__all__ = ["DeformableConvolution2D", "DeformableConvolution2DSampler"]


def _pair(name: str, value: int | tuple[int, int], minimum: int) -> tuple[int, int]:
    first, second = int_tuple(name, value, 2)
    for item in (first, second):
        if item < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return first, second


class DeformableConvolution2DSampler(Link):
    """The sampling half of :class:`DeformableConvolution2D`: the filters ``W`` and ``b``.

    Called with the input and the offsets, it applies
    :func:`~kusari.functions.deformable_convolution_2d_sampler`.

    Args:
        in_channels: The input channels, or ``None`` to take them from the first input.
        out_channels: The output channels.
        ksize: The filter size ``(kh, kw)`` (an int for both).
        stride: The stride (an int for both axes).
        pad: The padding (an int for both axes).
        nobias: Leave the bias out.
        initialW: The initializer of ``W`` (``LeCunNormal`` by default).
        initial_bias: The initializer of ``b`` (zeros by default).

    Attributes:
        W: The ``(out_channels, in_channels, kh, kw)`` filters.
        b: The ``(out_channels,)`` biases, or ``None``.
    """

    W: Parameter
    b: Parameter | None

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        pad: int | tuple[int, int] = 0,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        check_size("in_channels", in_channels, allow_none=True)
        check_size("out_channels", out_channels)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.ksize = _pair("ksize", ksize, 1)
        self.stride = _pair("stride", stride, 1)
        self.pad = _pair("pad", pad, 0)
        with self.init_scope():
            self.W = Parameter(get_initializer(initialW))
            if nobias:
                self.b = None
            else:
                self.b = Parameter(get_initializer(0 if initial_bias is None else initial_bias))
        if in_channels is not None:
            self._initialize_params(in_channels)

    def _initialize_params(self, in_channels: int) -> None:
        self.W.initialize((self.out_channels, in_channels, *self.ksize))
        if self.b is not None:
            self.b.initialize((self.out_channels,))
        self.in_channels = in_channels

    def forward(self, x: VariableOrArray, offset: VariableOrArray) -> Variable:
        """Sample ``x`` at the offset kernel points and apply the filters.

        Args:
            x: The input ``(batch, in_channels, height, width)``.
            offset: The offsets ``(batch, 2 * kh * kw, out_h, out_w)``.

        Returns:
            The output ``(batch, out_channels, out_h, out_w)``.

        Raises:
            ValueError: If the filters are still to be created and ``x`` is not 4-D.
        """
        if self.W.array is None:
            if len(x.shape) != 4:
                raise ValueError(
                    "DeformableConvolution2D expects an input of 4 axes (batch, channels, "
                    f"height, width), got shape {tuple(x.shape)}"
                )
            self._initialize_params(int(x.shape[1]))
        return deformable_convolution_2d_sampler(x, offset, self.W, self.b, self.stride, self.pad)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray, offset: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class DeformableConvolution2D(Chain):
    """A deformable convolution (Dai et al., 2017): offsets predicted from the input.

    A plain convolution, :attr:`offset_conv`, predicts for every output position how far
    each of the ``kh * kw`` kernel points moves (``2 * kh * kw`` channels: the column
    shifts, then the row shifts); :attr:`deform_conv` then samples the input at the moved
    points (bilinear interpolation) and applies its filters.  The child names and the
    parameter shapes are Chainer's, so npz files of Chainer's link load.

    Args:
        in_channels: The input channels, or ``None`` to take them from the first input.
        out_channels: The output channels.
        ksize: The filter size ``(kh, kw)`` (an int for both).
        stride: The stride of both convolutions.
        pad: The padding of both convolutions.
        offset_nobias: Leave the offset convolution's bias out.
        offset_initialW: The offset convolution's ``W`` initializer (``LeCunNormal``).
        offset_initial_bias: The offset convolution's ``b`` initializer (zeros).
        deform_nobias: Leave the deformable convolution's bias out.
        deform_initialW: The deformable convolution's ``W`` initializer (``LeCunNormal``).
        deform_initial_bias: The deformable convolution's ``b`` initializer (zeros).

    Attributes:
        offset_conv: The :class:`Convolution2D` predicting the offsets.
        deform_conv: The :class:`DeformableConvolution2DSampler` holding the filters.

    Example:
        >>> import numpy
        >>> from kusari.links import DeformableConvolution2D
        >>> layer = DeformableConvolution2D(3, 4, 3, pad=1)
        >>> layer(numpy.ones((2, 3, 5, 5), numpy.float32)).shape
        (2, 4, 5, 5)
        >>> [name for name, _ in layer.namedparams()]
        ['/deform_conv/W', '/deform_conv/b', '/offset_conv/W', '/offset_conv/b']
    """

    offset_conv: Convolution2D
    deform_conv: DeformableConvolution2DSampler

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        ksize: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        pad: int | tuple[int, int] = 0,
        offset_nobias: bool = False,
        offset_initialW: ParameterInitializer = None,
        offset_initial_bias: ParameterInitializer = None,
        deform_nobias: bool = False,
        deform_initialW: ParameterInitializer = None,
        deform_initial_bias: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        kh, kw = _pair("ksize", ksize, 1)
        with self.init_scope():
            self.offset_conv = Convolution2D(
                in_channels,
                2 * kh * kw,
                (kh, kw),
                stride,
                pad,
                offset_nobias,
                offset_initialW,
                offset_initial_bias,
            )
            self.deform_conv = DeformableConvolution2DSampler(
                in_channels,
                out_channels,
                (kh, kw),
                stride,
                pad,
                deform_nobias,
                deform_initialW,
                deform_initial_bias,
            )

    def forward(self, x: VariableOrArray) -> Variable:
        """Predict the offsets from ``x``, then apply the deformable convolution.

        Args:
            x: The input ``(batch, in_channels, height, width)``.

        Returns:
            The output ``(batch, out_channels, out_h, out_w)``.
        """
        offset = self.offset_conv(x)
        return self.deform_conv(x, offset)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The channel counts and the filter geometry."""
        yield "in_channels", self.deform_conv.in_channels
        yield "out_channels", self.deform_conv.out_channels
        yield "ksize", self.deform_conv.ksize
        yield "stride", self.deform_conv.stride
        yield "pad", self.deform_conv.pad
