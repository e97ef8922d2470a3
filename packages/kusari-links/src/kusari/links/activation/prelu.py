"""``PReLU``: a leaky ReLU with a learnable slope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.functions import prelu
from kusari.graph import Variable, VariableOrArray

from .._link import Link
from .._parameter import Parameter, ParameterInitializer

__all__ = ["PReLU"]


class PReLU(Link):
    """Parametric ReLU: ``max(x, 0) + W * min(x, 0)`` with a learnable slope ``W``.

    See :func:`kusari.functions.prelu`.

    Args:
        shape: The shape of ``W``; it covers the axes ``1, 2, ...`` of the input (``()``
            for one slope shared by all).
        init: The initializer of ``W`` (``0.25`` by default).

    Attributes:
        W: The slope.

    Example:
        >>> import numpy
        >>> from kusari.links import PReLU
        >>> PReLU()(numpy.array([[-2.0, 3.0]], numpy.float32)).array.tolist()
        [[-0.5, 3.0]]
    """

    W: Parameter

    def __init__(
        self, shape: int | tuple[int, ...] = (), init: ParameterInitializer = 0.25
    ) -> None:
        super().__init__()
        with self.init_scope():
            self.W = Parameter(init, (shape,) if isinstance(shape, int) else tuple(shape))

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the parametric ReLU.

        Raises:
            kusari.graph.type_check.InvalidType: If ``x`` does not fit ``W``.
        """
        return prelu(x, self.W)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
