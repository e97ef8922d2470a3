"""Permuting axes (:func:`transpose`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec, InvalidType

from .. import _utils

__all__ = ["Transpose", "transpose"]


@final
class Transpose(FunctionNode):
    """Permute the axes of the input (the output is a view).

    Args:
        axes: The permutation, or ``None`` to reverse the axes.
    """

    __slots__ = ("axes",)
    input_spec = InputSpec("x")

    def __init__(self, axes: tuple[int, ...] | None = None) -> None:
        self.axes = axes

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Transpose."""
        (x,) = inputs
        axes = self.axes
        if axes is not None and sorted(a % x.ndim if x.ndim else a for a in axes) != list(
            range(x.ndim)
        ):
            expect = f"axes {axes} is a permutation of range(x.ndim)"
            raise InvalidType(
                expect,
                f"x.ndim = {x.ndim}",
                "Invalid operation is performed in: Transpose (Forward)\n\n"
                f"Expect: {expect}\nActual: x.ndim = {x.ndim}",
            )
        return (x.transpose(axes),)

    def _inverse_axes(self) -> tuple[int, ...] | None:
        axes = self.axes
        if axes is None:
            return None
        n = len(axes)
        inverse = [0] * n
        for i, a in enumerate(axes):
            inverse[a % n] = i
        return tuple(inverse)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Transpose the gradient back."""
        return (transpose(_utils.first_grad(grad_outputs), self._inverse_axes()),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Transpose the gradient back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy.transpose(self._inverse_axes()),)


def transpose(x: VariableOrArray, axes: tuple[int, ...] | None = None) -> Variable:
    """Permute the axes of ``x``.

    Args:
        x: The input.
        axes: The permutation; the axes are reversed when ``None``.

    Returns:
        The transposed Variable.

    Raises:
        kusari.graph.type_check.InvalidType: If ``axes`` is not a permutation of the axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.transpose(numpy.zeros((2, 3, 4)), (1, 2, 0)).shape
        (3, 4, 2)
    """
    return Transpose(None if axes is None else tuple(axes)).apply((x,))[0]
