"""Mean absolute error (:func:`mean_absolute_error`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array import _shape_check
from ..array.broadcast_to import broadcast_to
from .absolute_error import sign_of_difference

__all__ = ["MeanAbsoluteError", "mean_absolute_error"]


def _mean_coefficient(size: int) -> float:
    return 1.0 / size if size else float("nan")


@final
class MeanAbsoluteError(FunctionNode):
    """``mean(|x0 - x1|)`` over all elements of two arrays of one shape."""

    __slots__ = ()
    input_spec = InputSpec("x0", "x1", kinds="f", same_dtype=True, same_shape=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Average the absolute differences (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x0, x1 = inputs
        diff = abs(x0 - x1)
        total = diff.sum(dtype=numpy.float32) if x0.dtype == numpy.float16 else diff.sum()
        mean = total * _mean_coefficient(x0.size)
        return (_shape_check.xp_of(x0).asarray(mean, dtype=x0.dtype),)

    def _sign(self) -> Array:
        return sign_of_difference(self.retained_input_array(0), self.retained_input_array(1))

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``±sign(x0 - x1) gy / size``."""
        x0 = self.retained_input_array(0)
        gy = _utils.first_grad(grad_outputs) * _mean_coefficient(x0.size)
        gx0 = broadcast_to(gy, x0.shape) * self._sign()
        return tuple(gx0 if i == 0 else -gx0 for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``±sign(x0 - x1) gy / size``."""
        gy = grad_outputs[0]
        assert gy is not None
        gx0 = self._sign()
        gx0 *= gy * gy.dtype.type(_mean_coefficient(gx0.size))
        return tuple(gx0 if i == 0 else -gx0 for i in target_input_indexes)


def mean_absolute_error(x0: VariableOrArray, x1: VariableOrArray) -> Variable:
    """The mean of the absolute differences of two arrays of one shape.

    Args:
        x0: A floating point input.
        x1: Another, of the same shape and dtype.

    Returns:
        ``mean(|x0 - x1|)``, a scalar of the inputs' dtype (NaN for empty inputs).

    Raises:
        kusari.graph.type_check.InvalidType: If the inputs are not floating point or differ
            in shape or dtype.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.array([1.0, 2.0, 3.0], numpy.float32)
        >>> b = numpy.array([1.0, 0.0, 0.0], numpy.float32)
        >>> round(float(F.mean_absolute_error(a, b).array), 4)
        1.6667
    """
    return MeanAbsoluteError().apply((x0, x1))[0]
