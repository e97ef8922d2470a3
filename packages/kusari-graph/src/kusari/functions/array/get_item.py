"""Indexing: ``x[slices]`` (:func:`get_item`)."""

from __future__ import annotations

from typing import Any, final

import numpy

from kusari.devices import Array, get_array_module, is_array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["GetItem", "GetItemGrad", "get_item"]

_BASIC = (int, slice, type(None), type(Ellipsis), numpy.integer)


def _normalize_slices(slices: Any) -> tuple[Any, ...]:
    """Turn an index into a tuple; lists and Variables become arrays."""
    items = slices if isinstance(slices, tuple) else (slices,)
    result = []
    for item in items:
        if isinstance(item, Variable):
            item = item.array
        elif isinstance(item, list):
            item = numpy.asarray(item)
        if isinstance(item, bool) or not (isinstance(item, _BASIC) or is_array(item)):
            raise TypeError(
                "an index must be an int, a slice, None, Ellipsis, an integer or boolean array "
                f"(or a list of them), or a tuple of these; got {type(item).__name__}"
            )
        result.append(item)
    return tuple(result)


def _is_advanced(slices: tuple[Any, ...]) -> bool:
    return any(not isinstance(item, _BASIC) for item in slices)


def _scatter_add(shape: tuple[int, ...], slices: tuple[Any, ...], gy: Array) -> Array:
    xp = get_array_module(gy)
    gx = xp.zeros(shape, gy.dtype)
    if not _is_advanced(slices):
        gx[slices] = gy
    elif xp is numpy:
        numpy.add.at(gx, slices, gy)
    else:
        import cupyx

        cupyx.scatter_add(gx, slices, gy)
    return gx  # type: ignore[no-any-return]


@final
class GetItem(FunctionNode):
    """``x[slices]``, with basic and advanced (integer or boolean array) indexing.

    Args:
        slices: The index, normalized to a tuple.
    """

    __slots__ = ("_in_shape", "slices")
    input_spec = InputSpec("x")

    def __init__(self, slices: tuple[Any, ...]) -> None:
        self.slices = slices

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Index."""
        (x,) = inputs
        self._in_shape = x.shape
        return (x[self.slices],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Scatter the gradient into zeros of the input's shape (repeated indices add up)."""
        gy = _utils.first_grad(grad_outputs)
        return (GetItemGrad(self.slices, self._in_shape).apply((gy,))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Scatter the gradient into zeros of the input's shape (repeated indices add up)."""
        gy = grad_outputs[0]
        assert gy is not None
        return (_scatter_add(self._in_shape, self.slices, gy),)


@final
class GetItemGrad(FunctionNode):
    """The gradient of :class:`GetItem`: scatter-add into zeros of ``in_shape``.

    Args:
        slices: The index of the forward :class:`GetItem`.
        in_shape: The shape of the forward input.
    """

    __slots__ = ("in_shape", "slices")
    input_spec = InputSpec("gy")

    def __init__(self, slices: tuple[Any, ...], in_shape: tuple[int, ...]) -> None:
        self.slices = slices
        self.in_shape = in_shape

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Scatter-add."""
        return (_scatter_add(self.in_shape, self.slices, inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Index the gradient."""
        return (GetItem(self.slices).apply((_utils.first_grad(grad_outputs),))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Index the gradient."""
        gy = grad_outputs[0]
        assert gy is not None
        return (gy[self.slices],)


def get_item(x: VariableOrArray, slices: Any) -> Variable:
    """Index ``x`` like a NumPy array: ``get_item(x, slices)`` is ``x[slices]``.

    Basic indexing (ints, slices, ``None``, ``Ellipsis``) and advanced indexing (integer or
    boolean arrays, lists) are supported; in backward, repeated indices add up.

    Args:
        x: The input.
        slices: The index.

    Returns:
        The selected elements.

    Raises:
        TypeError: If the index contains something else (floats, strings, ...).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(6.0).reshape(2, 3)
        >>> F.get_item(x, (slice(None), [0, 2]))
        variable([[0., 2.],
                  [3., 5.]])
    """
    return GetItem(_normalize_slices(slices)).apply((x,))[0]


def _getitem(self: Variable, slices: Any) -> Variable:
    return GetItem(_normalize_slices(slices)).apply((self,))[0]
