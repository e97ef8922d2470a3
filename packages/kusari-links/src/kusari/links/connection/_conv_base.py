"""The parameter handling shared by the convolution and deconvolution links (private)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kusari.graph import Variable, VariableOrArray
from kusari.graph.type_check import InvalidType
from kusari.initializers import get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ._args import check_size, int_tuple

__all__ = ["ConvolutionLinkBase"]


class ConvolutionLinkBase(Link):
    """Holds ``W`` and ``b`` of an N-dimensional (de)convolution; creates ``W`` lazily.

    For a convolution ``W`` has the shape ``(out_channels, in_channels // groups, *ksize)``;
    for a deconvolution (``transposed``) ``(in_channels, out_channels // groups, *ksize)``.
    Subclasses implement :meth:`_apply`.

    Attributes:
        W: The filter (uninitialized until ``in_channels`` is known).
        b: The bias, of shape ``(out_channels,)``, or ``None``.
        in_channels: The number of input channels (``None`` until known).
        out_channels: The number of output channels.
        ksize: The filter size, one int per spatial axis.
        stride: The stride, one int per spatial axis.
        pad: The padding, one int per spatial axis.
        dilate: The dilation, one int per spatial axis.
        groups: The number of channel groups.
    """

    W: Parameter
    b: Parameter | None
    in_channels: int | None
    out_channels: int
    ksize: tuple[int, ...]
    stride: tuple[int, ...]
    pad: tuple[int, ...]
    dilate: tuple[int, ...]
    groups: int

    _transposed = False

    def __init__(
        self,
        ndim: int,
        in_channels: int | None,
        out_channels: int,
        ksize: int | Sequence[int] | None,
        stride: int | Sequence[int],
        pad: int | Sequence[int],
        nobias: bool,
        initialW: ParameterInitializer,
        initial_bias: ParameterInitializer,
        dilate: int | Sequence[int],
        groups: int,
    ) -> None:
        if ksize is None:
            # Chainer's two-argument form, ``Convolution2D(out_channels, ksize)``: the input
            # channels are taken from the first input.
            if in_channels is None:
                raise TypeError(f"{type(self).__name__} needs ksize")
            ksize, out_channels, in_channels = out_channels, in_channels, None
        super().__init__()
        check_size("in_channels", in_channels, allow_none=True)
        check_size("out_channels", out_channels)
        check_size("groups", groups)
        if out_channels % groups:
            raise ValueError(
                f"out_channels ({out_channels}) must be divisible by groups ({groups})"
            )
        if in_channels is not None and in_channels % groups:
            raise ValueError(f"in_channels ({in_channels}) must be divisible by groups ({groups})")
        self.ndim = ndim
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.ksize = int_tuple("ksize", ksize, ndim)
        self.stride = int_tuple("stride", stride, ndim)
        self.pad = int_tuple("pad", pad, ndim)
        self.dilate = int_tuple("dilate", dilate, ndim)
        self.groups = groups
        with self.init_scope():
            self.W = Parameter(get_initializer(initialW))
            if in_channels is not None:
                self._initialize_params(in_channels)
            if nobias:
                self.b = None
            else:
                bias_init = 0 if initial_bias is None else initial_bias
                self.b = Parameter(get_initializer(bias_init), out_channels)

    def _w_shape(self, in_channels: int) -> tuple[int, ...]:
        if self._transposed:
            return (in_channels, self.out_channels // self.groups, *self.ksize)
        return (self.out_channels, in_channels // self.groups, *self.ksize)

    def _initialize_params(self, in_channels: int) -> None:
        if in_channels % self.groups:
            raise ValueError(
                f"{type(self).__name__}: the input has {in_channels} channels, which is not "
                f"divisible by groups ({self.groups})"
            )
        self.W.initialize(self._w_shape(in_channels))
        self.in_channels = in_channels

    def _prepare(self, x: VariableOrArray) -> None:
        """Create ``W`` from the channels of ``x`` on the first call."""
        if self.W.array is None:
            shape = tuple(x.shape)
            if len(shape) != self.ndim + 2:
                raise ValueError(
                    f"{type(self).__name__} expects an input of {self.ndim + 2} axes "
                    f"(batch, channels, {self.ndim} spatial), got shape {shape}"
                )
            self._initialize_params(shape[1])

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the (de)convolution.

        Args:
            x: The input, ``(batch, in_channels, *spatial)``.

        Returns:
            The output, ``(batch, out_channels, *spatial_out)``.

        Raises:
            ValueError: If ``W`` is still to be created and ``x`` has the wrong rank.
            kusari.graph.type_check.InvalidType: If ``x`` does not fit ``W`` (channels,
                rank or dtype); for the wrong channel count the message also says how to
                build the link for this input.
        """
        self._prepare(x)
        try:
            return self._apply(x)
        except InvalidType as error:
            hint = self._channel_mismatch_hint(tuple(x.shape))
            if hint is None:
                raise
            raise InvalidType(error.expect, error.actual, msg=f"{error}\n\n{hint}") from None

    def _channel_mismatch_hint(self, shape: tuple[int, ...]) -> str | None:
        """Say what to build instead when an input of ``shape`` has the wrong channel count."""
        in_channels = self.in_channels
        if in_channels is None or len(shape) != self.ndim + 2 or shape[1] == in_channels:
            return None
        channels = shape[1]
        groups = self.groups
        spec = f"in_channels={in_channels}, out_channels={self.out_channels}, ksize={self.ksize}"
        if groups != 1:
            spec += f", groups={groups}"
        text = (
            f"{type(self).__name__}({spec}) got an input of shape {shape}: {channels} "
            f"channels, but it was built for {in_channels}."
        )
        if channels % groups:
            return (
                f"{text} {channels} is not divisible by groups={groups}, so no "
                f"{type(self).__name__} with groups={groups} takes this input: change groups "
                "or the input."
            )
        return (
            f"{text} Build it with in_channels={channels}, or with in_channels=None to take "
            "the count from the first input."
        )

    def _apply(self, x: VariableOrArray) -> Variable:
        raise NotImplementedError

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The channel counts, the filter geometry and ``nobias``."""
        yield "in_channels", self.in_channels
        yield "out_channels", self.out_channels
        yield "ksize", self.ksize
        yield "stride", self.stride
        yield "pad", self.pad
        yield "dilate", self.dilate
        yield "groups", self.groups
        yield "nobias", self.b is None
