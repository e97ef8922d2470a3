"""``NegativeSampling``: the word2vec negative-sampling loss with its output vectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, overload

import numpy
import numpy.typing as npt

from kusari.devices import Array
from kusari.functions import WalkerAlias, negative_sampling
from kusari.graph import Variable, VariableOrArray, get_dtype
from kusari.initializers import Zero

from .._parameter import Parameter
from ..connection._args import check_size
from ._sampler import SamplingLossLink, check_sample_size, word_counts

__all__ = ["NegativeSampling"]


class NegativeSampling(SamplingLossLink):
    """The negative-sampling loss (Mikolov et al., 2013), holding the output word vectors.

    Wraps :func:`~kusari.functions.negative_sampling`: each input is scored against the
    vector of its target word and of ``sample_size`` words drawn from the unigram
    distribution raised to ``power``, by a :class:`~kusari.functions.WalkerAlias` sampler
    built from ``counts`` (it moves with the link in :meth:`to_device`; it is not saved).

    Args:
        in_size: The size of the input vectors.
        counts: The count of each word id (``len(counts)`` is the vocabulary size).
        sample_size: The number of negative samples per input.
        power: The exponent applied to the counts before sampling.
        dtype: The dtype in which ``counts ** power`` is computed (Chainer's meaning;
            ``None`` for ``config.dtype``).  ``W`` takes ``config.dtype``, as in Chainer.

    Attributes:
        W: The ``(len(counts), in_size)`` output word vectors, initialized to zeros.
        sampler: The sampler of negative word ids.
        sample_size: The number of negative samples per input.

    Raises:
        ValueError: If ``in_size`` or ``sample_size`` is not a positive int, or ``counts``
            is empty, not 1-D, negative, not finite or all zero.
        TypeError: If ``counts`` is not a sequence of numbers.

    Example:
        >>> import numpy
        >>> from kusari.links import NegativeSampling
        >>> loss_layer = NegativeSampling(3, counts=[5, 1, 2, 8], sample_size=2)
        >>> x = numpy.ones((4, 3), numpy.float32)
        >>> loss = loss_layer(x, numpy.array([0, 3, 3, 1]))
        >>> round(float(loss.array), 4)  # W starts at 0: every term costs log(2)
        8.3178
    """

    W: Parameter

    def __init__(
        self,
        in_size: int,
        counts: Sequence[float] | Array,
        sample_size: int,
        power: float = 0.75,
        dtype: npt.DTypeLike | None = None,
    ) -> None:
        super().__init__()
        check_size("in_size", in_size)
        self.sample_size = check_sample_size("NegativeSampling", sample_size)
        weights = word_counts("NegativeSampling", counts).astype(get_dtype(dtype))
        numpy.power(weights, power, out=weights)
        self.sampler = WalkerAlias(weights)
        with self.init_scope():
            self.W = Parameter(Zero(), (len(weights), in_size))

    @overload
    def forward(
        self,
        x: VariableOrArray,
        t: VariableOrArray,
        reduce: Literal["sum", "no"] = "sum",
        *,
        return_samples: Literal[False] = False,
    ) -> Variable: ...

    @overload
    def forward(
        self,
        x: VariableOrArray,
        t: VariableOrArray,
        reduce: Literal["sum", "no"] = "sum",
        *,
        return_samples: Literal[True],
    ) -> tuple[Variable, Array]: ...

    def forward(
        self,
        x: VariableOrArray,
        t: VariableOrArray,
        reduce: Literal["sum", "no"] = "sum",
        *,
        return_samples: bool = False,
    ) -> Variable | tuple[Variable, Array]:
        """The loss of inputs ``x`` for the target ids ``t`` (``-1`` ignores a sample).

        Args:
            x: ``(B, in_size)`` input vectors.
            t: ``(B,)`` integer target word ids.
            reduce: ``"sum"`` for the total loss, ``"no"`` for one loss per input.
            return_samples: Also return the ``(B, sample_size + 1)`` ids used, the targets
                in the first column.

        Returns:
            The loss, and the ids when ``return_samples`` is true.

        Raises:
            ValueError: If ``reduce`` is neither ``"sum"`` nor ``"no"``.
            kusari.graph.type_check.InvalidType: If ``x`` or ``t`` does not fit ``W``.
        """
        if return_samples:
            return negative_sampling(
                x, t, self.W, self.sampler.sample, self.sample_size, reduce, return_samples=True
            )
        return negative_sampling(x, t, self.W, self.sampler.sample, self.sample_size, reduce)

    if TYPE_CHECKING:

        @overload
        def __call__(
            self,
            x: VariableOrArray,
            t: VariableOrArray,
            reduce: Literal["sum", "no"] = "sum",
            *,
            return_samples: Literal[False] = False,
        ) -> Variable: ...

        @overload
        def __call__(
            self,
            x: VariableOrArray,
            t: VariableOrArray,
            reduce: Literal["sum", "no"] = "sum",
            *,
            return_samples: Literal[True],
        ) -> tuple[Variable, Array]: ...

        def __call__(
            self,
            x: VariableOrArray,
            t: VariableOrArray,
            reduce: Literal["sum", "no"] = "sum",
            *,
            return_samples: bool = False,
        ) -> Variable | tuple[Variable, Array]:
            """Run :meth:`forward` through the link hooks (typed like it)."""
