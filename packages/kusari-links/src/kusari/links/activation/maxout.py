"""``Maxout``: a fully connected layer followed by a max over groups of units."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy

from kusari.devices import is_array
from kusari.functions import maxout
from kusari.graph import Variable, VariableOrArray

from .._chain import Chain
from .._parameter import ParameterInitializer
from ..connection._args import check_size
from ..connection.linear import Linear

__all__ = ["Maxout"]


class Maxout(Chain):
    """A maxout layer (Goodfellow et al., 2013): the maximum of groups of linear units.

    ``out_size`` groups of ``pool_size`` linear units, each reduced to its maximum.

    Args:
        in_size: The input size (``None`` to infer it).
        out_size: The output size.
        pool_size: The number of units per group.
        initialW: The initializer of the weight; an array may have the shape
            ``(out_size, pool_size, in_size)``.
        initial_bias: The initializer of the bias (``0`` by default; ``None`` for no
            bias); an array may have the shape ``(out_size, pool_size)``.

    Attributes:
        linear: The Linear computing the ``out_size * pool_size`` units.

    Example:
        >>> import numpy
        >>> from kusari.links import Maxout
        >>> Maxout(3, 2, 4)(numpy.ones((5, 3), numpy.float32)).shape
        (5, 2)
    """

    linear: Linear

    def __init__(
        self,
        in_size: int | None,
        out_size: int,
        pool_size: int,
        initialW: ParameterInitializer = None,
        initial_bias: ParameterInitializer = 0,
    ) -> None:
        super().__init__()
        check_size("out_size", out_size)
        check_size("pool_size", pool_size)
        linear_out = out_size * pool_size
        if is_array(initialW):
            initialW = numpy.asarray(initialW).reshape(linear_out, -1)
        if is_array(initial_bias):
            initial_bias = numpy.asarray(initial_bias).reshape(linear_out)
        self.out_size = out_size
        self.pool_size = pool_size
        with self.init_scope():
            self.linear = Linear(
                in_size,
                linear_out,
                nobias=initial_bias is None,
                initialW=initialW,
                initial_bias=initial_bias,
            )

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the linear units and take the maximum of each group.

        Returns:
            ``(batch, out_size)``.
        """
        return maxout(self.linear(x), self.pool_size)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
