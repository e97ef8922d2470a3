"""``EmbedID``: a learnable lookup table of word vectors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kusari.functions import embed_id
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import Normal, get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ._args import check_size

__all__ = ["EmbedID"]


class EmbedID(Link):
    """A lookup table: ``y[..., :] = W[x[...], :]`` for integer ids ``x``.

    Args:
        in_size: The number of ids (the vocabulary size).
        out_size: The size of each vector.
        initialW: The initializer of ``W``; ``Normal(1.0)`` by default (as in Chainer).
        ignore_label: An id whose vector is all zeros (and gets no gradient), or ``None``.

    Attributes:
        W: The table, of shape ``(in_size, out_size)``.
        ignore_label: The ignored id, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.links import EmbedID
        >>> table = numpy.arange(6, dtype=numpy.float32).reshape(3, 2)
        >>> embed = EmbedID(3, 2, initialW=table, ignore_label=-1)
        >>> embed(numpy.array([2, -1, 0], numpy.int32)).array.tolist()
        [[4.0, 5.0], [0.0, 0.0], [0.0, 1.0]]
    """

    W: Parameter
    ignore_label: int | None

    def __init__(
        self,
        in_size: int,
        out_size: int,
        initialW: ParameterInitializer = None,
        ignore_label: int | None = None,
    ) -> None:
        super().__init__()
        check_size("in_size", in_size)
        check_size("out_size", out_size)
        self.ignore_label = ignore_label
        initializer = Normal(1.0) if initialW is None else get_initializer(initialW)
        with self.init_scope():
            self.W = Parameter(initializer, (in_size, out_size))

    def forward(self, x: VariableOrArray) -> Variable:
        """Look up the vectors of the ids ``x`` (an integer array of any shape).

        Args:
            x: The ids.

        Returns:
            The vectors, of shape ``x.shape + (out_size,)``.

        Raises:
            kusari.graph.type_check.InvalidType: If ``x`` is not an integer array.
            ValueError: If an id is out of range (NumPy inputs).
        """
        return embed_id(x, self.W, ignore_label=self.ignore_label)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``in_size``, ``out_size`` and ``ignore_label``."""
        shape = self.W.shape
        yield "in_size", shape[0]
        yield "out_size", shape[1]
        yield "ignore_label", self.ignore_label
