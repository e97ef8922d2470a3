"""Rearranging channels into spatial blocks (:func:`depth2space`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["Depth2Space", "depth2space", "depth2space_array", "space2depth_array"]


def depth2space_array(x: Array, r: int) -> Array:
    """``(B, r*r*C, H, W)`` to ``(B, C, r*H, r*W)``."""
    b, c, h, w = x.shape
    c //= r * r
    y = x.reshape(b, r, r, c, h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(b, c, h * r, w * r)


def space2depth_array(x: Array, r: int) -> Array:
    """``(B, C, r*H, r*W)`` to ``(B, r*r*C, H, W)``: the inverse of :func:`depth2space_array`."""
    b, c, h, w = x.shape
    h //= r
    w //= r
    y = x.reshape(b, c, h, r, w, r).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(b, r * r * c, h, w)


@final
class Depth2Space(FunctionNode):
    """Move blocks of ``r * r`` channels into ``r x r`` spatial blocks.

    Args:
        r: The block size.
    """

    __slots__ = ("r",)

    def __init__(self, r: int) -> None:
        self.r = r

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is a 4-D floating point array whose channels divide by ``r * r``."""
        type_check.argname(in_types, ("x",))
        x_type = in_types[0]
        type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 4)
        r = _shape_check.named(x_type, self.r, "r")
        type_check.expect(x_type.shape[1] % (r * r) == 0)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Rearrange."""
        return (depth2space_array(inputs[0], self.r),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Rearrange the gradient back (:func:`space2depth`)."""
        from .space2depth import space2depth

        return (space2depth(_utils.first_grad(grad_outputs), self.r),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Rearrange the gradient back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (space2depth_array(gy, self.r),)


def check_block_size(r: object) -> int:
    """``r`` as a positive int (TypeError or ValueError naming it)."""
    size = _shape_check.as_int(r, "r")
    if size <= 0:
        raise ValueError(f"r must be positive, got {size}")
    return size


def depth2space(X: VariableOrArray, r: int) -> Variable:
    """Rearrange channels into spatial blocks: ``(B, r*r*C, H, W)`` to ``(B, C, r*H, r*W)``.

    The channel ``(i * r + j) * C + c`` of the input becomes the element ``(i, j)`` of the
    ``r x r`` block of channel ``c`` (Chainer's layout; the inverse of
    :func:`space2depth`).

    Args:
        X: A 4-D floating point input whose channel count divides by ``r * r``.
        r: The block size.

    Returns:
        The rearranged Variable.

    Raises:
        TypeError: If ``r`` is not an int.
        ValueError: If ``r`` is not positive.
        kusari.graph.type_check.InvalidType: If ``X`` is not a 4-D floating point array
            with a channel count divisible by ``r * r``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(4.0).reshape(1, 4, 1, 1)
        >>> F.depth2space(x, 2).array.tolist()
        [[[[0.0, 1.0], [2.0, 3.0]]]]
    """
    return Depth2Space(check_block_size(r)).apply((X,))[0]
