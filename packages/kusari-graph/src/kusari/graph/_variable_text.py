"""How a :class:`~kusari.graph.Variable` reads as text, and type names for error messages.

``repr``/``str`` print the array as NumPy does, prefixed with ``variable`` and the name;
:meth:`~kusari.graph.Variable.debug_print` adds the device and statistics of the array and
of the gradient.  ``summary``, ``debug_print``, ``variable_repr`` and ``variable_str`` are
methods of Variable, bound in its class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy

from kusari.devices import Array, get_array_module

if TYPE_CHECKING:
    from ._variable import Variable

__all__ = [
    "comparison_message",
    "debug_print",
    "summary",
    "type_name",
    "variable_repr",
    "variable_str",
]


def type_name(value: object) -> str:
    """``float``, ``numpy.float32``, ``kusari.graph.Variable``: the public name of a type."""
    cls = type(value)
    module = ".".join(part for part in cls.__module__.split(".") if not part.startswith("_"))
    return cls.__qualname__ if module in ("builtins", "") else f"{module}.{cls.__qualname__}"


def comparison_message(op: str) -> str:
    """The message of the ``TypeError`` raised by comparing Variables with ``op``."""
    return (
        f"Variables do not support comparison ({op}); compare their arrays instead "
        f"(x.array {op} y.array)"
    )


def summary(self: Variable) -> str:
    """Return a one-line description: ``<variable x>`` or ``<variable at 0x...>``."""
    name = self.name
    return f"<variable {name}>" if name else f"<variable at 0x{id(self):x}>"


def debug_print(self: Variable) -> str:
    """Return a description of the location and the statistics of the data.

    Returns:
        Several lines: the summary, the device, shape, dtype, mean and standard
        deviation of the array, and of the gradient.
    """
    data = self._data[0]
    lines = [self.summary()]
    if data is None:
        lines += ["- device: None", "- backend: None", "- shape: None", "- dtype: None"]
        lines += ["- statistics: None", "- grad: None"]
        return "\n".join(lines)
    xp = get_array_module(data)
    lines += [
        f"- device: {self.device}",
        f"- backend: {type(data)}",
        f"- shape: {data.shape}",
        f"- dtype: {data.dtype}",
        f"- statistics: {_statistics(xp, data)}",
    ]
    grad = self._grad_var._data[0] if self._grad_var is not None else self._grad
    if grad is None:
        lines.append("- grad: None")
    elif bool((grad == 0).all()):
        lines.append("- grad: 0")
    else:
        lines.append(f"- grad: {_statistics(xp, grad)}")
    return "\n".join(lines)


def variable_repr(self: Variable) -> str:
    """``repr(variable)``: ``variable x([1., 2.])``."""
    return _variable_text(self, ", ")


def variable_str(self: Variable) -> str:
    """``str(variable)``: ``variable x([1. 2.])``."""
    return _variable_text(self, " ")


def _statistics(xp: Any, array: Array) -> str:
    if array.size == 0:
        return "mean=nan, std=nan"
    return f"mean={float(xp.mean(array)):.8f}, std={float(xp.std(array)):.8f}"


def _variable_text(variable: Variable, separator: str) -> str:
    from kusari.devices import to_cpu

    name = variable.name
    prefix = f"variable {name}" if name else "variable"
    data = variable._data[0]
    if data is None:
        body = "None"
    else:
        array = to_cpu(data)
        if array.size > 0 or array.shape == (0,):
            body = numpy.array2string(array, separator=separator, prefix=prefix + "(")
        else:
            body = f"[], shape={array.shape!r}"
    return f"{prefix}({body})"
