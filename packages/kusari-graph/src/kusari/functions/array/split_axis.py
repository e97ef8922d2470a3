"""Splitting along an axis (:func:`split_axis`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, final, overload

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from . import _shape_check

__all__ = ["SplitAxis", "split_axis"]


@final
class SplitAxis(FunctionNode):
    """Split the input along ``axis`` into equal sections or at given indices.

    Args:
        indices_or_sections: The number of equal sections (an int), or the split points
            (a tuple of ints, NumPy's ``split`` semantics).
        axis: The axis to split along.
    """

    __slots__ = ("_dtype", "_out_shapes", "axis", "indices_or_sections")

    def __init__(self, indices_or_sections: int | tuple[int, ...], axis: int) -> None:
        self.indices_or_sections = indices_or_sections
        self.axis = axis

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """One input; ``axis`` in range; the sections divide the axis / indices fit in it."""
        type_check.expect(in_types.size() == 1)
        (x_type,) = in_types
        _shape_check.expect_axis(x_type, self.axis)
        size = x_type.shape[self.axis]
        spec = self.indices_or_sections
        if isinstance(spec, int):
            sections = _shape_check.named(x_type, spec, "sections")
            type_check.expect(size % sections == 0)
        elif spec:
            max_index = _shape_check.named(x_type, max(spec), "max_index")
            type_check.expect(size >= max_index)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Split (the outputs are views of the input)."""
        (x,) = inputs
        xp = _shape_check.xp_of(x)
        self._dtype = x.dtype
        ys = tuple(xp.split(x, self.indices_or_sections, axis=self.axis))
        self._out_shapes = [y.shape for y in ys]
        return ys

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Concatenate the output gradients (zeros where an output has none)."""
        gys = _shape_check.zero_filled(
            grad_outputs, self._out_shapes, self._dtype, _xp_of_grads(grad_outputs)
        )
        return (_concat(gys, self.axis),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Concatenate the output gradients (zeros where an output has none)."""
        xp = _xp_of_arrays(grad_outputs)
        gys = _shape_check.zero_filled_arrays(grad_outputs, self._out_shapes, self._dtype, xp)
        return (xp.concatenate(gys, axis=self.axis),)


def _xp_of_grads(grads: Sequence[Variable | None]) -> Any:
    for g in grads:
        if g is not None:
            return g.xp
    return numpy  # pragma: no cover  (backward runs only when some gradient exists)


def _xp_of_arrays(grads: Sequence[Array | None]) -> Any:
    for g in grads:
        if g is not None:
            return _shape_check.xp_of(g)
    return numpy  # pragma: no cover


def _as_split_spec(indices_or_sections: object) -> int | tuple[int, ...]:
    if isinstance(indices_or_sections, (Sequence, numpy.ndarray)) and not isinstance(
        indices_or_sections, str
    ):
        return tuple(
            _shape_check.as_int(i, "each index of indices_or_sections")
            for i in indices_or_sections
        )
    try:
        sections = _shape_check.as_int(indices_or_sections, "indices_or_sections")
    except TypeError:
        raise TypeError(
            "indices_or_sections must be an int or a sequence of ints, got "
            f"{type(indices_or_sections).__name__}"
        ) from None
    if sections <= 0:
        raise ValueError(f"indices_or_sections must be positive when an int, got {sections}")
    return sections


@overload
def split_axis(
    x: VariableOrArray,
    indices_or_sections: int | Sequence[int] | numpy.ndarray[Any, Any],
    axis: int,
    force_tuple: Literal[True] = True,
) -> tuple[Variable, ...]: ...


@overload
def split_axis(
    x: VariableOrArray,
    indices_or_sections: int | Sequence[int] | numpy.ndarray[Any, Any],
    axis: int,
    force_tuple: bool,
) -> tuple[Variable, ...] | Variable: ...


def split_axis(
    x: VariableOrArray,
    indices_or_sections: int | Sequence[int] | numpy.ndarray[Any, Any],
    axis: int,
    force_tuple: bool = True,
) -> tuple[Variable, ...] | Variable:
    """Split ``x`` along an axis into several Variables.

    Args:
        x: The input.
        indices_or_sections: An int ``n`` splits into ``n`` equal sections (the axis
            length must be divisible by ``n``); a sequence of ints gives the split points,
            as :func:`numpy.split` does.
        axis: The axis to split along; negative values count from the end.
        force_tuple: If ``False`` and the split gives a single piece, return that
            Variable itself instead of a one-element tuple.

    Returns:
        The pieces (views of ``x``'s data), as a tuple.

    Raises:
        TypeError: If ``indices_or_sections`` or ``axis`` has the wrong type.
        ValueError: If the number of sections is not positive.
        kusari.graph.type_check.InvalidType: If ``axis`` is out of range, the sections do
            not divide the axis, or an index exceeds the axis length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(6.0).reshape(2, 3)
        >>> [y.shape for y in F.split_axis(x, 3, axis=1)]
        [(2, 1), (2, 1), (2, 1)]
        >>> [y.array.tolist() for y in F.split_axis(x, [1], axis=1)]
        [[[0.0], [3.0]], [[1.0, 2.0], [4.0, 5.0]]]
    """
    spec = _as_split_spec(indices_or_sections)
    axis = _shape_check.as_int(axis, "axis")
    ys = SplitAxis(spec, axis).apply((x,))
    if not force_tuple and len(ys) == 1:
        return ys[0]
    return ys


# Imported last: concat's module imports this one (each function's backward is the other).
from .concat import concat as _concat  # noqa: E402
