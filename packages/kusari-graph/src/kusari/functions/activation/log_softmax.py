"""Logarithm of the softmax along an axis (:func:`log_softmax`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers
from ..math.exp import exp
from ..math.sum import sum as _sum

__all__ = ["LogSoftmax", "log_softmax"]


def log_softmax_array(x: Array, axis: int) -> Array:
    """``x - logsumexp(x, axis)`` on an array, stable for large inputs."""
    xp = _helpers.array_module(x)
    y = x - x.max(axis=axis, keepdims=True)
    s = xp.exp(y).sum(axis=axis, keepdims=True)
    xp.log(s, out=s)
    y -= s
    result: Array = y
    return result


@final
class LogSoftmax(FunctionNode):
    """``x - log(sum(exp(x), axis))`` for floating point inputs.

    Args:
        axis: The (non-negative) axis to normalize over.
    """

    __slots__ = ("axis",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: int = 1) -> None:
        self.axis = axis

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Normalize in log space (the output is retained for backward)."""
        self.retain_outputs((0,))
        return (log_softmax_array(inputs[0], self.axis),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy - exp(y) * sum(gy, axis)``."""
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy - exp(y) * _sum(gy, axis=self.axis, keepdims=True),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy - exp(y) * sum(gy, axis)``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        gx = _helpers.array_module(y).exp(y)
        gx *= gy.sum(axis=self.axis, keepdims=True)
        return (gy - gx,)


def log_softmax(x: VariableOrArray, axis: int = 1) -> Variable:
    """Log-softmax along ``axis``: ``x - log(sum(exp(x), axis, keepdims=True))``.

    It is more accurate than ``log(softmax(x))`` for very small probabilities.

    Args:
        x: A floating point input.
        axis: The axis to normalize over.

    Returns:
        The log-probabilities, of the shape and dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or has no axis
            ``axis``.
        TypeError: If ``axis`` is not an int.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.log_softmax(numpy.array([[0.0, numpy.log(3.0)]]))
        >>> numpy.allclose(numpy.exp(y.array), [[0.25, 0.75]])
        True
    """
    axis = _helpers.check_axis("LogSoftmax", _helpers.ndim_of(x), axis)
    return LogSoftmax(axis).apply((x,))[0]
