"""Helpers shared by the normalization functions (private).

The normalizations standardize ``x`` over some *reduction axes*: ``x_hat = (x - mean) * s``
with ``s = (var + eps) ** -0.5``.  Per-channel values (``gamma``, ``mean``, ...) have the
shape of ``x`` without those axes, and are broadcast against ``x`` through the *kept shape*
(``x.shape`` with a 1 at each reduction axis).

Computations run in a *compute dtype*: the promotion of the input dtypes, at least float32,
so float16 inputs are reduced in float32 (as cuDNN does) and cast back at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy
import numpy.typing as npt

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray
from kusari.graph import type_check as _tc

from ..array.broadcast_to import broadcast_to
from ..array.cast import cast
from ..array.reshape import reshape
from ..math.sum import sum as _sum

__all__ = [
    "broadcast_channel",
    "channel_var",
    "check_axis_argument",
    "check_channel_shapes",
    "compute_dtype",
    "kept_shape",
    "mean_var",
    "reduce_to",
    "reduction_axes",
    "standardize_grad_arrays",
    "standardize_grad_vars",
    "standardize_vars",
]

_float32 = numpy.dtype(numpy.float32)


def check_axis_argument(axis: object) -> tuple[int, ...] | None:
    """Validate an ``axis`` argument (``None``, an int or a tuple of ints) of a normalization.

    Raises:
        TypeError: If it is anything else.
        ValueError: If it repeats an axis or is empty.
    """
    if axis is None:
        return None
    if isinstance(axis, (int, numpy.integer)) and not isinstance(axis, bool):
        return (int(axis),)
    if isinstance(axis, (tuple, list)) and all(
        isinstance(a, (int, numpy.integer)) and not isinstance(a, bool) for a in axis
    ):
        if not axis:
            raise ValueError("axis must name at least one axis, got an empty tuple")
        return tuple(int(a) for a in axis)
    raise TypeError(f"axis must be None, an int or a tuple of ints, got {axis!r}")


def reduction_axes(x_ndim: int, gamma_ndim: int, axis: tuple[int, ...] | None) -> tuple[int, ...]:
    """The sorted, non-negative axes of ``x`` that a batch normalization reduces over.

    With ``axis=None`` these are axis 0 and the axes after the ``gamma_ndim`` channel axes
    (Chainer's rule: ``(0,) + tuple(range(gamma_ndim + 1, x_ndim))``).

    Raises:
        ValueError: If an axis is out of range for ``x`` or repeated.
    """
    if axis is None:
        return (0, *range(gamma_ndim + 1, x_ndim))
    result = []
    for a in axis:
        if not -x_ndim <= a < x_ndim:
            raise ValueError(f"axis {a} is out of bounds for an input of dimension {x_ndim}")
        result.append(a % x_ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"axis repeats an axis: {axis!r}")
    return tuple(sorted(result))


def check_channel_shapes(
    x_type: Any, channel_types: Sequence[Any], axis: tuple[int, ...] | None
) -> None:
    """Expect (``type_check``) that the per-channel inputs fit ``x`` for ``axis``.

    Every channel input must have the shape of the first, which must be the shape of ``x``
    without the reduction axes.
    """
    first = channel_types[0]
    for other in channel_types[1:]:
        _tc.expect(other.shape == first.shape)
    x_ndim = _tc.eval(x_type.ndim)
    gamma_ndim = _tc.eval(first.ndim)
    if axis is None:
        _tc.expect(x_type.ndim >= first.ndim + 1)
        kept = list(range(1, gamma_ndim + 1))
    else:
        _tc.expect(x_type.ndim == first.ndim + len(axis))
        axes = {a % x_ndim for a in axis if -x_ndim <= a < x_ndim}
        kept = [i for i in range(x_ndim) if i not in axes]
    for j, i in enumerate(kept):
        _tc.expect(x_type.shape[i] == first.shape[j])


def kept_shape(x_shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """``x_shape`` with a 1 at each reduction axis."""
    return tuple(1 if i in axes else n for i, n in enumerate(x_shape))


def compute_dtype(*dtypes: npt.DTypeLike) -> numpy.dtype[Any]:
    """The dtype to compute in: the promotion of ``dtypes``, at least float32."""
    return numpy.result_type(_float32, *dtypes)


def mean_var(x: Array, axes: tuple[int, ...]) -> tuple[Array, Array, Array]:
    """``(mean, x - mean, var)`` over ``axes`` (mean and var in the kept shape)."""
    mean = x.mean(axis=axes, keepdims=True)
    xm = x - mean
    var = (xm * xm).mean(axis=axes, keepdims=True)
    return mean, xm, var


def standardize_grad_arrays(xhat: Array, s: Array, g: Array, axes: tuple[int, ...]) -> Array:
    """The gradient of ``x`` through ``x_hat = standardize(x)`` given ``g = dL/dx_hat``.

    ``s * (g - mean(g) - x_hat * mean(g * x_hat))`` with the means over ``axes``.
    """
    gm = g.mean(axis=axes, keepdims=True)
    gxm = (g * xhat).mean(axis=axes, keepdims=True)
    out: Array = g - gm
    out -= xhat * gxm
    out *= s
    return out


def _mean_keep(x: Variable, axes: tuple[int, ...]) -> Variable:
    m = 1
    for a in axes:
        m *= x.shape[a]
    return _sum(x, axis=axes, keepdims=True) * (1.0 / m)


def standardize_vars(x: Variable, axes: tuple[int, ...], eps: float) -> tuple[Variable, Variable]:
    """``(x_hat, s)`` computed from ``x`` with differentiable functions."""
    xm = x - _mean_keep(x, axes)
    var = _mean_keep(xm * xm, axes)
    s = (var + eps) ** -0.5
    return xm * s, s


def standardize_grad_vars(
    xhat: Variable, s: Variable, g: Variable, axes: tuple[int, ...]
) -> Variable:
    """:func:`standardize_grad_arrays` with differentiable functions (for double backprop)."""
    return s * (g - _mean_keep(g, axes) - xhat * _mean_keep(g * xhat, axes))


def reduce_to(v: Variable, axes: tuple[int, ...], shape: tuple[int, ...]) -> Variable:
    """Sum ``v`` over ``axes`` and reshape the result to ``shape`` (a channel shape)."""
    return reshape(_sum(v, axis=axes), shape)


def channel_var(v: VariableOrArray, kept: tuple[int, ...], dtype: numpy.dtype[Any]) -> Variable:
    """A per-channel input as a Variable of ``dtype`` in the kept shape."""
    return reshape(cast(v, dtype), kept)


def broadcast_channel(v: Variable, shape: tuple[int, ...]) -> Variable:
    """Broadcast a kept-shape Variable to the full shape."""
    return broadcast_to(v, shape)
