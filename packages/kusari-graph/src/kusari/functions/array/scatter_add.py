"""Adding into a part of an array (:func:`scatter_add`)."""

from __future__ import annotations

from typing import Any, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InvalidType, TypeInfoTuple

from .. import _utils
from . import _shape_check
from .get_item import _normalize_slices, get_item

__all__ = ["ScatterAdd", "scatter_add"]


def _is_advanced(slices: tuple[Any, ...]) -> bool:
    return any(
        not isinstance(s, (int, numpy.integer, slice, type(None), type(Ellipsis))) for s in slices
    )


@final
class ScatterAdd(FunctionNode):
    """``a`` with ``b`` added at ``a[slices]`` (repeated indices add up).

    Args:
        slices: The index, normalized to a tuple.
    """

    __slots__ = ("_b_shape", "slices")

    def __init__(self, slices: tuple[Any, ...]) -> None:
        self.slices = slices

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``a`` and ``b`` share a dtype."""
        type_check.argname(in_types, ("a", "b"))
        type_check.expect(in_types[0].dtype == in_types[1].dtype)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Copy ``a`` and add ``b`` into it."""
        a, b = inputs
        self._b_shape = b.shape
        xp = _shape_check.xp_of(a)
        target_shape = a[self.slices].shape
        try:
            b = xp.broadcast_to(b, target_shape)
        except ValueError:
            raise InvalidType(
                "b.shape can be broadcast to a[slices].shape",
                f"b.shape = {self._b_shape}, a[slices].shape = {target_shape}",
                "Invalid operation is performed in: ScatterAdd (Forward)\n\n"
                "Expect: b.shape can be broadcast to a[slices].shape\n"
                f"Actual: b.shape = {self._b_shape}, a[slices].shape = {target_shape}",
            ) from None
        y = a.copy()
        if not _is_advanced(self.slices):
            y[self.slices] += b
        elif xp is numpy:
            numpy.add.at(y, self.slices, b)
        else:
            import cupyx

            cupyx.scatter_add(y, self.slices, b)
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` for ``a``; ``gy[slices]`` summed to ``b``'s shape for ``b``."""
        # Imported here: the math package imports the array package while it initializes.
        from ..math.sum_to import sum_to

        gy = _utils.first_grad(grad_outputs)
        return tuple(
            gy if i == 0 else sum_to(get_item(gy, self.slices), self._b_shape)
            for i in target_input_indexes
        )

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` for ``a``; ``gy[slices]`` summed to ``b``'s shape for ``b``."""
        gy = grad_outputs[0]
        assert gy is not None
        return tuple(
            gy if i == 0 else _utils.sum_to_array(gy[self.slices], self._b_shape)
            for i in target_input_indexes
        )


def scatter_add(a: VariableOrArray, slices: Any, b: VariableOrArray) -> Variable:
    """Return a copy of ``a`` with ``b`` added at ``a[slices]``.

    Repeated indices accumulate (as :func:`numpy.add.at`).  ``b`` is broadcast to the
    shape of ``a[slices]`` (a kusari extension; Chainer requires that shape).

    Args:
        a: The input.
        slices: An index, as for :func:`get_item`: ints, slices, ``None``, ``Ellipsis``,
            integer or boolean arrays.
        b: The values to add (the dtype of ``a``).

    Returns:
        The result; ``a`` itself is not changed.

    Raises:
        TypeError: If ``slices`` contains something that is not an index.
        kusari.graph.type_check.InvalidType: If the dtypes differ or ``b`` does not
            broadcast to ``a[slices].shape``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.zeros(4)
        >>> F.scatter_add(a, numpy.array([0, 2, 0]), numpy.ones(3)).array.tolist()
        [2.0, 0.0, 1.0, 0.0]
    """
    return ScatterAdd(_normalize_slices(slices)).apply((a, b))[0]
