"""Local response normalization across channels (:func:`local_response_normalization`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph import type_check as _tc
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["ChannelWindowSum", "LocalResponseNormalization", "local_response_normalization"]


def _window_sum(a: Array, half: int) -> Array:
    """``out[:, c] = sum(a[:, c - half : c + half + 1])`` (clipped at the edges)."""
    out = a.copy()
    for d in range(1, min(half, a.shape[1] - 1) + 1):
        out[:, d:] += a[:, :-d]
        out[:, :-d] += a[:, d:]
    return out


@final
class ChannelWindowSum(FunctionNode):
    """The sum over a window of ``2 * half + 1`` neighbouring channels (axis 1).

    The window is symmetric, so the operation is its own adjoint: its backward is itself.

    Args:
        half: The number of neighbours on each side.
    """

    __slots__ = ("half",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, half: int) -> None:
        self.half = half

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum over the channel windows."""
        return (_window_sum(inputs[0], self.half),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The same window sum of the gradient."""
        return ChannelWindowSum(self.half).apply((_utils.first_grad(grad_outputs),))

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The same window sum of the gradient."""
        gy = grad_outputs[0]
        assert gy is not None
        return (_window_sum(gy, self.half),)


@final
class LocalResponseNormalization(FunctionNode):
    """``x / (k + alpha * sum of x ** 2 over n neighbouring channels) ** beta``.

    Args:
        n: The window size (``n // 2`` channels on each side).
        k: The bias.
        alpha: The scale of the sum of squares.
        beta: The exponent.
    """

    __slots__ = ("alpha", "beta", "k", "n", "unit")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, n: int = 5, k: float = 2, alpha: float = 1e-4, beta: float = 0.75) -> None:
        self.n = n
        self.k = k
        self.alpha = alpha
        self.beta = beta

    def check_type_forward(self, in_types: _tc.TypeInfoTuple) -> None:
        """``x`` has at least two axes (batch and channels)."""
        _tc.argname(in_types, ("x",))
        _tc.expect(in_types[0].ndim >= 2)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Normalize (the input and the output are retained for backward)."""
        (x,) = inputs
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        dtype = x.dtype.type
        unit = _window_sum(x * x, self.n // 2)
        unit *= dtype(self.alpha)
        unit += dtype(self.k)
        self.unit = unit
        return (x * unit ** dtype(-self.beta),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * u**-beta - 2 alpha beta x * window_sum(gy * x * u**(-beta-1))``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        half = self.n // 2
        (window,) = ChannelWindowSum(half).apply((x * x,))
        unit = window * self.alpha + self.k
        (back,) = ChannelWindowSum(half).apply((gy * x * unit ** (-self.beta - 1),))
        return (gy * unit ** (-self.beta) - (2 * self.alpha * self.beta) * x * back,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The same on arrays."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        y = self.output_data[0]
        assert y is not None
        dtype = x.dtype.type
        unit = self.unit
        back = _window_sum(gy * y / unit, self.n // 2)
        back *= x
        back *= dtype(2 * self.alpha * self.beta)
        gx = gy * unit ** dtype(-self.beta)
        gx -= back
        return (gx,)


def local_response_normalization(
    x: VariableOrArray, n: int = 5, k: float = 2, alpha: float = 1e-4, beta: float = 0.75
) -> Variable:
    """Local response normalization across channels (as in AlexNet).

    ``y[:, c] = x[:, c] / (k + alpha * sum(x[:, c'] ** 2)) ** beta``, the sum running over
    the channels ``c'`` with ``|c' - c| <= n // 2`` (clipped at the edges).

    Args:
        x: The input, floating point, of shape ``(N, C, ...)``.
        n: The window size.
        k: The bias.
        alpha: The scale of the sum of squares.
        beta: The exponent.

    Returns:
        The normalized output, of ``x``'s shape and dtype.

    Raises:
        ValueError: If ``n`` is not a positive int.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or has fewer
            than two axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 2.0, 2.0]])
        >>> y = F.local_response_normalization(x, n=3, k=1, alpha=1, beta=1)
        >>> y.array.tolist()
        [[0.16666666666666666, 0.2, 0.2222222222222222]]
    """
    size: object = n
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ValueError(f"n must be a positive int, got {n!r}")
    return LocalResponseNormalization(n, k, alpha, beta).apply((x,))[0]
