"""Index of the maximum (:func:`argmax`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from . import _helpers

__all__ = ["ArgMax", "argmax"]


def _check_axis(label: str, x: VariableOrArray, axis: object) -> int | None:
    if axis is None:
        return None
    if isinstance(axis, tuple):
        raise TypeError(f"axis must be None or an int, got a tuple ({axis!r})")
    return _helpers.check_axis(label, _helpers.ndim_of(x), axis)


@final
class ArgMax(FunctionNode):
    """The (first) index of the maximum along ``axis``, as int32; not differentiable.

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
        return (xp.asarray(x.argmax(axis=self.axis), dtype=numpy.int32),)


def argmax(x: VariableOrArray, axis: int | None = None) -> Variable:
    """The index of the maximum along ``axis`` (the first one on ties), as int32.

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
        >>> F.argmax(x).array.tolist(), F.argmax(x, axis=1).array.tolist()
        (1, [1, 0])
    """
    return ArgMax(_check_axis("ArgMax", x, axis)).apply((x,))[0]
