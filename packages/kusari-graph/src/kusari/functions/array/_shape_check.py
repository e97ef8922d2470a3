"""Shared argument and type checks of the array functions (private)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import Variable, type_check

__all__ = [
    "as_int",
    "as_int_tuple",
    "expect_axis",
    "expect_insert_axis",
    "named",
    "run_type_check",
    "xp_of",
    "zero_filled",
    "zero_filled_arrays",
]

_ndarray = numpy.ndarray


def xp_of(x: Array) -> Any:
    """The array module of ``x`` (NumPy without a lookup for NumPy arrays)."""
    return numpy if type(x) is _ndarray else get_array_module(x)


def as_int(value: object, what: str) -> int:
    """Return ``value`` as an ``int``, or raise a TypeError naming ``what``.

    Booleans are rejected: ``True`` as an axis or a count is a mistake.
    """
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, got bool")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what} must be an int, got {type(value).__name__}") from None


def as_int_tuple(value: object, what: str) -> tuple[int, ...]:
    """Return an int or a sequence of ints as a tuple of ints (TypeError naming ``what``)."""
    if isinstance(value, (Sequence, _ndarray)) and not isinstance(value, str):
        return tuple(as_int(v, f"each element of {what}") for v in value)
    return (as_int(value, f"{what}"),)


def named(x_type: Any, value: object, name: str) -> Any:
    """``value`` as a named expression in full mode, the plain value in light mode."""
    if isinstance(x_type, type_check.TypeInfo):
        return value
    return type_check.make_variable(value, name)


def expect_axis(x_type: Any, axis: int, name: str = "axis") -> None:
    """``type_check``: ``axis`` is a valid axis of the input (``-ndim <= axis < ndim``)."""
    var = named(x_type, axis, name)
    type_check.expect(x_type.ndim > var, -x_type.ndim <= var)


def expect_insert_axis(x_type: Any, axis: int, name: str = "axis") -> None:
    """``type_check``: a new axis can be inserted at ``axis`` (``-ndim-1 <= axis <= ndim``)."""
    var = named(x_type, axis, name)
    type_check.expect(x_type.ndim >= var, -x_type.ndim - 1 <= var)


def zero_filled(
    grads: Sequence[Variable | None],
    shapes: Sequence[tuple[int, ...]],
    dtype: numpy.dtype[Any],
    xp: Any,
) -> list[Variable]:
    """The gradients, with zero Variables of ``shapes[i]`` where ``grads[i]`` is missing."""
    result = []
    for g, shape in zip(grads, shapes, strict=True):
        if g is None:
            result.append(Variable(xp.zeros(shape, dtype), requires_grad=False))
        else:
            result.append(g)
    return result


def zero_filled_arrays(
    grads: Sequence[Array | None],
    shapes: Sequence[tuple[int, ...]],
    dtype: numpy.dtype[Any],
    xp: Any,
) -> list[Array]:
    """The gradient arrays, with zeros of ``shapes[i]`` where ``grads[i]`` is missing."""
    return [
        xp.zeros(shape, dtype) if g is None else g for g, shape in zip(grads, shapes, strict=True)
    ]


def run_type_check(
    check: Callable[[type_check.TypeInfoTuple], None], arrays: Sequence[Array], label: str
) -> None:
    """Run a ``check_type_forward``-style ``check`` outside ``FunctionNode.apply``.

    For functions composed of other functions that still want one clear type error: the
    check runs in light mode, and again in full mode to build the message when it fails.

    Raises:
        InvalidType: With the ``Invalid operation is performed in: <label>`` header.
    """
    try:
        check(type_check.get_types(arrays, "in_types", False, light=True))
    except type_check.InvalidType:
        in_types = type_check.get_types(arrays, "in_types", False)
        try:
            check(in_types)
        except type_check.InvalidType as error:
            raise type_check.InvalidType(
                error.expect,
                error.actual,
                f"Invalid operation is performed in: {label} (Forward)\n\n{error}",
            ) from None
        raise  # pragma: no cover  (a check must not depend on the mode)
