"""Helpers of the math, activation, noise and evaluation functions (private).

Axis arguments are checked here, in the lowercase functions, rather than in
``check_type_forward``: the check costs a comparison instead of a light-mode type check,
and a failure raises the same :class:`~kusari.graph.type_check.InvalidType` message.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import Variable, VariableOrArray
from kusari.graph.type_check import InvalidType

__all__ = [
    "array_module",
    "check_axes",
    "check_axis",
    "check_float",
    "constant",
    "invalid_type",
    "kept_shape",
    "ndim_of",
    "out",
]

_ndarray = numpy.ndarray
_REAL_TYPES = (int, float, numpy.integer, numpy.floating)


def array_module(x: Array) -> ModuleType:
    """``numpy`` for NumPy arrays (without a lookup), else the array's module."""
    if type(x) is _ndarray:
        return numpy
    return get_array_module(x)


def out(a: Array | numpy.generic[Any]) -> Array | None:
    """``a`` if it can receive a ufunc result in place (``out=a``), else ``None``.

    Arithmetic on 0-d NumPy arrays yields NumPy scalars, which cannot.
    """
    return None if isinstance(a, numpy.generic) else a


def invalid_type(label: str, expect: str, actual: str) -> InvalidType:
    """An :class:`InvalidType` with the message a failed ``check_type_forward`` gives."""
    return InvalidType(
        expect,
        actual,
        f"Invalid operation is performed in: {label} (Forward)\n\n"
        f"Expect: {expect}\nActual: {actual}",
    )


def _check_int(axis: object, what: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, numpy.integer)):
        raise TypeError(f"{what} must be an int, got {type(axis).__name__} ({axis!r})")
    return int(axis)


def _check_bound(label: str, ndim: int, axis: int, name: str) -> int:
    if axis >= 0:
        if ndim <= axis:
            raise invalid_type(label, f"{name}.ndim > {axis}", f"{ndim} <= {axis}")
        return axis
    if ndim < -axis:
        raise invalid_type(label, f"{name}.ndim >= {-axis}", f"{ndim} < {-axis}")
    return axis + ndim


def check_axis(label: str, ndim: int, axis: object, name: str = "x") -> int:
    """Check one axis argument against ``ndim`` and return it as a non-negative int.

    Raises:
        TypeError: If ``axis`` is not an int.
        InvalidType: If it is out of range (as Chainer's type check reports it).
    """
    return _check_bound(label, ndim, _check_int(axis, "axis"), name)


def check_axes(label: str, ndim: int, axis: object, name: str = "x") -> tuple[int, ...] | None:
    """Check ``None``, an int or a tuple of ints; return sorted non-negative axes or ``None``.

    Raises:
        TypeError: If ``axis`` is of another type.
        ValueError: If an axis is repeated.
        InvalidType: If an axis is out of range.
    """
    if axis is None:
        return None
    if isinstance(axis, tuple):
        axes = [_check_int(a, "each axis") for a in axis]
    else:
        if isinstance(axis, bool) or not isinstance(axis, (int, numpy.integer)):
            raise TypeError(
                f"axis must be None, an int or a tuple of ints, got {type(axis).__name__} "
                f"({axis!r})"
            )
        axes = [int(axis)]
    result = [_check_bound(label, ndim, a, name) for a in axes]
    if len(set(result)) != len(result):
        raise ValueError(f"duplicate value in axis: {axis!r}")
    return tuple(sorted(result))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` (all when ``None``) kept as length one."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def check_float(value: object, name: str) -> float:
    """Return ``value`` as a float, or raise a TypeError naming the argument."""
    if isinstance(value, bool) or not isinstance(
        value, (int, float, numpy.integer, numpy.floating)
    ):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} ({value!r})")
    return float(value)


def constant(value: Array) -> Variable:
    """Wrap an array as a Variable that needs no gradient (a constant in backward)."""
    return Variable(value, requires_grad=False)


def ndim_of(x: VariableOrArray) -> int:
    """``x.ndim`` for a Variable or an array."""
    return len(x.shape)
