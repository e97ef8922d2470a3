"""Index of the minimum (:func:`argmin`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from . import _helpers
from .argmax import _check_axis

__all__ = ["ArgMin", "argmin"]


@final
class ArgMin(FunctionNode):
    """The (first) index of the minimum along ``axis``, as int32; not differentiable.

    Args:
        axis: The axis, or ``None`` for the index into the flattened input.
    """

    __slots__ = ("axis",)
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: int | None = None) -> None:
        self.axis = axis

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Find the indexes."""
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.asarray(x.argmin(axis=self.axis), dtype=numpy.int32),)


def argmin(x: VariableOrArray, axis: int | None = None) -> Variable:
    """The index of the minimum along ``axis`` (the first one on ties), as int32.

    The result has no gradient.

    Args:
        x: A floating point input.
        axis: The axis; ``None`` gives the index into the flattened input.

    Returns:
        The indexes (int32).

    Raises:
        TypeError: If ``axis`` is neither None nor an int.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or has no axis
            ``axis``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 4.0], [3.0, 2.0]])
        >>> F.argmin(x).array.tolist(), F.argmin(x, axis=0).array.tolist()
        (0, [0, 1])
    """
    return ArgMin(_check_axis("ArgMin", x, axis)).apply((x,))[0]
