"""Tiling (:func:`tile`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _shape_check
from .reshape import reshape

__all__ = ["Tile", "tile"]


def _interleaved(reps: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """``(r0, s0, r1, s1, ...)``: the tiled shape with every repetition as its own axis."""
    return tuple(n for pair in zip(reps, shape, strict=True) for n in pair)


@final
class Tile(FunctionNode):
    """Repeat the whole input ``reps`` times along each axis (NumPy's ``tile``).

    Args:
        reps: The number of repetitions per axis (non-negative).
    """

    __slots__ = ("_in_shape", "reps")
    input_spec = InputSpec("x")

    def __init__(self, reps: tuple[int, ...]) -> None:
        self.reps = reps

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Tile."""
        (x,) = inputs
        self._in_shape = x.shape
        return (_shape_check.xp_of(x).tile(x, self.reps),)

    def _layout(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """The full repetitions, the input shape padded to them, and the axes to sum."""
        ndim = max(len(self.reps), len(self._in_shape))
        reps = (1,) * (ndim - len(self.reps)) + self.reps
        shape = (1,) * (ndim - len(self._in_shape)) + self._in_shape
        return reps, shape, tuple(range(0, 2 * ndim, 2))

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Sum the gradient over the tiles."""
        # Imported here: the math package imports the array package while it initializes.
        from ..math.sum import sum as _sum

        reps, shape, axes = self._layout()
        gy = reshape(_utils.first_grad(grad_outputs), _interleaved(reps, shape))
        return (reshape(_sum(gy, axis=axes), self._in_shape),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Sum the gradient over the tiles."""
        gy = grad_outputs[0]
        assert gy is not None
        reps, shape, axes = self._layout()
        return (gy.reshape(_interleaved(reps, shape)).sum(axis=axes).reshape(self._in_shape),)


def tile(x: VariableOrArray, reps: int | Sequence[int]) -> Variable:
    """Construct an array by repeating ``x`` ``reps`` times along each axis.

    As :func:`numpy.tile`: with more repetitions than axes, ``x`` gets leading axes of
    length one; with fewer, the repetitions apply to the last axes.

    Args:
        x: The input.
        reps: The number of repetitions per axis (an int or a sequence of ints, each
            non-negative).

    Returns:
        The tiled Variable.

    Raises:
        TypeError: If ``reps`` is not an int or a sequence of ints.
        ValueError: If a repetition count is negative.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.tile(numpy.array([[1.0, 2.0]]), (2, 2)).array.tolist()
        [[1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0]]
    """
    try:
        counts = _shape_check.as_int_tuple(reps, "reps")
    except TypeError:
        raise TypeError(
            f"reps must be an int or a sequence of ints, got {type(reps).__name__}"
        ) from None
    if any(r < 0 for r in counts):
        raise ValueError(f"every element of reps must be zero or larger, got {reps!r}")
    return Tile(counts).apply((x,))[0]
