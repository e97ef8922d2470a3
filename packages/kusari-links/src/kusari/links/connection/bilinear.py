"""``Bilinear``: a bilinear layer of two inputs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kusari.functions import bilinear
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ._args import check_size

__all__ = ["Bilinear"]


class Bilinear(Link):
    """A bilinear layer of two inputs (:func:`kusari.functions.bilinear`).

    ``y[n, k] = e1[n] W[:, :, k] e2[n] + e1[n] V1[:, k] + e2[n] V2[:, k] + b[k]``.

    Args:
        left_size: The size of ``e1``.
        right_size: The size of ``e2``.
        out_size: The output size.
        nobias: Keep only ``W`` (no ``V1``, ``V2`` and ``b``).
        initialW: The initializer of ``W`` (LeCunNormal by default).
        initial_bias: A tuple of the initializers of ``(V1, V2, b)``; by default ``V1``
            and ``V2`` are LeCunNormal and ``b`` is zero.

    Attributes:
        W: ``(left_size, right_size, out_size)``.
        V1: ``(left_size, out_size)``, or ``None``.
        V2: ``(right_size, out_size)``, or ``None``.
        b: ``(out_size,)``, or ``None``.

    Raises:
        ValueError: If ``initial_bias`` is given with ``nobias`` or is not a triple.

    Example:
        >>> import numpy
        >>> from kusari.links import Bilinear
        >>> layer = Bilinear(2, 3, 4)
        >>> e1, e2 = numpy.ones((5, 2), numpy.float32), numpy.ones((5, 3), numpy.float32)
        >>> layer(e1, e2).shape
        (5, 4)
    """

    W: Parameter
    V1: Parameter | None
    V2: Parameter | None
    b: Parameter | None

    def __init__(
        self,
        left_size: int,
        right_size: int,
        out_size: int,
        nobias: bool = False,
        initialW: ParameterInitializer = None,
        initial_bias: Sequence[ParameterInitializer] | None = None,
    ) -> None:
        super().__init__()
        check_size("left_size", left_size)
        check_size("right_size", right_size)
        check_size("out_size", out_size)
        if nobias and initial_bias is not None:
            raise ValueError("Bilinear: initial_bias must be None when nobias is True")
        if initial_bias is None:
            initial_bias = (None, None, 0)
        elif len(initial_bias) != 3:
            raise ValueError(
                "Bilinear: initial_bias must be a tuple of the initializers of (V1, V2, b)"
            )
        with self.init_scope():
            self.W = Parameter(get_initializer(initialW), (left_size, right_size, out_size))
            if nobias:
                self.V1 = self.V2 = self.b = None
            else:
                v1, v2, b = initial_bias
                self.V1 = Parameter(get_initializer(v1), (left_size, out_size))
                self.V2 = Parameter(get_initializer(v2), (right_size, out_size))
                self.b = Parameter(get_initializer(0 if b is None else b), out_size)

    def forward(self, e1: VariableOrArray, e2: VariableOrArray) -> Variable:
        """Apply the bilinear map to ``e1`` ``(batch, left_size)`` and ``e2``.

        Raises:
            kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.
        """
        if self.b is None:
            return bilinear(e1, e2, self.W)
        return bilinear(e1, e2, self.W, self.V1, self.V2, self.b)

    if TYPE_CHECKING:

        def __call__(self, e1: VariableOrArray, e2: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The three sizes and ``nobias``."""
        left, right, out = self.W.shape
        yield "left_size", left
        yield "right_size", right
        yield "out_size", out
        yield "nobias", self.b is None
