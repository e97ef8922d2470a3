"""``BatchNormalization``: batch normalization with running averages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy
import numpy.typing as npt

from kusari.devices import Array
from kusari.functions import batch_normalization, fixed_batch_normalization
from kusari.graph import Variable, VariableOrArray, config, get_dtype
from kusari.initializers import Initializer, InitializerLike, generate_array, get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer

__all__ = ["BatchNormalization", "with_dtype"]


def _channel_shape(x_shape: tuple[int, ...], axis: tuple[int, ...]) -> tuple[int, ...]:
    ndim = len(x_shape)
    for a in axis:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of bounds for an input of shape {x_shape}")
    reduced = {a % ndim for a in axis}
    return tuple(n for i, n in enumerate(x_shape) if i not in reduced)


def _axis_tuple(axis: int | tuple[int, ...] | None) -> tuple[int, ...] | None:
    if axis is None:
        return None
    return (axis,) if isinstance(axis, int) else tuple(axis)


class BatchNormalization(Link):
    """Batch normalization with learnable scale/shift and running averages of the statistics.

    In training mode (``config.train``) it normalizes with the batch statistics
    (:func:`~kusari.functions.batch_normalization`) and updates the running averages
    ``avg_mean`` and ``avg_var``; in test mode it normalizes with the running averages
    (:func:`~kusari.functions.fixed_batch_normalization`).  With ``finetune=True`` the
    averages become the plain mean over the calls since :meth:`start_finetuning`
    (``decay = 1 - 1 / N``).  While ``config.in_recomputing`` (inside
    :func:`~kusari.functions.forget`), the averages are left alone.

    ``size`` is the shape of the parameters: the shape of ``x`` without the reduction
    axes (by default axis 0 and the axes after the channels).  Without ``size`` the
    parameters are created at the first call from ``axis``, which is then required.

    Args:
        size: The channel shape (an int or a tuple), or ``None`` to infer it with ``axis``.
        decay: The decay rate of the running averages.
        eps: Added to the variance.
        dtype: The dtype of the parameters and averages; ``config.dtype`` by default
            (float32 under mixed16).
        use_gamma: Learn a scale ``gamma`` (else it is one and ``gamma`` is ``None``).
        use_beta: Learn a shift ``beta`` (else it is zero and ``beta`` is ``None``).
        initial_gamma: The initializer of ``gamma``; one by default.
        initial_beta: The initializer of ``beta``; zero by default.
        axis: The reduction axes, or ``None`` for the default.
        initial_avg_mean: The initializer of ``avg_mean``; zero by default.
        initial_avg_var: The initializer of ``avg_var``; one by default.

    Attributes:
        gamma: The scale, or ``None``.
        beta: The shift, or ``None``.
        avg_mean: The running mean (persistent; ``None`` until created).
        avg_var: The running variance (persistent; ``None`` until created).
        N: The number of calls since fine-tuning started (persistent).
        decay: The decay rate.
        eps: The epsilon.
        axis: The reduction axes, or ``None``.

    Raises:
        RuntimeError: If neither ``size`` nor ``axis`` is given.

    Example:
        >>> import numpy
        >>> from kusari.graph import using_config
        >>> from kusari.links import BatchNormalization
        >>> bn = BatchNormalization(2)
        >>> x = numpy.array([[1.0, 10.0], [3.0, 30.0]], numpy.float32)
        >>> numpy.round(bn(x).array, 3).tolist()
        [[-1.0, -1.0], [1.0, 1.0]]
        >>> bn.avg_mean.tolist()
        [0.20000000298023224, 2.0]
        >>> with using_config("train", False):
        ...     bn(x).shape
        (2, 2)
    """

    gamma: Parameter | None
    beta: Parameter | None
    avg_mean: Array | None
    avg_var: Array | None
    N: int

    def __init__(
        self,
        size: int | tuple[int, ...] | None = None,
        decay: float = 0.9,
        eps: float = 2e-5,
        dtype: npt.DTypeLike | None = None,
        use_gamma: bool = True,
        use_beta: bool = True,
        initial_gamma: ParameterInitializer = None,
        initial_beta: ParameterInitializer = None,
        axis: int | tuple[int, ...] | None = None,
        initial_avg_mean: ParameterInitializer = None,
        initial_avg_var: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        if size is None and axis is None:
            raise RuntimeError("BatchNormalization needs size or axis (size or axis is required)")
        self.decay = decay
        self.eps = eps
        self.axis = _axis_tuple(axis)
        self._dtype = get_dtype(dtype, map_mixed16=numpy.float32)
        self._initial_avg_mean = get_initializer(
            0 if initial_avg_mean is None else initial_avg_mean
        )
        self._initial_avg_var = get_initializer(1 if initial_avg_var is None else initial_avg_var)
        self.add_persistent("avg_mean", None)
        self.add_persistent("avg_var", None)
        self.add_persistent("N", 0)
        with self.init_scope():
            if use_gamma:
                gamma_init = get_initializer(1 if initial_gamma is None else initial_gamma)
                self.gamma = Parameter(with_dtype(gamma_init, self._dtype))
            else:
                self.gamma = None
            if use_beta:
                beta_init = get_initializer(0 if initial_beta is None else initial_beta)
                self.beta = Parameter(with_dtype(beta_init, self._dtype))
            else:
                self.beta = None
        if size is not None:
            self._initialize_params((size,) if isinstance(size, int) else tuple(size))

    def _initialize_params(self, shape: tuple[int, ...]) -> None:
        device = self.device
        dtype = self._dtype
        self.avg_mean = generate_array(
            self._initial_avg_mean, shape, device.xp, dtype=dtype, device=device
        )
        self.avg_var = generate_array(
            self._initial_avg_var, shape, device.xp, dtype=dtype, device=device
        )
        if self.gamma is not None:
            self.gamma.initialize(shape)
        if self.beta is not None:
            self.beta.initialize(shape)

    def start_finetuning(self) -> None:
        """Restart the count ``N`` of fine-tuning calls."""
        self.N = 0

    def forward(self, x: VariableOrArray, finetune: bool = False) -> Variable:
        """Normalize ``x`` (batch statistics in training mode, running averages otherwise).

        Args:
            x: The input.
            finetune: Average the statistics over all the calls since
                :meth:`start_finetuning` instead of decaying them.

        Returns:
            The normalized output.

        Raises:
            ValueError: If the parameters are still to be created and ``axis`` does not
                fit ``x``.
            kusari.graph.type_check.InvalidType: If ``x`` does not fit the parameters.
        """
        if self.avg_mean is None:
            assert self.axis is not None
            self._initialize_params(_channel_shape(tuple(x.shape), self.axis))
        avg_mean = self.avg_mean
        avg_var = self.avg_var
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
            return fixed_batch_normalization(
                x, gamma, beta, avg_mean, avg_var, self.eps, axis=self.axis
            )
        decay = self.decay
        running_mean: Array | None = avg_mean
        running_var: Array | None = avg_var
        if config.in_recomputing:
            running_mean = running_var = None
        elif finetune:
            self.N += 1
            decay = 1.0 - 1.0 / self.N
        return batch_normalization(
            x,
            gamma,
            beta,
            eps=self.eps,
            running_mean=running_mean,
            running_var=running_var,
            decay=decay,
            axis=self.axis,
        )

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray, finetune: bool = False) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The shape of the averages, ``decay``, ``eps``, ``axis``, and the flags."""
        yield "size", None if self.avg_mean is None else tuple(self.avg_mean.shape)
        yield "decay", self.decay
        yield "eps", self.eps
        yield "dtype", self._dtype
        yield "use_gamma", self.gamma is not None
        yield "use_beta", self.beta is not None
        yield "axis", self.axis


def with_dtype(initializer: InitializerLike, dtype: numpy.dtype[Any]) -> InitializerLike:
    """Give an initializer without a dtype the link's dtype (as Chainer does)."""
    if isinstance(initializer, Initializer) and initializer.dtype is None:
        initializer.dtype = dtype
    return initializer
