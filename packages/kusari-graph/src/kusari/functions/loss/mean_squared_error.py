"""Mean squared error (:func:`mean_squared_error`)."""

from __future__ import annotations

from typing import Any, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array import _shape_check
from ..array.broadcast_to import broadcast_to

__all__ = ["MeanSquaredError", "mean_squared_error", "sum_of_squares"]


def sum_of_squares(diff: Array) -> Any:
    """``sum(diff ** 2)``: a scalar (0-d on CuPy), accumulated in float32 for float16."""
    flat = diff.reshape(-1)
    if diff.dtype == numpy.float16:
        flat = flat.astype(numpy.float32)
    return flat.dot(flat)


def _mean_coefficient(size: int) -> float:
    return 1.0 / size if size else float("nan")


@final
class MeanSquaredError(FunctionNode):
    """``mean((x0 - x1) ** 2)`` over all elements of two arrays of one shape."""

    __slots__ = ()
    input_spec = InputSpec("x0", "x1", kinds="f", same_dtype=True, same_shape=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Average the squared differences (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x0, x1 = inputs
        mean = sum_of_squares(x0 - x1) * _mean_coefficient(x0.size)
        return (_shape_check.xp_of(x0).asarray(mean, dtype=x0.dtype),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``±2 (x0 - x1) gy / size``."""
        x0, x1 = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        coeff = gy * (2.0 * _mean_coefficient(x0.size))
        gx0 = broadcast_to(coeff, x0.shape) * (x0 - x1)
        return tuple(gx0 if i == 0 else -gx0 for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``±2 (x0 - x1) gy / size``."""
        gy = grad_outputs[0]
        assert gy is not None
        x0 = self.retained_input_array(0)
        gx0: Any = x0 - self.retained_input_array(1)
        gx0 *= gy * gy.dtype.type(2.0 * _mean_coefficient(x0.size))
        return tuple(gx0 if i == 0 else -gx0 for i in target_input_indexes)


def mean_squared_error(x0: VariableOrArray, x1: VariableOrArray) -> Variable:
    """The mean of the squared differences of two arrays of one shape.

    Args:
        x0: A floating point input.
        x1: Another, of the same shape and dtype.

    Returns:
        ``mean((x0 - x1) ** 2)``, a scalar of the inputs' dtype (NaN for empty inputs).

    Raises:
        kusari.graph.type_check.InvalidType: If the inputs are not floating point or differ
            in shape or dtype.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.array([1.0, 2.0, 3.0], numpy.float32)
        >>> b = numpy.array([1.0, 0.0, 0.0], numpy.float32)
        >>> round(float(F.mean_squared_error(a, b).array), 4)
        4.3333
    """
    return MeanSquaredError().apply((x0, x1))[0]
