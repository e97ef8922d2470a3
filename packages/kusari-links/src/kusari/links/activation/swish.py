"""``Swish``: ``x * sigmoid(beta * x)`` with a learnable ``beta``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.functions import swish
from kusari.graph import Variable, VariableOrArray

from .._link import Link
from .._parameter import Parameter, ParameterInitializer

__all__ = ["Swish"]


class Swish(Link):
    """The Swish activation with a learnable ``beta`` (:func:`kusari.functions.swish`).

    Args:
        beta_shape: The shape of ``beta`` (it covers the axes ``1, 2, ...`` of the input),
            or ``None`` to take ``x.shape[1:]`` at the first call.
        beta_init: The initializer of ``beta`` (``1.0`` by default).

    Attributes:
        beta: The parameter.

    Example:
        >>> import numpy
        >>> from kusari.links import Swish
        >>> y = Swish((2,))(numpy.array([[0.0, 1.0]], numpy.float32))
        >>> [round(v, 4) for v in y.array[0].tolist()]
        [0.0, 0.7311]
    """

    beta: Parameter

    def __init__(
        self, beta_shape: int | tuple[int, ...] | None, beta_init: ParameterInitializer = 1.0
    ) -> None:
        super().__init__()
        with self.init_scope():
            if beta_shape is None:
                self.beta = Parameter(beta_init)
            else:
                shape = (beta_shape,) if isinstance(beta_shape, int) else tuple(beta_shape)
                self.beta = Parameter(beta_init, shape)

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply Swish.

        Raises:
            kusari.graph.type_check.InvalidType: If ``x`` does not fit ``beta``.
        """
        if self.beta.array is None:
            self.beta.initialize(tuple(x.shape[1:]))
        return swish(x, self.beta)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
