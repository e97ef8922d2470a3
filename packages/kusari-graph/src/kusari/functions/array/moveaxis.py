"""Moving axes to new positions (:func:`moveaxis`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check
from .transpose import transpose

__all__ = ["Moveaxis", "moveaxis"]


@final
class Moveaxis(FunctionNode):
    """Move axes ``source`` to positions ``destination`` (NumPy's ``moveaxis``).

    Args:
        source: The axes to move.
        destination: Their positions in the output.
    """

    __slots__ = ("_axes", "destination", "source")

    def __init__(self, source: tuple[int, ...], destination: tuple[int, ...]) -> None:
        self.source = source
        self.destination = destination

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input; every source and destination axis in range."""
        type_check.argname(in_types, ("x",))
        for a in self.source:
            _shape_check.expect_axis(in_types[0], a, "source")
        for a in self.destination:
            _shape_check.expect_axis(in_types[0], a, "destination")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Move (a view)."""
        (x,) = inputs
        ndim = x.ndim
        source = [a % ndim for a in self.source]
        destination = [a % ndim for a in self.destination]
        for what, axes in (("source", source), ("destination", destination)):
            if len(set(axes)) != len(axes):
                raise ValueError(f"moveaxis: repeated axis in {what}: {tuple(axes)}")
        order = [a for a in range(ndim) if a not in source]
        for dest, src in sorted(zip(destination, source, strict=True)):
            order.insert(dest, src)
        self._axes = tuple(order)
        return (x.transpose(self._axes),)

    def _inverse(self) -> tuple[int, ...]:
        inverse = [0] * len(self._axes)
        for i, a in enumerate(self._axes):
            inverse[a] = i
        return tuple(inverse)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Move the gradient's axes back."""
        return (transpose(_utils.first_grad(grad_outputs), self._inverse()),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Move the gradient's axes back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy.transpose(self._inverse()),)


def moveaxis(
    x: VariableOrArray, source: int | tuple[int, ...], destination: int | tuple[int, ...]
) -> Variable:
    """Move axes of ``x`` to new positions; the other axes keep their order.

    Args:
        x: The input.
        source: The axis or axes to move.
        destination: Their positions in the output (as many as ``source``).

    Returns:
        The Variable with permuted axes (as :func:`numpy.moveaxis`).

    Raises:
        TypeError: If an axis is not an int.
        ValueError: If ``source`` and ``destination`` differ in length or repeat an axis.
        kusari.graph.type_check.InvalidType: If an axis is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.zeros((2, 3, 4))
        >>> F.moveaxis(x, 0, -1).shape, F.moveaxis(x, (0, 1), (2, 0)).shape
        ((3, 4, 2), (3, 4, 2))
    """
    src = _shape_check.as_int_tuple(source, "source")
    dst = _shape_check.as_int_tuple(destination, "destination")
    if len(src) != len(dst):
        raise ValueError(
            "moveaxis: source and destination must have the same number of axes, got "
            f"{source!r} and {destination!r}"
        )
    return Moveaxis(src, dst).apply((x,))[0]
