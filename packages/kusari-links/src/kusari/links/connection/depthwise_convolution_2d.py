"""``DepthwiseConvolution2D``: a convolution of each channel by its own filters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kusari.functions import depthwise_convolution_2d
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ._args import check_size, int_tuple

__all__ = ["DepthwiseConvolution2D"]


class DepthwiseConvolution2D(Link):
    """A depthwise convolution: each channel is convolved by filters of its own.

    Each input channel gets ``channel_multiplier`` filters
    (:func:`kusari.functions.depthwise_convolution_2d`).

    Args:
        in_channels: The number of input channels, or ``None`` to infer it (``W`` and
            ``b`` are then created at the first call).
        channel_multiplier: The number of filters per input channel.
        ksize: The filter size.
        stride: The stride.
        pad: The zero padding.
        nobias: Leave the bias out.
        initialW: The initializer of ``W`` (LeCunNormal by default).
        initial_bias: The initializer of ``b`` (zero by default).

    Attributes:
        W: The filters, ``(channel_multiplier, in_channels, kh, kw)``.
        b: The bias, ``(channel_multiplier * in_channels,)``, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.links import DepthwiseConvolution2D
        >>> conv = DepthwiseConvolution2D(None, 2, 3)
        >>> conv(numpy.zeros((1, 3, 5, 5), numpy.float32)).shape, conv.b.shape
        ((1, 6, 3, 3), (6,))
    """

    W: Parameter
    b: Parameter | None

    def __init__(
        self,
        in_channels: int | None,
        channel_multiplier: int,
        ksize: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        pad: int | tuple[int, int] = 0,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        check_size("in_channels", in_channels, allow_none=True)
        check_size("channel_multiplier", channel_multiplier)
        self.in_channels = in_channels
        self.channel_multiplier = channel_multiplier
        self.ksize = int_tuple("ksize", ksize, 2)
        self.stride = int_tuple("stride", stride, 2)
        self.pad = int_tuple("pad", pad, 2)
        with self.init_scope():
            self.W = Parameter(get_initializer(initialW))
            if nobias:
                self.b = None
            else:
                bias_init = 0 if initial_bias is None else initial_bias
                self.b = Parameter(get_initializer(bias_init))
        if in_channels is not None:
            self._initialize_params(in_channels)

    def _initialize_params(self, in_channels: int) -> None:
        self.W.initialize((self.channel_multiplier, in_channels, *self.ksize))
        if self.b is not None:
            self.b.initialize((self.channel_multiplier * in_channels,))
        self.in_channels = in_channels

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the depthwise convolution to ``x`` of shape ``(n, in_channels, h, w)``.

        Raises:
            ValueError: If ``W`` is still to be created and ``x`` is not 4-D.
            kusari.graph.type_check.InvalidType: If ``x`` does not fit ``W``.
        """
        if self.W.array is None:
            shape = tuple(x.shape)
            if len(shape) != 4:
                raise ValueError(
                    f"DepthwiseConvolution2D expects an input of 4 axes, got shape {shape}"
                )
            self._initialize_params(shape[1])
        return depthwise_convolution_2d(
            x,
            self.W,
            self.b,
            self.stride,  # type: ignore[arg-type]
            self.pad,  # type: ignore[arg-type]
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The channel counts and the filter geometry."""
        yield "in_channels", self.in_channels
        yield "channel_multiplier", self.channel_multiplier
        yield "ksize", self.ksize
        yield "stride", self.stride
        yield "pad", self.pad
        yield "nobias", self.b is None
