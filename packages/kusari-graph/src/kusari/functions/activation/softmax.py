"""Softmax along an axis (:func:`softmax`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers
from ..math.sum import sum as _sum

__all__ = ["Softmax", "softmax"]


@final
class Softmax(FunctionNode):
    """``exp(x) / sum(exp(x), axis)`` for floating point inputs.

    Args:
        axis: The (non-negative) axis to normalize over.
    """

    __slots__ = ("axis",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: int = 1) -> None:
        self.axis = axis

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Normalize (the output is retained for backward)."""
        self.retain_outputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        y = x - x.max(axis=self.axis, keepdims=True)
        xp.exp(y, out=y)
        y /= y.sum(axis=self.axis, keepdims=True)
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``y * gy - y * sum(y * gy, axis)``."""
        (y,) = self.get_retained_outputs()
        gx = y * _utils.first_grad(grad_outputs)
        return (gx - y * _sum(gx, axis=self.axis, keepdims=True),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``y * gy - y * sum(y * gy, axis)``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        gx = y * gy
        s = gx.sum(axis=self.axis, keepdims=True)
        gx -= y * s
        return (gx,)


def softmax(x: VariableOrArray, axis: int = 1) -> Variable:
    """Softmax along ``axis``: ``exp(x) / sum(exp(x), axis, keepdims=True)``.

    It is computed after subtracting the maximum, so large inputs do not overflow.

    Args:
        x: A floating point input.
        axis: The axis along which the outputs sum to one.

    Returns:
        The probabilities, of the shape and dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or has no axis
            ``axis``.
        TypeError: If ``axis`` is not an int.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.softmax(numpy.array([[0.0, 0.0], [0.0, numpy.log(3.0)]]))
        >>> y.array.tolist()
        [[0.5, 0.5], [0.25, 0.75]]
    """
    axis = _helpers.check_axis("Softmax", _helpers.ndim_of(x), axis)
    return Softmax(axis).apply((x,))[0]
