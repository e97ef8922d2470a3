"""Clipping to an interval (:func:`clip`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Clip", "clip"]


@final
class Clip(FunctionNode):
    """``min(max(x, x_min), x_max)``; the gradient is 1 on ``x_min <= x <= x_max``.

    Args:
        x_min: The lower bound (``None`` for none).
        x_max: The upper bound (``None`` for none).
    """

    __slots__ = ("x_max", "x_min")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, x_min: float | None, x_max: float | None) -> None:
        self.x_min = x_min
        self.x_max = x_max

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Clip (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        dtype = x.dtype.type
        low = None if self.x_min is None else dtype(self.x_min)
        high = None if self.x_max is None else dtype(self.x_max)
        return (_helpers.array_module(x).clip(x, low, high),)

    def _mask(self) -> Array:
        x = self.retained_input_array(0)
        dtype = x.dtype.type
        if self.x_min is None:
            return x <= dtype(self.x_max)  # type: ignore[no-any-return]
        if self.x_max is None:
            return x >= dtype(self.x_min)  # type: ignore[no-any-return]
        return (x >= dtype(self.x_min)) & (x <= dtype(self.x_max))  # type: ignore[no-any-return]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` inside the interval (bounds included), 0 outside."""
        gy = _utils.first_grad(grad_outputs)
        return (gy * self._mask().astype(gy.dtype),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` inside the interval (bounds included), 0 outside."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * self._mask(),)


def clip(x: VariableOrArray, x_min: float | None, x_max: float | None) -> Variable:
    """Clip the elements to ``[x_min, x_max]``.

    The gradient passes where ``x_min <= x <= x_max`` (bounds included), as in Chainer.

    Args:
        x: A floating point input.
        x_min: The lower bound, or ``None`` for no lower bound.
        x_max: The upper bound, or ``None`` for no upper bound.

    Returns:
        The clipped values.

    Raises:
        TypeError: If a bound is neither a number nor ``None``.
        ValueError: If both bounds are ``None``, or ``x_min >= x_max``.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.clip(numpy.array([-2.0, 0.5, 3.0]), -1.0, 1.0).array.tolist()
        [-1.0, 0.5, 1.0]
    """
    low = None if x_min is None else _helpers.check_float(x_min, "x_min")
    high = None if x_max is None else _helpers.check_float(x_max, "x_max")
    if low is None and high is None:
        raise ValueError("clip needs x_min or x_max; both are None")
    if low is not None and high is not None and not low < high:
        raise ValueError(f"x_min must be less than x_max, got x_min={low}, x_max={high}")
    return Clip(low, high).apply((x,))[0]
