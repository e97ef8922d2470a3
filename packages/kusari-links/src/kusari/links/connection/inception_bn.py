"""``InceptionBN``: the Inception module with batch normalization (GoogLeNet v2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy.typing as npt

from kusari.functions import average_pooling_2d, concat, max_pooling_2d, relu
from kusari.graph import Variable, VariableOrArray

from .._chain import Chain
from .._parameter import ParameterInitializer
from ..normalization.batch_normalization import BatchNormalization
from .convolution_2d import Convolution2D

__all__ = ["InceptionBN"]


class InceptionBN(Chain):
    """The Inception module with batch normalization (Ioffe and Szegedy, 2015).

    Paths (each convolution without bias, followed by batch normalization and ReLU):
    ``conv1`` (1x1, left out when ``out1`` is 0); ``proj3`` then ``conv3`` (3x3);
    ``proj33`` then ``conv33a`` and ``conv33b`` (3x3 each); a 3x3 max or average pooling,
    followed by ``poolp`` (1x1) when ``proj_pool`` is given.  ``stride`` applies to the last
    convolution of each path and to the pooling.  The outputs are concatenated along the
    channels.

    Args:
        in_channels: The number of input channels (``None`` to infer it).
        out1: The output channels of the 1x1 path (0 to leave it out).
        proj3: The channels of the projection before the 3x3 convolution.
        out3: The output channels of the 3x3 path.
        proj33: The channels of the projection before the double 3x3 path.
        out33: The output channels of the double 3x3 path.
        pooltype: ``'max'`` or ``'avg'``.
        proj_pool: The output channels of the projection after the pooling, or ``None``.
        stride: The stride of the last layer of each path.
        conv_init: The initializer of every filter.
        dtype: The dtype of the batch normalizations.

    Raises:
        ValueError: If ``pooltype`` is neither ``'max'`` nor ``'avg'``.

    Example:
        >>> import numpy
        >>> from kusari.links import InceptionBN
        >>> module = InceptionBN(3, 2, 2, 3, 2, 3, "max", 2)
        >>> module(numpy.ones((2, 3, 5, 5), numpy.float32)).shape
        (2, 10, 5, 5)
    """

    def __init__(
        self,
        in_channels: int | None,
        out1: int,
        proj3: int,
        out3: int,
        proj33: int,
        out33: int,
        pooltype: Literal["max", "avg"],
        proj_pool: int | None = None,
        stride: int = 1,
        conv_init: ParameterInitializer = None,
        dtype: npt.DTypeLike | None = None,
    ) -> None:
        super().__init__()
        if pooltype not in ("max", "avg"):
            raise ValueError(f"pooltype must be 'max' or 'avg', got {pooltype!r}")
        self.out1 = out1
        self.proj_pool = proj_pool
        self.stride = stride
        self.pooltype = pooltype

        def conv(n_in: int | None, n_out: int, ksize: int, step: int = 1) -> Convolution2D:
            return Convolution2D(
                n_in, n_out, ksize, step, ksize // 2, nobias=True, initialW=conv_init
            )

        def bn(size: int) -> BatchNormalization:
            return BatchNormalization(size, dtype=dtype)

        with self.init_scope():
            self.proj3 = conv(in_channels, proj3, 1)
            self.conv3 = conv(proj3, out3, 3, stride)
            self.proj33 = conv(in_channels, proj33, 1)
            self.conv33a = conv(proj33, out33, 3)
            self.conv33b = conv(out33, out33, 3, stride)
            self.proj3n = bn(proj3)
            self.conv3n = bn(out3)
            self.proj33n = bn(proj33)
            self.conv33an = bn(out33)
            self.conv33bn = bn(out33)
            if out1 > 0:
                self.conv1 = conv(in_channels, out1, 1, stride)
                self.conv1n = bn(out1)
            if proj_pool is not None:
                self.poolp = conv(in_channels, proj_pool, 1)
                self.poolpn = bn(proj_pool)

    def forward(self, x: VariableOrArray) -> Variable:
        """Run the paths and concatenate them along the channels.

        Args:
            x: The images ``(batch, in_channels, h, w)``.

        Returns:
            The concatenated outputs.
        """
        outs = []
        if self.out1 > 0:
            outs.append(relu(self.conv1n(self.conv1(x))))
        h3 = relu(self.proj3n(self.proj3(x)))
        outs.append(relu(self.conv3n(self.conv3(h3))))
        h33 = relu(self.proj33n(self.proj33(x)))
        h33 = relu(self.conv33an(self.conv33a(h33)))
        outs.append(relu(self.conv33bn(self.conv33b(h33))))
        if self.pooltype == "max":
            pooled = max_pooling_2d(x, 3, stride=self.stride, pad=1)
        else:
            pooled = average_pooling_2d(x, 3, stride=self.stride, pad=1)
        if self.proj_pool is not None:
            pooled = relu(self.poolpn(self.poolp(pooled)))
        outs.append(pooled)
        return concat(outs, axis=1)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
