"""``SimplifiedDropconnect``: a fully connected layer with DropConnect on its weights."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kusari.devices import Array
from kusari.functions import simplified_dropconnect
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ._args import check_size

__all__ = ["SimplifiedDropconnect"]


class SimplifiedDropconnect(Link):
    """A fully connected layer whose weights are dropped at random while training.

    See :func:`kusari.functions.simplified_dropconnect`.

    Args:
        in_size: The input size, or ``None`` to infer it at the first call.
        out_size: The output size.
        ratio: The dropping ratio of the weights.
        nobias: Leave the bias out.
        initialW: The initializer of ``W`` (LeCunNormal by default).
        initial_bias: The initializer of ``b`` (zero by default).

    Attributes:
        W: ``(out_size, in_size)``.
        b: ``(out_size,)``, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.links import SimplifiedDropconnect
        >>> layer = SimplifiedDropconnect(3, 2, ratio=0.5)
        >>> layer(numpy.ones((4, 3), numpy.float32), train=False).shape
        (4, 2)
    """

    W: Parameter
    b: Parameter | None

    def __init__(
        self,
        in_size: int | None,
        out_size: int,
        ratio: float = 0.5,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        check_size("in_size", in_size, allow_none=True)
        check_size("out_size", out_size)
        self.out_size = out_size
        self.ratio = ratio
        with self.init_scope():
            self.W = Parameter(get_initializer(initialW))
            if in_size is not None:
                self.W.initialize((out_size, in_size))
            if nobias:
                self.b = None
            else:
                bias_init = 0 if initial_bias is None else initial_bias
                self.b = Parameter(get_initializer(bias_init), out_size)

    def forward(
        self,
        x: VariableOrArray,
        train: bool = True,
        mask: Array | None = None,
        use_batchwise_mask: bool = True,
    ) -> Variable:
        """Apply the layer with (``train=True``) or without dropping weights.

        Args:
            x: The input ``(batch, ...)``; the axes after the first are flattened.
            train: Drop weights (else scale nothing and drop nothing).
            mask: A given mask of kept weights instead of a random one.
            use_batchwise_mask: One mask per sample (else one for the whole batch).

        Returns:
            ``(batch, out_size)``.
        """
        if self.W.array is None:
            self.W.initialize((self.out_size, math.prod(tuple(x.shape)[1:])))
        return simplified_dropconnect(
            x, self.W, self.b, self.ratio, train, mask, use_batchwise_mask
        )

    if TYPE_CHECKING:

        def __call__(
            self,
            x: VariableOrArray,
            train: bool = True,
            mask: Array | None = None,
            use_batchwise_mask: bool = True,
        ) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
