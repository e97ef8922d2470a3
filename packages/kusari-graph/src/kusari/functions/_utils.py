"""Helpers shared by the functions of :mod:`kusari.functions` (private)."""

from __future__ import annotations

from typing import Any

import numpy

from kusari.devices import Array, get_array_module, is_array
from kusari.graph import Operand, Variable

__all__ = [
    "binary",
    "broadcast_array",
    "first_grad",
    "is_scalar",
    "normalize_axis",
    "sum_to_array",
]

_SCALAR_TYPES = (bool, int, float, complex, numpy.generic)


def is_scalar(value: object) -> bool:
    """Whether ``value`` is a Python or NumPy scalar (not an array or a Variable)."""
    return isinstance(value, _SCALAR_TYPES)


def sum_to_array(x: Array, shape: tuple[int, ...]) -> Array:
    """Sum ``x`` over its broadcast axes so that it gets ``shape`` (the inverse of broadcast)."""
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    lead_axes = tuple(range(lead))
    axes = tuple(i + lead for i, size in enumerate(shape) if size == 1 and x.shape[i + lead] != 1)
    y: Array = x.sum(lead_axes + axes, keepdims=True)
    if lead:
        y = y.reshape(shape)
    return y


def broadcast_array(x: Array, shape: tuple[int, ...]) -> Array:
    """``xp.broadcast_to(x, shape)`` (a read-only view) for NumPy or CuPy arrays."""
    if type(x) is numpy.ndarray:
        return numpy.broadcast_to(x, shape)
    view: Array = get_array_module(x).broadcast_to(x, shape)
    return view


def normalize_axis(axis: Any, ndim: int, what: str = "axis") -> tuple[int, ...] | None:
    """Turn an axis argument (None, int or tuple of ints) into a sorted tuple of axes."""
    if axis is None:
        return None
    if isinstance(axis, (int, numpy.integer)):
        axes: tuple[Any, ...] = (axis,)
    elif isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:
        raise TypeError(f"{what} must be an int, a tuple of ints or None, got {axis!r}")
    result = []
    for a in axes:
        if not isinstance(a, (int, numpy.integer)) or isinstance(a, bool):
            raise TypeError(f"{what} must be an int, a tuple of ints or None, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{what} {a} is out of bounds for an array of dimension {ndim}")
        result.append(int(a) % ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"duplicate value in {what}: {axis!r}")
    return tuple(sorted(result))


def first_grad(grad_outputs: tuple[Variable | None, ...]) -> Variable:
    """The gradient of the only output (backward runs only when it exists)."""
    gy = grad_outputs[0]
    assert gy is not None
    return gy


def binary(op: str, rop: str, lhs: Operand, rhs: Operand) -> Variable:
    """Apply a binary Variable operator where at least one side is a Variable or an array.

    Args:
        op: The special method name (``"__add__"``).
        rop: Its reflected name (``"__radd__"``).
        lhs: The left operand.
        rhs: The right operand.

    Returns:
        The result.

    Raises:
        TypeError: If neither operand is a Variable or an array, or a type is unsupported.
    """
    if isinstance(lhs, Variable):
        result = getattr(Variable, op)(lhs, rhs)
    elif isinstance(rhs, Variable):
        result = getattr(Variable, rop)(rhs, lhs)
    elif is_array(lhs):
        result = getattr(Variable, op)(Variable(lhs, requires_grad=False), rhs)  # type: ignore[arg-type]
    elif is_array(rhs):
        result = getattr(Variable, rop)(Variable(rhs, requires_grad=False), lhs)  # type: ignore[arg-type]
    else:
        raise TypeError(
            f"at least one operand must be a Variable or an array, got {type(lhs).__name__} "
            f"and {type(rhs).__name__}"
        )
    if result is NotImplemented:
        raise TypeError(
            f"unsupported operand types: {type(lhs).__name__} and {type(rhs).__name__}"
        )
    return result  # type: ignore[no-any-return]
