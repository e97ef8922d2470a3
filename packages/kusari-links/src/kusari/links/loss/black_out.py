"""``BlackOut``: the BlackOut loss with its output vectors and sampler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy

from kusari.devices import Array
from kusari.functions import WalkerAlias, black_out
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import Zero, get_initializer

from .._parameter import Parameter, ParameterInitializer
from ..connection._args import check_size
from ._sampler import SamplingLossLink, check_sample_size, word_counts

__all__ = ["BlackOut"]


class BlackOut(SamplingLossLink):
    """The BlackOut loss (Ji et al., 2016), holding the output word vectors.

    Wraps :func:`~kusari.functions.black_out`: each input is scored against its target
    word and ``sample_size`` words drawn in proportion to ``counts`` by a
    :class:`~kusari.functions.WalkerAlias` sampler (it moves with the link in
    :meth:`to_device`; it is not saved).

    Unlike Chainer, whose ``W`` starts as NaN (it must be set before use), ``W`` starts
    at zeros, like :class:`NegativeSampling`'s; ``initialW`` sets another initializer.
    Neither draws random numbers, so seeded initializations of other links match Chainer's.

    Args:
        in_size: The size of the input vectors.
        counts: The count of each word id (``len(counts)`` is the vocabulary size).
        sample_size: The number of negative samples per input.
        initialW: The initializer of ``W`` (kusari's addition); zeros by default.

    Attributes:
        W: The ``(len(counts), in_size)`` output word vectors.
        sampler: The sampler of negative word ids.
        sample_size: The number of negative samples per input.

    Raises:
        ValueError: If ``in_size`` or ``sample_size`` is not a positive int, or ``counts``
            is empty, not 1-D, negative, not finite or all zero.
        TypeError: If ``counts`` is not a sequence of numbers.

    Example:
        >>> import numpy
        >>> from kusari.links import BlackOut
        >>> loss_layer = BlackOut(3, counts=[5, 1, 2, 8], sample_size=2)
        >>> loss = loss_layer(numpy.ones((4, 3), numpy.float32), numpy.array([0, 3, 3, 1]))
        >>> bool(numpy.isclose(loss.array, numpy.log(3) - 2 * numpy.log(2 / 3)))
        True
    """

    W: Parameter

    def __init__(
        self,
        in_size: int,
        counts: Sequence[float] | Array,
        sample_size: int,
        *,
        initialW: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        check_size("in_size", in_size)
        self.sample_size = check_sample_size("BlackOut", sample_size)
        # Chainer passes the counts to WalkerAlias as they are (no power).
        self.sampler = WalkerAlias(word_counts("BlackOut", counts).astype(numpy.float32))
        initializer = Zero() if initialW is None else get_initializer(initialW)
        with self.init_scope():
            self.W = Parameter(initializer, (len(self.sampler), in_size))

    def forward(
        self, x: VariableOrArray, t: VariableOrArray, reduce: Literal["mean", "no"] = "mean"
    ) -> Variable:
        """The loss of inputs ``x`` for the target ids ``t``.

        Draws ``(B, sample_size)`` negative ids from :attr:`sampler`.

        Args:
            x: ``(B, in_size)`` input vectors.
            t: ``(B,)`` integer target word ids.
            reduce: ``"mean"`` for the batch mean, ``"no"`` for one loss per input
                (kusari's addition; Chainer's link always averages).

        Returns:
            The loss.

        Raises:
            ValueError: If ``reduce`` is neither ``"mean"`` nor ``"no"``.
            kusari.graph.type_check.InvalidType: If ``x`` or ``t`` does not fit ``W``.
        """
        shape = x.shape
        samples = self.sampler.sample((shape[0] if shape else 0, self.sample_size))
        return black_out(x, t, self.W, samples, reduce)

    if TYPE_CHECKING:

        def __call__(
            self,
            x: VariableOrArray,
            t: VariableOrArray,
            reduce: Literal["mean", "no"] = "mean",
        ) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""
