"""The gradient methods of :class:`~kusari.graph.Variable` outside the backward pass.

:meth:`~kusari.graph.Variable.zerograd`, :meth:`~kusari.graph.Variable.addgrad`,
:meth:`~kusari.graph.Variable.copydata` and the check of an assigned gradient.  They are
methods of Variable, bound in its class body; the gradient properties themselves
(``grad``, ``grad_var``, ``cleargrad``) stay in :mod:`._variable`, next to the slots they
read.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy

from kusari.devices import copyto, get_array_module, get_array_types, is_array

from ._variable_text import type_name as _type_name

if TYPE_CHECKING:
    from ._variable import Variable

__all__ = ["GRAD_INVALID_MESSAGE", "addgrad", "check_grad", "copydata", "zerograd"]

_ndarray = numpy.ndarray

GRAD_INVALID_MESSAGE = (
    "Cannot retrieve Variable.grad. Either it must be set manually or Variable.cleargrad() "
    "must be called beforehand."
)


def check_grad(self: Variable, grad: object) -> None:
    """Raise unless ``grad`` fits the array: an array of its kind, dtype and shape."""
    if type(grad) is not _ndarray and not is_array(grad):
        raise TypeError(
            f"the gradient must be an array, got {_type_name(grad)} (for Variable {self.name!r})"
        )
    data = self._data[0]
    if data is None:
        return
    assert isinstance(grad, get_array_types())
    if type(grad) is not type(data):
        raise TypeError(
            f"the gradient is a {_type_name(grad)} but the array is a "
            f"{_type_name(data)} (for Variable {self.name!r})"
        )
    if grad.dtype != data.dtype:
        raise TypeError(
            f"the gradient has dtype {grad.dtype} but the array has dtype {data.dtype} "
            f"(for Variable {self.name!r})"
        )
    if grad.shape != data.shape:
        raise ValueError(
            f"the gradient has shape {grad.shape} but the array has shape {data.shape} "
            f"(for Variable {self.name!r})"
        )


def zerograd(self: Variable) -> None:
    """Fill the gradient with zeros, allocating it if needed (deprecated: use cleargrad).

    Warns:
        DeprecationWarning: Always.
    """
    warnings.warn(
        "Variable.zerograd is deprecated. Use Variable.cleargrad instead.",
        DeprecationWarning,
        stacklevel=2,
    )
    data = self._data[0]
    if data is None:
        return
    grad_var = self._grad_var
    if grad_var is not None and grad_var._data[0] is not None:
        grad_var.unchain()
        grad_var._data[0][...] = 0
    elif self._grad_valid and self._grad is not None:
        self._grad[...] = 0
    else:
        self._set_grad_unchecked(get_array_module(data).zeros_like(data), None)


def addgrad(self: Variable, var: Variable) -> None:  # noqa: D417 (self)
    """Add the gradient of ``var`` to this Variable's gradient (out of place).

    The gradient of ``var`` may live on another device; it is sent to this Variable's
    device first.  An uninitialized Variable gets an array shaped like the gradient.

    Args:
        var: The Variable whose gradient to add.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> a = Variable(numpy.zeros(2), grad=numpy.ones(2))
        >>> b = Variable(numpy.zeros(2), grad=numpy.full(2, 2.0))
        >>> a.addgrad(b)
        >>> a.grad
        array([3., 3.])
    """
    from ._variable import Variable

    if not isinstance(var, Variable):
        raise TypeError(f"addgrad() needs a Variable, got {_type_name(var)}")
    src = var.grad
    if src is None:
        return
    if self._data[0] is None:
        self._initialize_like(src)
    device = self.device
    if not device.is_array_supported(src):
        src = device.send(src)
    dst = self.grad
    self.grad = src.copy() if dst is None else dst + src


def copydata(self: Variable, var: Variable) -> None:  # noqa: D417 (self)
    """Copy the array of ``var`` into this Variable's array, in place, across devices.

    If this Variable is uninitialized it is initialized first (and the other way round);
    if both are, nothing happens.

    Args:
        var: The source Variable.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> a = Variable(numpy.zeros(2))
        >>> a.copydata(Variable(numpy.array([1.0, 2.0])))
        >>> a.array
        array([1., 2.])
    """
    from ._variable import Variable

    if not isinstance(var, Variable):
        raise TypeError(f"copydata() needs a Variable, got {_type_name(var)}")
    src = var._data[0]
    dst = self._data[0]
    if src is None:
        if dst is None:
            return
        var._initialize_like(dst)
        src = var._data[0]
        assert src is not None
    elif dst is None:
        self._initialize_like(src)
        dst = self._data[0]
        assert dst is not None
    copyto(dst, src)
