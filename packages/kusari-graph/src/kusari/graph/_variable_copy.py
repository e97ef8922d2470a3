"""Copying and pickling :class:`~kusari.graph.Variable` (and its subclasses).

A shallow copy shares the one-element data list with the original (so assigning ``array``
on either shows on both) but gets no node: it is a new root of the graph.  A pickle holds
the array, the name, the gradient and ``requires_grad``, plus the ``__dict__`` of a
subclass that has one; the graph is not pickled.  The functions are methods of Variable,
bound in its class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kusari.devices import Array

if TYPE_CHECKING:
    from ._variable import Variable

__all__ = ["copy_variable", "grad_for_pickle", "rebuild_variable", "reduce_variable", "set_state"]

_object_setattr = object.__setattr__


def copy_variable(self: Variable) -> Variable:
    """``copy.copy(variable)``: every slot and the ``__dict__`` copied, the node dropped."""
    cls = type(self)
    new = cls.__new__(cls)
    for klass in cls.__mro__:
        for slot in klass.__dict__.get("__slots__", ()):
            if slot in ("__weakref__", "__dict__"):
                continue
            try:
                value = getattr(self, slot)
            except AttributeError:
                continue
            _object_setattr(new, slot, value)
    state = getattr(self, "__dict__", None)
    if state is not None:
        new.__dict__.update(state)
    # The copy shares the data list but gets its own node: it is a new graph root.
    new._name = self.name
    new._node = None
    return new


def reduce_variable(self: Variable) -> tuple[Any, ...]:
    """``variable.__reduce__()``: rebuilt by :func:`rebuild_variable`."""
    state = getattr(self, "__dict__", None)
    args = (type(self), self._data[0], self.name, self._grad_for_pickle(), self._requires_grad)
    if state:
        return (rebuild_variable, args, dict(state))
    return (rebuild_variable, args)


def grad_for_pickle(self: Variable) -> Array | None:
    """The gradient to pickle: ``None`` while reading it would raise."""
    if not self._grad_valid:
        return None
    grad_var = self._grad_var
    return self._grad if grad_var is None else grad_var._data[0]


def set_state(self: Variable, state: dict[str, Any]) -> None:
    """Restore the ``__dict__`` of a subclass instance from a pickle."""
    self.__dict__.update(state)


def rebuild_variable(
    cls: type[Variable],
    data: Array | None,
    name: str | None,
    grad: Array | None,
    requires_grad: bool,
) -> Variable:
    """Rebuild a pickled Variable (of class ``cls``) without running ``__init__``."""
    variable = cls.__new__(cls)
    _object_setattr(variable, "_data", [data])
    _object_setattr(variable, "_node", None)
    _object_setattr(variable, "_grad", grad)
    _object_setattr(variable, "_grad_var", None)
    _object_setattr(variable, "_requires_grad", requires_grad)
    _object_setattr(variable, "_name", name)
    _object_setattr(variable, "_loss_scale", None)
    _object_setattr(variable, "_grad_valid", True)
    return variable
