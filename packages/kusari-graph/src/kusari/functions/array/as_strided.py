"""A strided view of an array's elements (:func:`as_strided`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy

from kusari.graph import Variable, VariableOrArray

from ..loss._checks import array_of
from . import _shape_check
from .get_item import get_item
from .reshape import reshape

__all__ = ["as_strided"]


def as_strided(
    x: VariableOrArray,
    shape: Sequence[int],
    strides: Sequence[int],
    storage_offset: int | None = None,
) -> Variable:
    """Pick elements of ``x`` by a shape, strides and an offset counted in elements.

    ``y[i_0, ..., i_k] = x.ravel()[storage_offset + sum_d i_d * strides[d]]``: the result
    may read an element several times (overlapping windows); the gradient sums over every
    read.  Unlike :func:`numpy.lib.stride_tricks.as_strided`, ``strides`` count elements,
    not bytes, and every index is checked against the size of ``x``.  The elements are
    those of ``x`` in C order (Chainer reads the memory of a non-contiguous array).

    Args:
        x: The input (any dtype; only floating point inputs get a gradient).
        shape: The output shape.
        strides: One stride per output axis, in elements (may be zero or negative).
        storage_offset: The index of the element at the output's origin (default 0).

    Returns:
        A Variable of ``shape`` and ``x``'s dtype (a copy, not a view).

    Raises:
        TypeError: If ``shape``, ``strides`` or ``storage_offset`` are not ints.
        ValueError: If ``strides`` does not have one entry per axis of ``shape``, a size is
            negative, or an index falls outside ``x``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(6.0)
        >>> F.as_strided(x, (3, 3), (1, 1)).array.tolist()  # sliding windows of length 3
        [[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]]
    """
    out_shape = _shape_check.as_int_tuple(shape, "shape")
    out_strides = _shape_check.as_int_tuple(strides, "strides")
    offset = 0 if storage_offset is None else _shape_check.as_int(storage_offset, "storage_offset")
    if len(out_strides) != len(out_shape):
        raise ValueError(
            f"strides must have one entry per axis of shape {out_shape}, got {out_strides}"
        )
    if any(size < 0 for size in out_shape):
        raise ValueError(f"shape must not be negative, got {out_shape}")
    array = array_of(x)
    index = numpy.full(out_shape, offset, numpy.intp)
    for axis, (size, stride) in enumerate(zip(out_shape, out_strides, strict=True)):
        step = numpy.arange(size, dtype=numpy.intp) * stride
        index += step.reshape((size,) + (1,) * (len(out_shape) - axis - 1))
    if index.size and (index.min() < 0 or index.max() >= array.size):
        raise ValueError(
            f"as_strided reads elements {index.min()} to {index.max()}, outside x of "
            f"{array.size} elements"
        )
    xp = _shape_check.xp_of(array)
    return get_item(reshape(x, (array.size,)), xp.asarray(index))
