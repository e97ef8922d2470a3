"""``LocalConvolution2D``: a 2-D convolution with separate filters at every output position."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kusari.functions import local_convolution_2d
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ._args import check_size, int_tuple

__all__ = ["LocalConvolution2D"]


class LocalConvolution2D(Link):
    """A locally connected layer: a 2-D convolution whose filters are not shared.

    Wraps :func:`~kusari.functions.local_convolution_2d`: every output position
    ``(i, j)`` has its own ``(in_channels, kh, kw)`` filter per output channel, and its own
    bias.  The parameters therefore depend on the input's spatial size; when
    ``in_channels`` or ``in_size`` is ``None`` they are created at the first call, from the
    input's shape.  There is no padding.

    Args:
        in_channels: The number of input channels, or ``None`` to take it from the input.
        out_channels: The number of output channels.
        in_size: The input's ``(height, width)`` (an int for both), or ``None`` to take it
            from the input.
        ksize: The filter size ``(kh, kw)`` (an int for both); required.
        stride: The stride ``(sy, sx)`` (an int for both).
        nobias: Leave the bias out.
        initialW: The initializer of ``W`` (``LeCunNormal`` by default, with Chainer's fan
            computation on the 6-D shape, so seeded values equal Chainer's).
        initial_bias: The initializer of ``b`` (zeros by default).

    Attributes:
        W: The ``(out_channels, out_h, out_w, in_channels, kh, kw)`` filters, with
            ``out_h = (height - kh) // sy + 1`` and ``out_w`` likewise.
        b: The ``(out_channels, out_h, out_w)`` biases, or ``None``.

    Raises:
        ValueError: If a size is not a positive int, ``ksize`` is missing, or the filter
            is larger than ``in_size``.
        TypeError: If a size, ``ksize`` or ``stride`` is neither an int nor a pair.

    Example:
        >>> import numpy
        >>> from kusari.links import LocalConvolution2D
        >>> layer = LocalConvolution2D(None, 4, ksize=3, stride=2)
        >>> y = layer(numpy.ones((2, 3, 7, 9), numpy.float32))
        >>> y.shape, layer.W.shape, layer.b.shape
        ((2, 4, 3, 4), (4, 3, 4, 3, 3, 3), (4, 3, 4))
    """

    W: Parameter
    b: Parameter | None
    in_channels: int | None
    out_channels: int
    in_size: tuple[int, int] | None
    ksize: tuple[int, int]
    stride: tuple[int, int]

    def __init__(
        self,
        in_channels: int | None,
        out_channels: int,
        in_size: int | Sequence[int] | None = None,
        ksize: int | Sequence[int] | None = None,
        stride: int | Sequence[int] = 1,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        check_size("in_channels", in_channels, allow_none=True)
        check_size("out_channels", out_channels)
        if ksize is None:
            raise ValueError("LocalConvolution2D: ksize is required (the filter size)")
        self.ksize = _pair("ksize", ksize)
        self.stride = _pair("stride", stride)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.in_size = None if in_size is None else _pair("in_size", in_size)
        if self.in_size is not None:
            self._output_size(self.in_size)  # fail now, not at the first call
        with self.init_scope():
            self.W = Parameter(get_initializer(initialW))
            if nobias:
                self.b = None
            else:
                self.b = Parameter(get_initializer(0 if initial_bias is None else initial_bias))
        if in_channels is not None and self.in_size is not None:
            self._initialize_params(in_channels, self.in_size)

    def _output_size(self, in_size: tuple[int, int]) -> tuple[int, int]:
        (height, width), (kh, kw), (sy, sx) = in_size, self.ksize, self.stride
        if kh > height or kw > width:
            raise ValueError(
                f"LocalConvolution2D: the filter {self.ksize} is larger than the input "
                f"{in_size} (there is no padding)"
            )
        return (height - kh) // sy + 1, (width - kw) // sx + 1

    def _initialize_params(self, in_channels: int, in_size: tuple[int, int]) -> None:
        out_h, out_w = self._output_size(in_size)
        self.W.initialize((self.out_channels, out_h, out_w, in_channels, *self.ksize))
        if self.b is not None:
            self.b.initialize((self.out_channels, out_h, out_w))
        self.in_channels = in_channels
        self.in_size = in_size

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the local convolution.

        Args:
            x: The input ``(batch, in_channels, height, width)``.

        Returns:
            The output ``(batch, out_channels, out_h, out_w)``.

        Raises:
            ValueError: If the parameters are still to be created and ``x`` is not 4-D or
                smaller than the filter, or ``x`` does not have the spatial size the
                parameters were made for.
            kusari.graph.type_check.InvalidType: If the channels or dtypes do not fit.
        """
        shape = tuple(x.shape)
        if self.W.array is None:
            if len(shape) != 4:
                raise ValueError(
                    "LocalConvolution2D expects an input of 4 axes (batch, channels, height, "
                    f"width), got shape {shape}"
                )
            self._initialize_params(shape[1], (shape[2], shape[3]))
        elif len(shape) == 4 and shape[2:] != self.in_size:
            raise ValueError(
                f"LocalConvolution2D: the parameters were made for inputs of size "
                f"{self.in_size}, got an input of shape {shape}"
            )
        return local_convolution_2d(x, self.W, self.b, self.stride)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The channel counts, the input size, the filter geometry and ``nobias``."""
        yield "in_channels", self.in_channels
        yield "out_channels", self.out_channels
        yield "in_size", self.in_size
        yield "ksize", self.ksize
        yield "stride", self.stride
        yield "nobias", self.b is None


def _pair(name: str, value: int | Sequence[int]) -> tuple[int, int]:
    first, second = int_tuple(name, value, 2)
    check_size(name, first)
    check_size(name, second)
    return first, second
