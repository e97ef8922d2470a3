"""``Highway``: a highway layer (a gated mix of a transformation and the input)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kusari.functions import relu, sigmoid
from kusari.graph import Variable, VariableOrArray

from .._chain import Chain
from .._parameter import ParameterInitializer
from ._args import check_size
from .linear import Linear

__all__ = ["Highway"]


class Highway(Chain):
    """A highway layer: a gated mix of a transformation and the input.

    ``y = activate(plain(x)) * t + x * (1 - t)`` with ``t = sigmoid(transform(x))``.

    Args:
        in_out_size: The input and output size.
        nobias: Leave out the biases of ``plain`` and ``transform``.
        activate: The activation of the plain path; :func:`~kusari.functions.relu` by
            default.
        init_Wh: The initializer of ``plain.W``.
        init_Wt: The initializer of ``transform.W``.
        init_bh: The initializer of ``plain.b`` (zero by default).
        init_bt: The initializer of ``transform.b``; ``-1`` by default, so the layer
            starts close to the identity.

    Attributes:
        plain: The Linear of the plain path.
        transform: The Linear of the gate.

    Example:
        >>> import numpy
        >>> from kusari.links import Highway
        >>> layer = Highway(3)
        >>> layer(numpy.ones((2, 3), numpy.float32)).shape
        (2, 3)
    """

    plain: Linear
    transform: Linear

    def __init__(
        self,
        in_out_size: int,
        nobias: bool = False,
        activate: Callable[[Variable], Variable] = relu,
        init_Wh: ParameterInitializer = None,
        init_Wt: ParameterInitializer = None,
        init_bh: ParameterInitializer = None,
        init_bt: ParameterInitializer = -1,
    ) -> None:
        super().__init__()
        check_size("in_out_size", in_out_size)
        self.activate = activate
        with self.init_scope():
            self.plain = Linear(
                in_out_size, in_out_size, nobias=nobias, initialW=init_Wh, initial_bias=init_bh
            )
            self.transform = Linear(
                in_out_size, in_out_size, nobias=nobias, initialW=init_Wt, initial_bias=init_bt
            )

    def forward(self, x: VariableOrArray) -> Variable:
        """Mix the transformed input with the input, as the gate says.

        Args:
            x: The input ``(batch, in_out_size)``.

        Returns:
            The output, shaped like ``x``.
        """
        out_plain = self.activate(self.plain(x))
        gate = sigmoid(self.transform(x))
        return out_plain * gate + x * (1 - gate)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
