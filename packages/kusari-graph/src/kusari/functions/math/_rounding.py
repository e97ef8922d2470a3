"""The rounding functions without gradient: sign, floor, ceil, fix (private helper)."""

from __future__ import annotations

from collections.abc import Callable

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray, as_array

from . import _helpers

__all__ = ["rounded"]


def rounded(x: VariableOrArray, name: str, fn: Callable[[Array], Array]) -> Variable:
    """``fn(x)`` in the dtype of ``x``, as a Variable that is not part of any graph."""
    if not isinstance(x, Variable) and not hasattr(x, "dtype"):
        raise TypeError(f"{name}: x must be a Variable or an array, got {type(x).__name__}")
    array = as_array(x)
    y = fn(array)
    xp = _helpers.array_module(array)
    return Variable(xp.asarray(y, dtype=array.dtype), requires_grad=False)
