"""Argument handling shared by ``check_backward`` and ``check_double_backward``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy
import numpy.typing as npt

from kusari.devices import Array, is_array

from ._variable import Variable

__all__ = [
    "Arrays",
    "FunctionOutputs",
    "OptionalArrays",
    "Params",
    "as_array_tuple",
    "as_optional_array_tuple",
    "as_output_tuple",
    "as_params",
    "check_tolerances",
    "resolve_dtype",
    "param_name",
    "resolve_no_grads",
]

Arrays: TypeAlias = Array | Sequence[Array]
"""One array or a sequence of arrays."""

OptionalArrays: TypeAlias = Array | Sequence[Array | None]
"""One array or a sequence of arrays in which ``None`` means "no gradient"."""

Params: TypeAlias = Variable | Sequence[Variable]
"""One Variable (a Parameter, typically) or a sequence of them."""

FunctionOutputs: TypeAlias = Variable | Sequence[Variable]
"""What a checked function returns: a Variable or a sequence of Variables."""


def check_tolerances(eps: float, atol: float, rtol: float) -> None:
    """Raise a ValueError naming ``eps``, ``atol`` or ``rtol`` if it is out of range."""
    if not (math.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    for name, value in (("atol", atol), ("rtol", rtol)):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")


def resolve_dtype(dtype: npt.DTypeLike | None) -> numpy.dtype[Any] | None:
    """Resolve the ``dtype`` argument: ``None`` or a floating-point dtype."""
    if dtype is None:
        return None
    resolved = numpy.dtype(dtype)
    if resolved.kind != "f":
        raise ValueError(f"dtype must be a floating-point dtype or None, got {resolved}")
    return resolved


def as_array_tuple(value: Arrays, name: str) -> tuple[Array, ...]:
    """Return ``value`` as a tuple of arrays, or raise a TypeError naming ``name``."""
    items = (value,) if is_array(value) else value
    if not isinstance(items, (tuple, list)):
        raise TypeError(
            f"{name} must be an array or a tuple/list of arrays, got {type(value).__name__}"
        )
    for position, item in enumerate(items):
        if not is_array(item):
            raise TypeError(
                f"{name}[{position}] must be a numpy or cupy array, got {type(item).__name__}"
            )
    return tuple(items)


def as_optional_array_tuple(value: OptionalArrays, name: str) -> tuple[Array | None, ...]:
    """Return ``value`` as a tuple whose items are arrays or ``None``, or raise a TypeError."""
    items = (value,) if is_array(value) else value
    if not isinstance(items, (tuple, list)):
        raise TypeError(
            f"{name} must be an array, a tuple/list of arrays (or None), or None, got "
            f"{type(value).__name__}"
        )
    for position, item in enumerate(items):
        if item is not None and not is_array(item):
            raise TypeError(
                f"{name}[{position}] must be a numpy or cupy array or None, got "
                f"{type(item).__name__}"
            )
    return tuple(items)


def as_params(params: Params) -> tuple[Variable, ...]:
    """Return ``params`` as a tuple of initialized floating-point Variables."""
    items = (params,) if isinstance(params, Variable) else params
    if not isinstance(items, (tuple, list)):
        raise TypeError(
            f"params must be a Variable or a tuple/list of Variables, got {type(params).__name__}"
        )
    for position, param in enumerate(items):
        if not isinstance(param, Variable):
            raise TypeError(f"params[{position}] must be a Variable, got {type(param).__name__}")
        if param.array is None:
            raise ValueError(f"params[{position}] ({param.name!r}) is uninitialized")
        if param.dtype.kind != "f":
            raise ValueError(
                f"params[{position}] ({param.name!r}) has dtype {param.dtype}; only "
                "floating-point parameters can be checked"
            )
    return tuple(items)


def resolve_no_grads(no_grads: Sequence[bool] | None, xs: Sequence[Array]) -> list[bool]:
    """Return one skip flag per input: the given ones, or "not floating point"."""
    if no_grads is None:
        return [x.dtype.kind != "f" for x in xs]
    flags = list(no_grads)
    if len(flags) != len(xs):
        raise ValueError(
            f"no_grads has {len(flags)} entries but x_data has {len(xs)}; give one per input"
        )
    for position, (flag, x) in enumerate(zip(flags, xs, strict=True)):
        if not flag and x.dtype.kind != "f":
            raise ValueError(
                f"x_data[{position}] has dtype {x.dtype}, so its gradient cannot be checked; "
                f"set no_grads[{position}] to True"
            )
    return [bool(flag) for flag in flags]


def as_output_tuple(outputs: object, name: str = "func") -> tuple[Variable, ...]:
    """Return the outputs of a checked function as a tuple of Variables."""
    items = (outputs,) if isinstance(outputs, Variable) else outputs
    if not isinstance(items, (tuple, list)) or not all(isinstance(y, Variable) for y in items):
        raise TypeError(
            f"{name} must return a Variable or a tuple/list of Variables, got {_describe(outputs)}"
        )
    return tuple(items)


def _describe(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of ({', '.join(type(v).__name__ for v in value)})"
    return type(value).__name__


def param_name(position: int, param: Variable) -> str:
    """Name a parameter in messages: ``params[0]`` or ``params[0] (W)``."""
    return f"params[{position}]" if param.name is None else f"params[{position}] ({param.name})"
