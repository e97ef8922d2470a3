"""``DecorrelatedBatchNormalization``: group-wise ZCA whitening with running statistics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy
import numpy.typing as npt

from kusari.devices import Array
from kusari.functions import (
    decorrelated_batch_normalization,
    fixed_decorrelated_batch_normalization,
)
from kusari.graph import Variable, VariableOrArray, config, get_dtype

from .._link import Link
from ..connection._args import check_size

__all__ = ["DecorrelatedBatchNormalization"]


class DecorrelatedBatchNormalization(Link):
    """Decorrelated batch normalization (Huang et al., 2018): whitening of channel groups.

    Wraps :func:`~kusari.functions.decorrelated_batch_normalization` and
    :func:`~kusari.functions.fixed_decorrelated_batch_normalization`.  The ``size``
    channels of an ``(N, size, ...)`` input form ``groups`` groups; each group is centred
    and multiplied by the inverse square root of its covariance, so its features come out
    uncorrelated with unit variance.  There are no learnable parameters.

    * Training (``config.train``): batch statistics; the running averages
      :attr:`avg_mean` and :attr:`avg_projection` decay towards them.
    * Fine-tuning (training with ``finetune=True``): batch statistics; the averages become
      the plain mean over the calls since :meth:`start_finetuning` (``decay = 1 - 1/N``).
    * Testing: the averages.

    Args:
        size: The number of channels.
        groups: The number of groups; it must divide ``size``.
        decay: The decay rate of the running averages.
        eps: Added to the diagonal of each covariance.
        dtype: The dtype of the running averages (``None`` for ``config.dtype``).

    Attributes:
        avg_mean: The ``(groups, size // groups)`` running mean (persistent).
        avg_projection: The ``(groups, size // groups, size // groups)`` running projection
            (persistent), the identity at first.
        N: The number of fine-tuning calls (persistent).
        groups: The number of groups.
        decay: The decay rate.
        eps: The epsilon.

    Raises:
        ValueError: If ``size`` or ``groups`` is not a positive int, or ``groups`` does not
            divide ``size`` (Chainer accepts it and fails later).

    Example:
        >>> import numpy
        >>> from kusari.links import DecorrelatedBatchNormalization
        >>> layer = DecorrelatedBatchNormalization(4, groups=2)
        >>> x = numpy.random.default_rng(0).normal(size=(64, 4)).astype(numpy.float32)
        >>> y = layer(x).array
        >>> first = y[:, :2]
        >>> bool(numpy.allclose(first.T @ first / 64, numpy.eye(2), atol=1e-3))
        True
        >>> layer.avg_projection.shape
        (2, 2, 2)
    """

    avg_mean: Array
    avg_projection: Array
    N: int
    groups: int
    decay: float
    eps: float

    def __init__(
        self,
        size: int,
        groups: int = 16,
        decay: float = 0.9,
        eps: float = 2e-5,
        dtype: npt.DTypeLike | None = numpy.float32,
    ) -> None:
        super().__init__()
        check_size("size", size)
        check_size("groups", groups)
        if size % groups:
            raise ValueError(
                f"DecorrelatedBatchNormalization: groups ({groups}) must divide size ({size})"
            )
        self.groups = groups
        self.decay = decay
        self.eps = eps
        dims = size // groups
        resolved = get_dtype(dtype)
        projection: Any = numpy.broadcast_to(numpy.eye(dims, dtype=resolved), (groups, dims, dims))
        self.add_persistent("avg_mean", numpy.zeros((groups, dims), resolved))
        self.add_persistent("avg_projection", numpy.array(projection))
        self.add_persistent("N", 0)

    def start_finetuning(self) -> None:
        """Restart the count ``N`` of fine-tuning calls."""
        self.N = 0

    def forward(self, x: VariableOrArray, *, finetune: bool = False) -> Variable:
        """Whiten ``x`` (batch statistics in training mode, the averages otherwise).

        Args:
            x: The input, ``(N, size, ...)``.
            finetune: Average the statistics over the calls since :meth:`start_finetuning`
                instead of decaying them.

        Returns:
            The whitened input, of ``x``'s shape.

        Raises:
            kusari.graph.type_check.InvalidType: If ``x`` does not have ``size`` channels.
        """
        if not config.train:
            return fixed_decorrelated_batch_normalization(
                x, self.avg_mean, self.avg_projection, groups=self.groups
            )
        decay = self.decay
        running_mean: Array | None = self.avg_mean
        running_projection: Array | None = self.avg_projection
        if config.in_recomputing:
            running_mean = running_projection = None
        elif finetune:
            self.N += 1
            decay = 1.0 - 1.0 / self.N
        return decorrelated_batch_normalization(
            x,
            groups=self.groups,
            eps=self.eps,
            running_mean=running_mean,
            running_projection=running_projection,
            decay=decay,
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray, *, finetune: bool = False) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``size``, ``groups``, ``decay`` and ``eps``."""
        groups, dims = self.avg_mean.shape
        yield "size", groups * dims
        yield "groups", self.groups
        yield "decay", self.decay
        yield "eps", self.eps
