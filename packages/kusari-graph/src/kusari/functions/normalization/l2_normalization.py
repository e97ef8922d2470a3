"""L2 normalization (:func:`normalize`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math.sum import sum as _sum

__all__ = ["NormalizeL2", "normalize"]


@final
class NormalizeL2(FunctionNode):
    """``x / (sqrt(sum(x ** 2, axis)) + eps)``.

    Where the norm is zero the gradient is ``gy / eps`` (the second term of the Jacobian
    vanishes), as in Chainer, and it stays finite in double backward too.

    Args:
        eps: Added to the norm.
        axis: The normalized axes (sorted, non-negative).
    """

    __slots__ = ("axis", "eps")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, eps: float, axis: tuple[int, ...]) -> None:
        self.eps = eps
        self.axis = axis

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Divide by the norm plus ``eps``."""
        (x,) = inputs
        self.retain_inputs((0,))
        xp = numpy if type(x) is numpy.ndarray else get_array_module(x)
        den = xp.sqrt((x * x).sum(axis=self.axis, keepdims=True))
        den += x.dtype.type(self.eps)
        return (x / den,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy / den - x * sum(gy * x) / (norm * den ** 2)``, differentiable."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        ss = _sum(x * x, axis=self.axis, keepdims=True)
        # Rows of zero norm: shift them away from sqrt's singularity, so that every term
        # (and every term of the double backward) is finite there.
        ss_array = ss.array
        assert ss_array is not None
        mask = (ss_array == 0).astype(x.dtype)
        norm = (ss + mask) ** 0.5 - mask
        den = norm + self.eps
        dot = _sum(gy * x, axis=self.axis, keepdims=True)
        return (gy / den - x * (dot / ((norm + mask) * den * den)),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The same on arrays."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        xp = numpy if type(x) is numpy.ndarray else get_array_module(x)
        norm = xp.sqrt((x * x).sum(axis=self.axis, keepdims=True))
        den = norm + x.dtype.type(self.eps)
        norm[norm == 0] = 1
        dot = (gy * x).sum(axis=self.axis, keepdims=True)
        gx = x * (dot / (norm * den * den))
        return (gy / den - gx,)


def normalize(x: VariableOrArray, eps: float = 1e-5, axis: int | tuple[int, ...] = 1) -> Variable:
    """L2-normalize ``x`` along ``axis``: ``x / (||x||_2 + eps)``.

    Args:
        x: The input, floating point.
        eps: Added to the norm, so that zero vectors give zero (not NaN).
        axis: The axis or axes along which the norm is taken.

    Returns:
        The normalized output, of ``x``'s shape and dtype.

    Raises:
        ValueError: If an axis is out of range or repeated.
        TypeError: If ``axis`` is not an int or a tuple of ints.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[3.0, 4.0], [0.0, 0.0]])
        >>> numpy.round(F.normalize(x).array, 4).tolist()
        [[0.6, 0.8], [0.0, 0.0]]
    """
    axes = _utils.normalize_axis(axis, len(x.shape))
    assert axes is not None
    return NormalizeL2(eps, axes).apply((x,))[0]
