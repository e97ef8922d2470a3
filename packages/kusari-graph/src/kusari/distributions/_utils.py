"""Parameter preparation and small numeric helpers shared by the distributions (private)."""

from __future__ import annotations

import math
from types import ModuleType
from typing import cast

import numpy

import kusari.functions as F
from kusari.devices import Array, get_array_module, is_array
from kusari.graph import Variable, VariableOrArray

__all__ = [
    "array_of",
    "as_param",
    "as_value",
    "broadcast_params",
    "check_positive",
    "check_sample_count",
    "check_unit_interval",
    "constant",
    "float_dtype_of",
    "full",
    "mask_outside",
    "replace_outside",
    "safe_log",
    "sample_size",
    "xp_of",
]

LOG_2PI = math.log(2.0 * math.pi)
EULER_GAMMA = 0.57721566490153286061


def as_param(value: object, name: str, owner: str) -> Variable:
    """``value`` as a floating point Variable, or a ``TypeError`` naming the argument."""
    if isinstance(value, Variable):
        variable = value
    elif is_array(value):
        variable = Variable(cast(Array, value), requires_grad=False)
    else:
        raise TypeError(
            f"{owner}: {name} must be a Variable or an array, got {type(value).__name__}"
        )
    if variable.array is None:
        raise ValueError(f"{owner}: {name} is a Variable without an array")
    if variable.dtype.kind != "f":
        raise TypeError(f"{owner}: {name} must be floating point, got dtype {variable.dtype}")
    return variable


def as_value(x: VariableOrArray, like: Variable, name: str = "x") -> Variable:
    """A point argument as a Variable; arrays of another dtype are cast to ``like``'s."""
    if isinstance(x, Variable):
        return x
    if not is_array(x):
        raise TypeError(f"{name} must be a Variable or an array, got {type(x).__name__}")
    if x.dtype != like.dtype:
        x = x.astype(like.dtype)
    return Variable(x, requires_grad=False)


def broadcast_params(
    owner: str, names: tuple[str, ...], params: tuple[Variable, ...]
) -> tuple[Variable, ...]:
    """Broadcast the parameters to one shape; they must also share one dtype.

    Parameters already of the common shape are returned as they are (same objects).
    """
    dtypes = {p.dtype for p in params}
    if len(dtypes) > 1:
        got = ", ".join(f"{n}: {p.dtype}" for n, p in zip(names, params, strict=True))
        raise TypeError(f"{owner}: the parameters must share one dtype, got {got}")
    try:
        shape = numpy.broadcast_shapes(*(p.shape for p in params))
    except ValueError:
        got = ", ".join(f"{n}: {p.shape}" for n, p in zip(names, params, strict=True))
        raise ValueError(
            f"{owner}: the parameter shapes cannot be broadcast together, got {got}"
        ) from None
    return tuple(p if p.shape == shape else F.broadcast_to(p, shape) for p in params)


def _constant_array(value: object) -> Array | None:
    if isinstance(value, Variable):
        return None
    return cast(Array, value) if is_array(value) else None


def check_positive(value: object, name: str, owner: str) -> None:
    """A ``ValueError`` if ``value`` is a constant array with an element that is not > 0.

    Variables are not checked: reading their values would synchronise a GPU on every
    construction, and a learned parameter is usually made positive by construction.
    """
    array = _constant_array(value)
    if array is None or array.size == 0:
        return
    smallest = float(array.min())
    if not smallest > 0:
        raise ValueError(f"{owner}: {name} must be positive, got a minimum of {smallest}")


def check_unit_interval(value: object, name: str, owner: str, *, closed: bool) -> None:
    """A ``ValueError`` if a constant array ``value`` leaves ``[0, 1]`` (or ``(0, 1]``)."""
    array = _constant_array(value)
    if array is None or array.size == 0:
        return
    low, high = float(array.min()), float(array.max())
    ok = (low >= 0 if closed else low > 0) and high <= 1
    if not ok:
        interval = "[0, 1]" if closed else "(0, 1]"
        raise ValueError(
            f"{owner}: {name} must lie in {interval}, got values from {low} to {high}"
        )


def check_sample_count(n: object) -> int:
    """``n`` as a non-negative int, or a ``TypeError``/``ValueError`` saying what is wrong."""
    if isinstance(n, bool) or not isinstance(n, (int, numpy.integer)):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    return int(n)


def sample_size(sample_shape: int | tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    """The number of draws and the checked shape for :meth:`Distribution.sample`."""
    shape: object = (
        (sample_shape,) if isinstance(sample_shape, (int, numpy.integer)) else sample_shape
    )
    if not isinstance(shape, tuple):
        raise TypeError(
            f"sample_shape must be an int or a tuple of ints, got {type(sample_shape).__name__}"
        )
    for dim in shape:
        if isinstance(dim, bool) or not isinstance(dim, (int, numpy.integer)) or dim < 0:
            raise ValueError(f"sample_shape must hold non-negative ints, got {sample_shape!r}")
    dims = tuple(int(d) for d in shape)
    return math.prod(dims), dims


def array_of(v: Variable) -> Array:
    """The array of a Variable known to have one."""
    array = v.array
    assert array is not None
    return array


def xp_of(v: Variable) -> ModuleType:
    """The array module of a Variable."""
    return get_array_module(array_of(v))


def float_dtype_of(v: Variable) -> numpy.dtype[numpy.floating]:
    """The floating point dtype of a parameter."""
    dtype: numpy.dtype[numpy.floating] = v.dtype
    return dtype


def constant(like: Variable, value: float) -> Array:
    """A 0-d array holding ``value`` in the dtype and array module of ``like``."""
    array: Array = xp_of(like).asarray(value, dtype=like.dtype)
    return array


def full(like: Variable, value: float) -> Array:
    """An array of ``like``'s shape, dtype and array module filled with ``value``."""
    array: Array = xp_of(like).full(like.shape, value, dtype=like.dtype)
    return array


def safe_log(x: Variable) -> Variable:
    """``log(x)`` where ``x > 0`` and ``0`` elsewhere, with finite gradients.

    Used for ``0 * log(0) = 0`` terms: the logarithm's input is replaced by ``1`` where
    ``x <= 0`` so that neither the value nor the gradient becomes NaN.
    """
    array = array_of(x)
    positive = array > 0
    return F.log(F.where(positive, x, array.dtype.type(1)))


def replace_outside(x: Variable, outside: Array, inside_value: float) -> Variable:
    """``x`` with ``inside_value`` where ``outside`` holds, so later math stays finite."""
    if not outside.any():
        return x
    return F.where(outside, x.dtype.type(inside_value), x)


def mask_outside(value: Variable, outside: Array, fill: float = -math.inf) -> Variable:
    """``value`` with ``fill`` (``-inf`` by default) where ``outside`` holds."""
    if not outside.any():
        return value
    return F.where(outside, value.dtype.type(fill), value)
