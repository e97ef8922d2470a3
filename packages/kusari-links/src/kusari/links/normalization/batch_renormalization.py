"""``BatchRenormalization``: batch renormalization with running averages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy.typing as npt

from kusari.devices import Array
from kusari.functions import batch_renormalization, fixed_batch_normalization
from kusari.graph import Variable, VariableOrArray, config

from .._parameter import ParameterInitializer
from .batch_normalization import BatchNormalization

__all__ = ["BatchRenormalization"]


class BatchRenormalization(BatchNormalization):
    """Batch renormalization (Ioffe, 2017), corrected toward the running statistics.

    See :func:`kusari.functions.batch_renormalization`.

    In training mode the batch is normalized with its own statistics, corrected by the
    clipped ratios ``r`` (bounded by ``rmax``) and offsets ``d`` (bounded by ``dmax``) to
    the running averages, which are then updated; in test mode it is a
    :class:`BatchNormalization` with the running averages.

    Args:
        size: The channel shape.
        rmax: The bound of ``r``; ``1`` makes it plain batch normalization.
        dmax: The bound of ``d``.
        decay: The decay rate of the running averages.
        eps: Added to the variances.
        dtype: The dtype of the parameters and averages.
        use_gamma: Learn a scale.
        use_beta: Learn a shift.
        initial_gamma: The initializer of ``gamma``.
        initial_beta: The initializer of ``beta``.
        initial_avg_mean: The initializer of ``avg_mean``.
        initial_avg_var: The initializer of ``avg_var``.

    Attributes:
        rmax: The bound of ``r``.
        dmax: The bound of ``d``.

    Example:
        >>> import numpy
        >>> from kusari.links import BatchRenormalization
        >>> brn = BatchRenormalization(2, rmax=1.0, dmax=0.0)
        >>> x = numpy.array([[1.0, 10.0], [3.0, 30.0]], numpy.float32)
        >>> numpy.round(brn(x).array, 3).tolist()
        [[-1.0, -1.0], [1.0, 1.0]]
    """

    def __init__(
        self,
        size: int | tuple[int, ...],
        rmax: float = 1,
        dmax: float = 0,
        decay: float = 0.9,
        eps: float = 2e-5,
        dtype: npt.DTypeLike | None = None,
        use_gamma: bool = True,
        use_beta: bool = True,
        initial_gamma: ParameterInitializer = None,
        initial_beta: ParameterInitializer = None,
        initial_avg_mean: ParameterInitializer = None,
        initial_avg_var: ParameterInitializer = None,
    ) -> None:
        super().__init__(
            size,
            decay,
            eps,
            dtype,
            use_gamma,
            use_beta,
            initial_gamma,
            initial_beta,
            initial_avg_mean=initial_avg_mean,
            initial_avg_var=initial_avg_var,
        )
        self.rmax = rmax
        self.dmax = dmax

    def forward(self, x: VariableOrArray, finetune: bool = False) -> Variable:
        """Renormalize in training mode, normalize with the averages otherwise.

        Args:
            x: The input.
            finetune: Average the statistics over the calls since
                :meth:`start_finetuning`.

        Returns:
            The output.
        """
        avg_mean, avg_var = self.avg_mean, self.avg_var
        assert avg_mean is not None
        assert avg_var is not None
        xp = self.device.xp
        gamma: VariableOrArray = (
            self.gamma if self.gamma is not None else xp.ones(avg_mean.shape, avg_mean.dtype)
        )
        beta: VariableOrArray = (
            self.beta if self.beta is not None else xp.zeros(avg_mean.shape, avg_mean.dtype)
        )
        if not config.train:
            return fixed_batch_normalization(x, gamma, beta, avg_mean, avg_var, self.eps)
        decay = self.decay
        update = not config.in_recomputing
        if update and finetune:
            self.N += 1
            decay = 1.0 - 1.0 / self.N
        running_mean: Array = avg_mean
        running_var: Array = avg_var
        return batch_renormalization(
            x,
            gamma,
            beta,
            self.rmax,
            self.dmax,
            self.eps,
            running_mean,
            running_var,
            decay,
            update_statistics=update,
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray, finetune: bool = False) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The specs of :class:`BatchNormalization`, ``rmax`` and ``dmax``."""
        yield from super().printable_specs
        yield "rmax", self.rmax
        yield "dmax", self.dmax
