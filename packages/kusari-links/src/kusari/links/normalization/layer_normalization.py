"""``LayerNormalization`` and ``GroupNormalization``: per-sample normalization links."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kusari.functions import group_normalization, layer_normalization
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import get_initializer

from .._link import Link
from .._parameter import Parameter, ParameterInitializer
from ..connection._args import check_size

__all__ = ["GroupNormalization", "LayerNormalization"]


class LayerNormalization(Link):
    """Layer normalization with a learnable scale and shift.

    See :func:`kusari.functions.layer_normalization`.

    Args:
        size: The number of units (``x.shape[1]``), or ``None`` to infer it at the first
            call.
        eps: Added to the variance (Chainer's link default is ``1e-6``).
        initial_gamma: The initializer of ``gamma``; one by default.
        initial_beta: The initializer of ``beta``; zero by default.

    Attributes:
        gamma: The scale, ``(size,)``.
        beta: The shift, ``(size,)``.
        eps: The epsilon.

    Example:
        >>> import numpy
        >>> from kusari.links import LayerNormalization
        >>> ln = LayerNormalization()
        >>> y = ln(numpy.array([[1.0, 3.0]], numpy.float32))
        >>> numpy.round(y.array, 3).tolist(), ln.gamma.shape
        ([[-1.0, 1.0]], (2,))
    """

    gamma: Parameter
    beta: Parameter

    def __init__(
        self,
        size: int | None = None,
        eps: float = 1e-6,
        initial_gamma: ParameterInitializer = None,
        initial_beta: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        check_size("size", size, allow_none=True)
        self.eps = eps
        with self.init_scope():
            self.gamma = Parameter(get_initializer(1 if initial_gamma is None else initial_gamma))
            self.beta = Parameter(get_initializer(0 if initial_beta is None else initial_beta))
        if size is not None:
            self._initialize_params(size)

    def _initialize_params(self, size: int) -> None:
        self.gamma.initialize((size,))
        self.beta.initialize((size,))

    def forward(self, x: VariableOrArray) -> Variable:
        """Normalize each row of the 2-D ``x``.

        Raises:
            kusari.graph.type_check.InvalidType: If ``x`` is not 2-D or does not fit.
        """
        if self.gamma.array is None:
            shape = tuple(x.shape)
            if len(shape) < 1 or shape[0] == 0:
                raise ValueError(f"LayerNormalization cannot infer its size from shape {shape}")
            self._initialize_params(math.prod(shape[1:]))
        return layer_normalization(x, self.gamma, self.beta, self.eps)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``size`` and ``eps``."""
        yield "size", None if self.gamma.array is None else self.gamma.shape[0]
        yield "eps", self.eps


class GroupNormalization(Link):
    """Group normalization with a learnable per-channel scale and shift.

    See :func:`kusari.functions.group_normalization`.

    Args:
        groups: The number of channel groups.
        size: The number of channels, or ``None`` to infer it at the first call.
        eps: Added to the variance.
        initial_gamma: The initializer of ``gamma``; one by default.
        initial_beta: The initializer of ``beta``; zero by default.

    Attributes:
        gamma: The scale, ``(size,)``.
        beta: The shift, ``(size,)``.
        groups: The number of groups.
        eps: The epsilon.

    Example:
        >>> import numpy
        >>> from kusari.links import GroupNormalization
        >>> gn = GroupNormalization(2)
        >>> x = numpy.array([[1.0, 3.0, 10.0, 30.0]], numpy.float32)
        >>> numpy.round(gn(x).array, 3).tolist()
        [[-1.0, 1.0, -1.0, 1.0]]
    """

    gamma: Parameter
    beta: Parameter

    def __init__(
        self,
        groups: int,
        size: int | None = None,
        eps: float = 1e-5,
        initial_gamma: ParameterInitializer = None,
        initial_beta: ParameterInitializer = None,
    ) -> None:
        super().__init__()
        check_size("groups", groups)
        check_size("size", size, allow_none=True)
        if size is not None and size % groups:
            raise ValueError(f"size ({size}) must be divisible by groups ({groups})")
        self.groups = groups
        self.eps = eps
        with self.init_scope():
            self.gamma = Parameter(get_initializer(1 if initial_gamma is None else initial_gamma))
            self.beta = Parameter(get_initializer(0 if initial_beta is None else initial_beta))
        if size is not None:
            self._initialize_params(size)

    def _initialize_params(self, size: int) -> None:
        self.gamma.initialize((size,))
        self.beta.initialize((size,))

    def forward(self, x: VariableOrArray) -> Variable:
        """Normalize ``x`` of shape ``(batch, channels, ...)``.

        Raises:
            ValueError: If the channels are not divisible by ``groups``.
            kusari.graph.type_check.InvalidType: If ``x`` does not fit the parameters.
        """
        if self.gamma.array is None:
            shape = tuple(x.shape)
            if len(shape) < 2:
                raise ValueError(
                    f"GroupNormalization expects an input with a channel axis, got shape {shape}"
                )
            if shape[1] % self.groups:
                raise ValueError(
                    f"the number of channels {shape[1]} is not divisible by groups ({self.groups})"
                )
            self._initialize_params(shape[1])
        return group_normalization(x, self.groups, self.gamma, self.beta, self.eps)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """``groups``, ``size`` and ``eps``."""
        yield "groups", self.groups
        yield "size", None if self.gamma.array is None else self.gamma.shape[0]
        yield "eps", self.eps
