"""Floor division without gradient: ``x // y`` (:func:`floordiv`)."""

from __future__ import annotations

from typing import Any

from kusari.devices import is_array
from kusari.graph import Operand, Variable, as_array
from kusari.graph.type_check import InvalidType

from .._utils import is_scalar
from . import _helpers

__all__ = ["floordiv", "rfloordiv"]


def _operand(value: Operand, dtype: Any, name: str) -> Any:
    """The array of a Variable, an array cast to ``dtype``, or a scalar as it is."""
    if isinstance(value, Variable):
        return as_array(value)
    if is_array(value):
        return value if dtype is None else value.astype(dtype, copy=False)  # type: ignore[union-attr]
    if is_scalar(value):
        return value
    raise TypeError(
        f"floordiv: {name} must be a Variable, an array or a scalar, got {type(value).__name__}"
    )


def floordiv(lhs: Operand, rhs: Operand) -> Variable:
    """``floor(lhs / rhs)``, without gradient; this is ``Variable.__floordiv__``.

    As in Chainer, the quotient is rounded first and then floored (``1.0 // 0.1`` is 10),
    and the result is a new Variable outside the graph (``requires_grad=False``).  Operands
    follow the Variable operator rules: a scalar takes the dtype of the other operand, an
    array is cast to the dtype of a Variable, and two Variables must have the same dtype.

    Args:
        lhs: The dividend.
        rhs: The divisor.

    Returns:
        The floored quotient.

    Raises:
        TypeError: If an operand is of an unsupported type, or both are scalars.
        kusari.graph.type_check.InvalidType: If two Variables have different dtypes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.array([3.5, -2.5], numpy.float32))
        >>> (x // 2).array.tolist(), (7 // x).array.tolist(), (x // x).dtype
        ([1.0, -2.0], [2.0, -3.0], dtype('float32'))
    """
    dtype = None
    if isinstance(lhs, Variable):
        dtype = lhs.dtype
        if isinstance(rhs, Variable) and rhs.dtype != dtype:
            raise InvalidType(
                "lhs.dtype == rhs.dtype",
                f"{dtype} != {rhs.dtype}",
                "Invalid operation is performed in: FloorDiv (Forward)\n\n"
                f"Expect: lhs.dtype == rhs.dtype\nActual: {dtype} != {rhs.dtype}",
            )
    elif isinstance(rhs, Variable):
        dtype = rhs.dtype
    a = _operand(lhs, dtype, "lhs")
    b = _operand(rhs, dtype, "rhs")
    if is_scalar(a):
        if is_scalar(b):
            raise TypeError("floordiv: at least one operand must be a Variable or an array")
        a = b.dtype.type(a)
    elif is_scalar(b):
        b = a.dtype.type(b)
    xp = _helpers.array_module(a if is_array(a) else b)
    return Variable(xp.asarray(xp.floor(a / b)), requires_grad=False)


def rfloordiv(self: Variable, other: Operand) -> Variable:
    """``other // self`` (``Variable.__rfloordiv__``)."""
    return floordiv(other, self)
