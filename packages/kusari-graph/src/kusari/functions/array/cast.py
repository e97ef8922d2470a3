"""Changing the dtype (:func:`cast`)."""

from __future__ import annotations

from typing import Any, final

import numpy
import numpy.typing as npt

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, as_variable
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Cast", "cast"]


@final
class Cast(FunctionNode):
    """Convert the input to ``dtype``.

    Args:
        dtype: The target dtype.
    """

    __slots__ = ("_in_dtype", "dtype")
    input_spec = InputSpec("x")

    def __init__(self, dtype: numpy.dtype[Any]) -> None:
        self.dtype = dtype

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Cast (always a new array)."""
        (x,) = inputs
        self._in_dtype = x.dtype
        return (x.astype(self.dtype),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Cast the gradient back to the input's dtype."""
        return (cast(_utils.first_grad(grad_outputs), self._in_dtype),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Cast the gradient back to the input's dtype."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy.astype(self._in_dtype),)


def cast(x: VariableOrArray, dtype: npt.DTypeLike) -> Variable:
    """Convert ``x`` to ``dtype`` (differentiable between floating point dtypes).

    Args:
        x: The input.
        dtype: The target dtype.

    Returns:
        The converted Variable (``x`` itself when it already has the dtype).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.cast(numpy.array([1.5]), numpy.float16).dtype
        dtype('float16')
    """
    target = numpy.dtype(dtype)
    if x.dtype == target:
        return as_variable(x)
    return Cast(target).apply((x,))[0]
