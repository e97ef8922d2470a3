"""Batch normalization whose batch statistics span every process's minibatch."""

from __future__ import annotations

import math
from typing import Any

import numpy
import numpy.typing as npt

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable, config, get_dtype
from kusari.initializers import Constant, InitializerLike
from kusari.links import Link, Parameter

from .._communicator import CommunicatorBase
from .._functions import allreduce_sum

__all__ = ["MultiNodeBatchNormalization"]


def _initializer(value: InitializerLike | float | None, default: float, dtype: Any) -> Any:
    if value is None:
        return Constant(default, dtype)
    if isinstance(value, int | float):
        return Constant(float(value), dtype)
    return value


class MultiNodeBatchNormalization(Link):
    """Batch normalization over the union of all processes' minibatches.

    In training mode (``config.train``) the mean and variance of each channel are those of
    every example on every process: an allreduce of the per-channel sums and example
    counts gives the mean, a second one the sum of squared deviations from it (two passes,
    exact also when ``|mean| >> std``), so the statistics do not depend on how the batch was
    split, and uneven minibatches count each example once.  The backward pass sums the
    gradient statistics over the processes the same way (the collective is differentiable,
    double backward included).  The running averages :attr:`avg_mean` and :attr:`avg_var`
    (unbiased) are updated identically on every process.  In test mode the running
    averages are used and nothing is communicated.

    Normalization is over axis 0 and every axis after the ``size`` ones: for ``size=C`` and
    ``x`` of shape ``(N, C, H, W)``, over ``N``, ``H`` and ``W``.  Float16 inputs are
    normalized in float32 and returned as float16.

    Every process must call it, in training mode, the same number of times in the same
    order (it contains collectives).

    Args:
        size: The shape of the channel axes (an int for one axis).
        comm: The communicator.
        decay: The decay of the running averages.
        eps: Added to the variance for stability.
        dtype: The dtype of the parameters and running averages (``config.dtype`` by
            default, float32 for ``mixed16``).
        use_gamma: Learn a scale :attr:`gamma` (else 1).
        use_beta: Learn a shift :attr:`beta` (else 0).
        initial_gamma: The initializer (or value) of ``gamma``; 1 by default.
        initial_beta: The initializer (or value) of ``beta``; 0 by default.
        communication_backend: Accepted for ChainerMN compatibility: ``'auto'``, ``'mpi'``
            or ``'nccl'``; the communicator decides how arrays travel.

    Attributes:
        gamma: The scale parameter (absent with ``use_gamma=False``).
        beta: The shift parameter (absent with ``use_beta=False``).
        avg_mean: The running mean (persistent).
        avg_var: The running variance (persistent).
        N: The number of batches seen in fine-tuning mode (persistent).
        decay: The decay.
        eps: The epsilon.
        comm: The communicator.

    Raises:
        ValueError: If ``decay`` is not in ``[0, 1)``, ``eps`` is not positive, or
            ``communication_backend`` is unknown.
        TypeError: If ``comm`` is not a communicator.

    Example:
        >>> import numpy
        >>> from kusari.distributed import create_communicator
        >>> from kusari.distributed.links import MultiNodeBatchNormalization
        >>> bn = MultiNodeBatchNormalization(2, create_communicator("mpi"))
        >>> x = numpy.array([[1.0, 10.0], [3.0, 30.0]], numpy.float32)
        >>> y = bn(x)
        >>> numpy.round(y.array, 3).tolist()
        [[-1.0, -1.0], [1.0, 1.0]]
        >>> bn.avg_mean.tolist()  # 0.9 * 0 + 0.1 * mean
        [0.20000000298023224, 2.0]
    """

    gamma: Parameter
    beta: Parameter

    def __init__(
        self,
        size: int | tuple[int, ...],
        comm: CommunicatorBase,
        decay: float = 0.9,
        eps: float = 2e-5,
        dtype: npt.DTypeLike | None = None,
        use_gamma: bool = True,
        use_beta: bool = True,
        initial_gamma: InitializerLike | float | None = None,
        initial_beta: InitializerLike | float | None = None,
        communication_backend: str = "auto",
    ) -> None:
        super().__init__()
        if not isinstance(comm, CommunicatorBase):
            raise TypeError(
                "comm must come from kusari.distributed.create_communicator, got "
                f"{type(comm).__name__}"
            )
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"decay must be in [0, 1), got {decay!r}")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps!r}")
        if communication_backend not in ("auto", "mpi", "nccl"):
            raise ValueError(
                "communication_backend must be 'auto', 'mpi' or 'nccl', got "
                f"{communication_backend!r}"
            )
        shape = (size,) if isinstance(size, int) else tuple(size)
        param_dtype = get_dtype(dtype, map_mixed16=numpy.float32)
        self.comm = comm
        self.decay = decay
        self.eps = eps
        self._shape = shape
        self.use_gamma = use_gamma
        self.use_beta = use_beta
        self.add_persistent("avg_mean", numpy.zeros(shape, dtype=param_dtype))
        self.add_persistent("avg_var", numpy.ones(shape, dtype=param_dtype))
        self.add_persistent("N", 0)
        with self.init_scope():
            if use_gamma:
                self.gamma = Parameter(_initializer(initial_gamma, 1.0, param_dtype), shape)
            if use_beta:
                self.beta = Parameter(_initializer(initial_beta, 0.0, param_dtype), shape)

    avg_mean: Array
    avg_var: Array
    N: int

    def _check_input(self, x: Variable) -> None:
        shape = x.shape
        n_axes = len(self._shape)
        if len(shape) < 1 + n_axes or tuple(shape[1 : 1 + n_axes]) != self._shape:
            raise ValueError(
                f"MultiNodeBatchNormalization of size {self._shape} expects inputs of shape "
                f"(N, {', '.join(map(str, self._shape))}, ...), got {tuple(shape)}"
            )
        if x.dtype.kind != "f":
            raise TypeError(f"MultiNodeBatchNormalization needs floating inputs, got {x.dtype}")

    def forward(self, x: Variable | Array, finetune: bool = False) -> Variable:
        """Normalize ``x`` (see the class description).

        Args:
            x: The input, of shape ``(N, *size, ...)``.
            finetune: Average the statistics of all batches seen so far instead of a
                decaying average (``decay = 1 - 1/N``), as Chainer's fine-tuning mode.

        Returns:
            The normalized, scaled and shifted output, of ``x``'s shape and dtype.
        """
        xv = x if isinstance(x, Variable) else Variable(x, requires_grad=False)
        self._check_input(xv)
        in_dtype = xv.dtype
        compute = numpy.promote_types(in_dtype, numpy.float32)
        if in_dtype != compute:
            xv = F.cast(xv, compute)
        xp = self.xp
        n_axes = len(self._shape)
        ndim = len(xv.shape)
        axes = (0, *range(1 + n_axes, ndim))
        expand = (1, *self._shape, *(1,) * (ndim - 1 - n_axes))
        gamma: Variable | Array = (
            self.gamma if self.use_gamma else xp.ones(self._shape, dtype=compute)
        )
        beta: Variable | Array = self.beta if self.use_beta else xp.zeros(self._shape, compute)
        if isinstance(gamma, Variable) and gamma.dtype != compute:
            gamma = F.cast(gamma, compute)
        if isinstance(beta, Variable) and beta.dtype != compute:
            beta = F.cast(beta, compute)

        if config.train:
            # Two passes, as a one-process batch normalization computes them: the mean
            # first, then the mean squared deviation from it.  One pass (E[x^2] - E[x]^2)
            # would save a collective but loses all precision when |mean| >> std.
            count = xp.asarray([xv.size // math.prod(self._shape)], dtype=compute)
            total, n_var = allreduce_sum(self.comm, F.sum(xv, axis=axes), count)
            assert n_var.array is not None
            n = float(n_var.array[0])
            mean = total / n
            centered = xv - F.reshape(mean, expand)
            (total_sq,) = allreduce_sum(self.comm, F.sum(centered * centered, axis=axes))
            var = total_sq / n
            inv_std = (var + self.eps) ** -0.5
            y = centered * F.reshape(gamma * inv_std, expand) + F.reshape(beta, expand)
            if finetune:
                self.N += 1
                decay = 1.0 - 1.0 / self.N
            else:
                decay = self.decay
            assert mean.array is not None
            assert var.array is not None
            adjust = n / max(n - 1.0, 1.0)
            self.avg_mean *= decay
            self.avg_mean += (1.0 - decay) * mean.array
            self.avg_var *= decay
            self.avg_var += (1.0 - decay) * adjust * var.array
        else:
            mean_a = self.avg_mean.astype(compute).reshape(expand)
            inv = ((self.avg_var.astype(compute) + self.eps) ** -0.5).reshape(expand)
            y = (xv - mean_a) * (F.reshape(gamma, expand) * inv) + F.reshape(beta, expand)
        return y if y.dtype == in_dtype else F.cast(y, in_dtype)
