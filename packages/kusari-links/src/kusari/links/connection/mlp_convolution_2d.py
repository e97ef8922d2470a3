"""``MLPConvolution2D``: the mlpconv layer of Network in Network."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kusari.functions import relu
from kusari.graph import Variable, VariableOrArray

from .._chain_list import ChainList
from .._parameter import ParameterInitializer
from .convolution_2d import Convolution2D

__all__ = ["MLPConvolution2D"]


class MLPConvolution2D(ChainList):
    """The mlpconv layer of Network in Network (Lin et al.): convolutions with activations.

    The children are :class:`Convolution2D` links: ``0`` is ``ksize`` x ``ksize`` from
    ``in_channels`` to ``out_channels[0]``, the others 1x1.  ``MLPConvolution2D(
    out_channels, ksize)`` means ``in_channels=None``.

    Args:
        in_channels: The number of input channels, or ``None`` to infer it.
        out_channels: The output channels of each convolution.
        ksize: The filter size of the first convolution.
        stride: Its stride.
        pad: Its padding.
        activation: Applied after every convolution but the last (relu by default).
        conv_init: The initializer of every filter.
        bias_init: The initializer of every bias.

    Example:
        >>> import numpy
        >>> from kusari.links import MLPConvolution2D
        >>> mlpconv = MLPConvolution2D(3, (4, 5), 3, pad=1)
        >>> mlpconv(numpy.ones((1, 3, 4, 4), numpy.float32)).shape, len(mlpconv)
        ((1, 5, 4, 4), 2)
    """

    def __init__(
        self,
        in_channels: int | None,
        out_channels: Sequence[int],
        ksize: int | tuple[int, int] | None = None,
        stride: int | tuple[int, int] = 1,
        pad: int | tuple[int, int] = 0,
        activation: Callable[[Variable], Variable] = relu,
        *,
        conv_init: ParameterInitializer = None,
        bias_init: ParameterInitializer = None,
    ) -> None:
        if ksize is None:
            in_channels, out_channels, ksize = None, in_channels, out_channels  # type: ignore[assignment]
        out_channels = tuple(out_channels)
        if not out_channels:
            raise ValueError("out_channels must name at least one convolution")
        convs = [
            Convolution2D(
                in_channels, out_channels[0], ksize, stride, pad,
                initialW=conv_init, initial_bias=bias_init,
            )
        ]  # fmt: skip
        for n_in, n_out in itertools.pairwise(out_channels):
            convs.append(Convolution2D(n_in, n_out, 1, initialW=conv_init, initial_bias=bias_init))
        super().__init__(*convs)
        self.activation = activation

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the convolutions, with the activation between them.

        Args:
            x: The images ``(batch, in_channels, h, w)``.

        Returns:
            The output of the last convolution.
        """
        children = list(self.children())
        h: VariableOrArray = x
        for conv in children[:-1]:
            h = self.activation(conv(h))
        out: Variable = children[-1](h)
        return out

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
