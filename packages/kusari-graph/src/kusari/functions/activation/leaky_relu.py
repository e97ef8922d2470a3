"""Leaky rectified linear unit (:func:`leaky_relu`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers

__all__ = ["LeakyReLU", "leaky_relu"]


@final
class LeakyReLU(FunctionNode):
    """``x`` where ``x > 0``, else ``slope * x``.

    The gradient at 0 is ``slope``.  With a positive slope the output has the sign of the
    input, so the output is retained for backward; otherwise the input is.

    Args:
        slope: The slope for negative inputs.
    """

    __slots__ = ("slope",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, slope: float = 0.2) -> None:
        self.slope = slope

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply the leaky ReLU."""
        (x,) = inputs
        if self.slope > 0:
            self.retain_outputs((0,))
        else:
            self.retain_inputs((0,))
        xp = _helpers.array_module(x)
        scaled = x * x.dtype.type(self.slope)
        if 0 < self.slope <= 1:
            # max(x, slope * x) is x for x > 0 and slope * x otherwise: one pass fewer.
            return (xp.maximum(x, scaled, out=_helpers.out(scaled)),)
        return (xp.where(x > 0, x, scaled),)

    def _mask_source(self) -> Array:
        if self.slope > 0:
            y = self.output_data[0]
            assert y is not None
            return y
        return self.retained_input_array(0)

    def _slope_map(self) -> Array:
        source = self._mask_source()
        xp = _helpers.array_module(source)
        one = source.dtype.type(1)
        return xp.where(source > 0, one, source.dtype.type(self.slope))  # type: ignore[no-any-return]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` where ``x > 0``, else ``slope * gy`` (a constant map: no curvature)."""
        return (_utils.first_grad(grad_outputs) * self._slope_map(),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` where ``x > 0``, else ``slope * gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        source = self._mask_source()
        xp = _helpers.array_module(source)
        return (xp.where(source > 0, gy, gy * gy.dtype.type(self.slope)),)


def leaky_relu(x: VariableOrArray, slope: float = 0.2) -> Variable:
    """Leaky ReLU: ``x`` for positive inputs, ``slope * x`` otherwise.

    Args:
        x: A floating point input.
        slope: The slope for negative inputs.

    Returns:
        The output, of the shape and dtype of ``x``.

    Raises:
        TypeError: If ``slope`` is not a number.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.leaky_relu(numpy.array([-1.0, 0.0, 2.0]), slope=0.5).array.tolist()
        [-0.5, 0.0, 2.0]
    """
    return LeakyReLU(_helpers.check_float(slope, "slope")).apply((x,))[0]
