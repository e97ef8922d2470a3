"""Shape checks of :func:`scale` and :func:`bias` (private)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from ..array.reshape import reshape
from . import _helpers

__all__ = ["aligned"]


def aligned(label: str, x: VariableOrArray, y: VariableOrArray, axis: int) -> Variable:
    """``y`` reshaped so that its axes line up with ``x``'s from ``axis`` on.

    Raises:
        InvalidType: If the dtypes differ, or ``y.shape`` is not
            ``x.shape[axis:axis + y.ndim]``.
        TypeError: If ``axis`` is not an int.
    """
    if x.dtype != y.dtype:
        raise _helpers.invalid_type(label, "x.dtype == y.dtype", f"{x.dtype} != {y.dtype}")
    x_shape = tuple(x.shape)
    y_shape = tuple(y.shape)
    start = _helpers.check_axis(label, len(x_shape), axis) if y_shape else 0
    part = x_shape[start : start + len(y_shape)]
    if part != y_shape:
        expect = f"x.shape[{start}:{start + len(y_shape)}] == y.shape"
        raise _helpers.invalid_type(label, expect, f"{part} != {y_shape}")
    shape = (1,) * start + y_shape + (1,) * (len(x_shape) - start - len(y_shape))
    return reshape(y, shape)
