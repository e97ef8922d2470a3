"""Diagonals (:func:`diagonal`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["Diagonal", "DiagonalGrad", "diagonal"]


class _Geometry:
    """Where a diagonal lies: its offset and the two axes."""

    __slots__ = ("axis1", "axis2", "offset")

    def __init__(self, offset: int, axis1: int, axis2: int) -> None:
        self.offset = offset
        self.axis1 = axis1
        self.axis2 = axis2

    def take(self, x: Array) -> Array:
        """The diagonal of ``x`` (a new array; the diagonal is the last axis)."""
        xp = _shape_check.xp_of(x)
        return xp.diagonal(x, self.offset, self.axis1, self.axis2).copy()  # type: ignore[no-any-return]

    def place(self, gy: Array, shape: tuple[int, ...]) -> Array:
        """Zeros of ``shape`` with ``gy`` on the diagonal (the adjoint of :meth:`take`)."""
        xp = _shape_check.xp_of(gy)
        gx = xp.zeros(shape, gy.dtype)
        moved = xp.moveaxis(gx, (self.axis1, self.axis2), (-2, -1))
        n = gy.shape[-1]
        rows = xp.arange(n) + max(-self.offset, 0)
        cols = xp.arange(n) + max(self.offset, 0)
        moved[..., rows, cols] = gy
        return gx  # type: ignore[no-any-return]


@final
class Diagonal(FunctionNode):
    """The diagonal of the input along two axes (appended as the last axis).

    Args:
        geometry: The offset and axes.
    """

    __slots__ = ("_in_shape", "geometry")

    def __init__(self, geometry: _Geometry) -> None:
        self.geometry = geometry

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` has both axes."""
        type_check.argname(in_types, ("x",))
        x_type = in_types[0]
        type_check.expect(x_type.ndim >= 2)
        _shape_check.expect_axis(x_type, self.geometry.axis1, "axis1")
        _shape_check.expect_axis(x_type, self.geometry.axis2, "axis2")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the diagonal."""
        (x,) = inputs
        if self.geometry.axis1 % x.ndim == self.geometry.axis2 % x.ndim:
            raise ValueError("diagonal: axis1 and axis2 must be different axes")
        self._in_shape = x.shape
        return (self.geometry.take(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Place the gradient on the diagonal of zeros."""
        gy = _utils.first_grad(grad_outputs)
        return (DiagonalGrad(self.geometry, self._in_shape).apply((gy,))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Place the gradient on the diagonal of zeros."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.geometry.place(gy, self._in_shape),)


@final
class DiagonalGrad(FunctionNode):
    """The gradient of :class:`Diagonal`; its own gradient is the diagonal again.

    Args:
        geometry: The offset and axes.
        shape: The shape of the forward input.
    """

    __slots__ = ("geometry", "shape")

    def __init__(self, geometry: _Geometry, shape: tuple[int, ...]) -> None:
        self.geometry = geometry
        self.shape = shape

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Place the gradient on the diagonal."""
        return (self.geometry.place(inputs[0], self.shape),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Take the diagonal of the gradient."""
        return (Diagonal(self.geometry).apply((_utils.first_grad(grad_outputs),))[0],)


def diagonal(x: VariableOrArray, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Variable:
    """Take a diagonal of ``x``, as :func:`numpy.diagonal`.

    Args:
        x: An input with at least two dimensions.
        offset: The offset from the main diagonal (positive: above it).
        axis1: The first axis of the 2-D planes.
        axis2: The second axis (different from ``axis1``).

    Returns:
        The diagonal: ``x`` without ``axis1`` and ``axis2``, plus a last axis holding the
        diagonal elements.

    Raises:
        TypeError: If an argument is not an int.
        ValueError: If ``axis1`` and ``axis2`` are the same axis.
        kusari.graph.type_check.InvalidType: If ``x`` has fewer than two dimensions or an
            axis is out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(9.0).reshape(3, 3)
        >>> F.diagonal(x).array.tolist(), F.diagonal(x, 1).array.tolist()
        ([0.0, 4.0, 8.0], [1.0, 5.0])
    """
    geometry = _Geometry(
        _shape_check.as_int(offset, "offset"),
        _shape_check.as_int(axis1, "axis1"),
        _shape_check.as_int(axis2, "axis2"),
    )
    return Diagonal(geometry).apply((x,))[0]
