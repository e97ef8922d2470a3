"""Conversions between Variables and arrays: :func:`as_variable` and :func:`as_array`."""

from __future__ import annotations

from kusari.devices import Array

from ._variable import Variable, VariableOrArray

__all__ = ["as_array", "as_variable"]


def as_variable(obj: VariableOrArray) -> Variable:
    """Return ``obj`` if it is a Variable, else wrap the array (``requires_grad=False``).

    Args:
        obj: A Variable or an array.

    Returns:
        A Variable.

    Example:
        >>> import numpy
        >>> from kusari.graph import as_variable
        >>> v = as_variable(numpy.zeros(2))
        >>> v.requires_grad, as_variable(v) is v
        (False, True)
    """
    if isinstance(obj, Variable):
        return obj
    return Variable(obj, requires_grad=False)


def as_array(obj: VariableOrArray) -> Array:
    """Return the array of a Variable, or ``obj`` itself if it is an array.

    Args:
        obj: A Variable or an array.

    Returns:
        The array.

    Raises:
        RuntimeError: If ``obj`` is an uninitialized Variable.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable, as_array
        >>> a = numpy.zeros(2)
        >>> as_array(Variable(a)) is a, as_array(a) is a
        (True, True)
    """
    if isinstance(obj, Variable):
        return obj._require_array("array")
    return obj
