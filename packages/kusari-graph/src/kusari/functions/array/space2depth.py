"""Rearranging spatial blocks into channels (:func:`space2depth`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check
from .depth2space import check_block_size, depth2space, depth2space_array, space2depth_array

__all__ = ["Space2Depth", "space2depth"]


@final
class Space2Depth(FunctionNode):
    """Move ``r x r`` spatial blocks into ``r * r`` channels.

    Args:
        r: The block size.
    """

    __slots__ = ("r",)

    def __init__(self, r: int) -> None:
        self.r = r

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is a 4-D floating point array whose height and width divide by ``r``."""
        type_check.argname(in_types, ("x",))
        x_type = in_types[0]
        type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 4)
        r = _shape_check.named(x_type, self.r, "r")
        type_check.expect(x_type.shape[2] % r == 0, x_type.shape[3] % r == 0)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Rearrange."""
        return (space2depth_array(inputs[0], self.r),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Rearrange the gradient back (:func:`depth2space`)."""
        return (depth2space(_utils.first_grad(grad_outputs), self.r),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Rearrange the gradient back."""
        gy = grad_outputs[0]
        assert gy is not None
        return (depth2space_array(gy, self.r),)


def space2depth(X: VariableOrArray, r: int) -> Variable:
    """Rearrange spatial blocks into channels: ``(B, C, r*H, r*W)`` to ``(B, r*r*C, H, W)``.

    The inverse of :func:`depth2space`.

    Args:
        X: A 4-D floating point input whose height and width divide by ``r``.
        r: The block size.

    Returns:
        The rearranged Variable.

    Raises:
        TypeError: If ``r`` is not an int.
        ValueError: If ``r`` is not positive.
        kusari.graph.type_check.InvalidType: If ``X`` is not a 4-D floating point array
            with a height and width divisible by ``r``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(4.0).reshape(1, 1, 2, 2)
        >>> F.space2depth(x, 2).array.ravel().tolist()
        [0.0, 1.0, 2.0, 3.0]
        >>> F.space2depth(x, 2).shape
        (1, 4, 1, 1)
    """
    return Space2Depth(check_block_size(r)).apply((X,))[0]
