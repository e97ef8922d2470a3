"""Clipped rectified linear unit (:func:`clipped_relu`, :func:`relu6`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers

__all__ = ["ClippedReLU", "clipped_relu", "relu6"]


@final
class ClippedReLU(FunctionNode):
    """``min(max(0, x), z)``; the gradient is 1 on ``0 < x < z`` and 0 elsewhere.

    Args:
        z: The (positive) upper bound.
    """

    __slots__ = ("z",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, z: float = 20.0) -> None:
        self.z = z

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Clip (the output is retained: ``0 < y < z`` exactly where ``0 < x < z``)."""
        self.retain_outputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.clip(x, x.dtype.type(0), x.dtype.type(self.z)),)

    def _mask(self) -> Array:
        y = self.output_data[0]
        assert y is not None
        return (y > 0) & (y < y.dtype.type(self.z))  # type: ignore[no-any-return]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` inside ``(0, z)``, 0 outside."""
        gy = _utils.first_grad(grad_outputs)
        return (gy * self._mask().astype(gy.dtype),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` inside ``(0, z)``, 0 outside."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * self._mask(),)


def clipped_relu(x: VariableOrArray, z: float = 20.0) -> Variable:
    """Clipped ReLU: ``min(max(0, x), z)``.

    Args:
        x: A floating point input.
        z: The upper bound; it must be positive.

    Returns:
        The output, of the shape and dtype of ``x``.

    Raises:
        TypeError: If ``z`` is not a number.
        ValueError: If ``z`` is not positive.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.clipped_relu(numpy.array([-1.0, 0.5, 3.0]), z=2.0).array.tolist()
        [0.0, 0.5, 2.0]
    """
    z = _helpers.check_float(z, "z")
    if not z > 0:
        raise ValueError(f"z must be positive, got {z}")
    return ClippedReLU(z).apply((x,))[0]


def relu6(x: VariableOrArray) -> Variable:
    """ReLU6: ``min(max(0, x), 6)``, i.e. ``clipped_relu(x, 6.0)``.

    Args:
        x: A floating point input.

    Returns:
        The output, of the shape and dtype of ``x``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.relu6(numpy.array([-1.0, 3.0, 7.0])).array.tolist()
        [0.0, 3.0, 6.0]
    """
    return ClippedReLU(6.0).apply((x,))[0]
