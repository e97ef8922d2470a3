"""Two-argument inverse tangent (:func:`arctan2`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers
from .maximum import input_shape
from .sum_to import sum_to

__all__ = ["Arctan2", "arctan2"]


@final
class Arctan2(FunctionNode):
    """``arctan2(x1, x2)`` elementwise, with broadcasting.

    The gradients are ``gy * x2 / (x1**2 + x2**2)`` and ``-gy * x1 / (x1**2 + x2**2)``.
    """

    __slots__ = ()
    input_spec = InputSpec("x1", "x2", kinds="f", same_dtype=True, broadcast=True)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the angle (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x1, x2 = inputs
        return (_helpers.array_module(x1).arctan2(x1, x2),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * x2 / r2`` and ``-gy * x1 / r2`` with ``r2 = x1**2 + x2**2``."""
        gy = _utils.first_grad(grad_outputs)
        x1, x2 = self.get_retained_inputs()
        g = gy / (x1 * x1 + x2 * x2)
        result: list[Variable | None] = []
        for i in target_input_indexes:
            gx = g * x2 if i == 0 else -(g * x1)
            result.append(sum_to(gx, input_shape(self, i)))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * x2 / r2`` and ``-gy * x1 / r2`` with ``r2 = x1**2 + x2**2``."""
        gy = grad_outputs[0]
        assert gy is not None
        x1 = self.retained_input_array(0)
        x2 = self.retained_input_array(1)
        g = gy / (x1 * x1 + x2 * x2)
        result: list[Array | None] = []
        for i in target_input_indexes:
            gx = g * x2 if i == 0 else -(g * x1)
            result.append(_utils.sum_to_array(gx, input_shape(self, i)))
        return tuple(result)


def arctan2(x1: VariableOrArray, x2: VariableOrArray) -> Variable:
    """Elementwise angle of the point ``(x2, x1)``: ``arctan(x1 / x2)`` in the right quadrant.

    Unlike Chainer, both inputs must have the same dtype (as for the other binary
    functions of kusari); the shapes broadcast.

    Args:
        x1: The y coordinates.
        x2: The x coordinates.

    Returns:
        The angles in ``[-pi, pi]``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes differ or are not floating point,
            or the shapes do not broadcast.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.arctan2(numpy.array([1.0, 1.0]), numpy.array([1.0, -1.0]))
        >>> numpy.allclose(y.array, [numpy.pi / 4, 3 * numpy.pi / 4])
        True
    """
    return Arctan2().apply((x1, x2))[0]
