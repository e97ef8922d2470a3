"""``Inception``: the Inception module of GoogLeNet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.functions import concat, max_pooling_2d, relu
from kusari.graph import Variable, VariableOrArray

from .._chain import Chain
from .._parameter import ParameterInitializer
from .convolution_2d import Convolution2D

__all__ = ["Inception"]


class Inception(Chain):
    """The Inception module of GoogLeNet (Szegedy et al., 2014).

    Four paths, concatenated along the channels and rectified: a 1x1 convolution
    (``conv1``); a 1x1 projection (``proj3``) then a 3x3 convolution (``conv3``); a 1x1
    projection (``proj5``) then a 5x5 convolution (``conv5``); a 3x3 max pooling then a 1x1
    projection (``projp``).  The projections are rectified before the next convolution.

    Args:
        in_channels: The number of input channels (``None`` to infer it).
        out1: The output channels of the 1x1 path.
        proj3: The channels of the projection before the 3x3 convolution.
        out3: The output channels of the 3x3 path.
        proj5: The channels of the projection before the 5x5 convolution.
        out5: The output channels of the 5x5 path.
        proj_pool: The output channels of the pooling path.
        conv_init: The initializer of every filter.
        bias_init: The initializer of every bias.

    Example:
        >>> import numpy
        >>> from kusari.links import Inception
        >>> module = Inception(3, 2, 2, 3, 2, 3, 2)
        >>> module(numpy.ones((1, 3, 5, 5), numpy.float32)).shape
        (1, 10, 5, 5)
    """

    conv1: Convolution2D
    proj3: Convolution2D
    conv3: Convolution2D
    proj5: Convolution2D
    conv5: Convolution2D
    projp: Convolution2D

    def __init__(
        self,
        in_channels: int | None,
        out1: int,
        proj3: int,
        out3: int,
        proj5: int,
        out5: int,
        proj_pool: int,
        conv_init: ParameterInitializer = None,
        bias_init: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        init = {"initialW": conv_init, "initial_bias": bias_init}
        with self.init_scope():
            self.conv1 = Convolution2D(in_channels, out1, 1, **init)  # type: ignore[arg-type]
            self.proj3 = Convolution2D(in_channels, proj3, 1, **init)  # type: ignore[arg-type]
            self.conv3 = Convolution2D(proj3, out3, 3, pad=1, **init)  # type: ignore[arg-type]
            self.proj5 = Convolution2D(in_channels, proj5, 1, **init)  # type: ignore[arg-type]
            self.conv5 = Convolution2D(proj5, out5, 5, pad=2, **init)  # type: ignore[arg-type]
            self.projp = Convolution2D(in_channels, proj_pool, 1, **init)  # type: ignore[arg-type]

    def forward(self, x: VariableOrArray) -> Variable:
        """Run the four paths and concatenate them.

        Args:
            x: The images ``(batch, in_channels, h, w)``.

        Returns:
            ``(batch, out1 + out3 + out5 + proj_pool, h, w)``.
        """
        out1 = self.conv1(x)
        out3 = self.conv3(relu(self.proj3(x)))
        out5 = self.conv5(relu(self.proj5(x)))
        pooled = max_pooling_2d(x, 3, stride=1, pad=1)
        pool = self.projp(pooled)
        return relu(concat((out1, out3, out5, pool), axis=1))

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
