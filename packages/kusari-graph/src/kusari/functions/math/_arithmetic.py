"""The Variable operators (``+ - * / ** @``, unary ``-`` and ``abs``) and their dispatch.

Operands are prepared as in Chainer: a scalar becomes a constant of the Variable's dtype
(``x.dtype.type(value)``, so ``float16 * 2.5`` stays float16), an array is cast to the
Variable's dtype, and two Variables must already share a dtype (else ``InvalidType``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy

from kusari.devices import Array, is_array
from kusari.graph import Operand, Variable

from .._utils import is_scalar
from .absolute import Absolute
from .add import Add, AddConstant
from .div import Div, DivFromConstant
from .matmul import MatMul
from .mul import Mul, MulConstant
from .neg import Neg
from .pow import PowConstVar, PowVarConst, PowVarVar
from .sub import Sub, SubFromConstant

__all__ = ["operators"]

_ndarray = numpy.ndarray
_object_new = object.__new__
# The operators return a Variable or NotImplemented (typed Any by typeshed); Variable's
# class body declares their precise signatures for type checkers.
_NOT_IMPLEMENTED: Any = NotImplemented


def _dtype_of(x: Variable) -> numpy.dtype[Any]:
    data = x._data[0]
    if data is None:
        return x.dtype  # raises the uninitialized-Variable error
    return data.dtype


def _cast_array(x: Variable, value: Array) -> Array:
    dtype = _dtype_of(x)
    if value.dtype != dtype:
        return value.astype(dtype)
    return value


# 0-dimensional constants by (value, dtype): NumPy adds a 0-d array to an array about twice
# as fast as it adds a Python scalar, and the constant has the Variable's dtype exactly as
# ``x.dtype.type(value)`` would (Chainer's rule).  Read-only, so sharing them is safe.
_constants: dict[tuple[object, numpy.dtype[Any]], Array] = {}
_MAX_CONSTANTS = 4096


def _constant(x: Variable, value: object) -> Any:
    """A scalar operand as a constant of ``x``'s dtype (``x.dtype.type(value)``)."""
    data = x._data[0]
    if data is None:
        return x.dtype.type(value)  # raises the uninitialized-Variable error
    dtype = data.dtype
    if type(data) is not _ndarray:
        return dtype.type(value)  # CuPy takes NumPy scalars, not NumPy arrays
    key = (value, dtype)
    constant = _constants.get(key)
    if constant is None:
        constant = numpy.asarray(value).astype(dtype)
        constant.flags.writeable = False
        if len(_constants) >= _MAX_CONSTANTS:
            _constants.clear()
        _constants[key] = constant
    return constant


def _classify(other: object) -> int:
    """0: Variable, 1: array, 2: scalar, 3: unsupported."""
    kind = type(other)
    if kind is Variable:
        return 0
    if kind is _ndarray:
        return 1
    if isinstance(other, Variable):
        return 0
    if is_array(other):
        return 1
    if is_scalar(other):
        return 2
    return 3


def _add(self: Variable, other: Operand) -> Any:
    kind = type(other)
    if kind is _ndarray:
        data = self._data[0]
        if data is not None and other.dtype is not data.dtype:  # type: ignore[union-attr]
            other = _cast_array(self, other)  # type: ignore[arg-type]
        return Add().apply((self, other))[0]  # type: ignore[arg-type]
    if kind is Variable:
        return Add().apply((self, other))[0]  # type: ignore[arg-type]
    if kind is float or kind is int:
        data = self._data[0]
        constant = None if data is None else _constants.get((other, data.dtype))
        if constant is None or type(data) is not _ndarray:
            constant = _constant(self, other)
        function = _object_new(AddConstant)  # __init__ only stores the constant
        function.value = constant
        return function.apply((self,))[0]
    return _add_other(self, other)


def _add_other(self: Variable, other: Operand) -> Any:
    kind = _classify(other)
    if kind == 0:
        return Add().apply((self, other))[0]  # type: ignore[arg-type]
    if kind == 1:
        return Add().apply((self, _cast_array(self, other)))[0]  # type: ignore[arg-type]
    if kind == 2:
        return AddConstant(_constant(self, other)).apply((self,))[0]
    return _NOT_IMPLEMENTED


def _sub(self: Variable, other: Operand) -> Any:

    kind = _classify(other)
    if kind == 0:
        return Sub().apply((self, other))[0]  # type: ignore[arg-type]
    if kind == 1:
        return Sub().apply((self, _cast_array(self, other)))[0]  # type: ignore[arg-type]
    if kind == 2:
        return AddConstant(_constant(self, -other)).apply((self,))[0]  # type: ignore[operator]
    return _NOT_IMPLEMENTED


def _rsub(self: Variable, other: Operand) -> Any:

    kind = _classify(other)
    if kind == 1:
        return Sub().apply((_cast_array(self, other), self))[0]  # type: ignore[arg-type]
    if kind == 2:
        return SubFromConstant(_constant(self, other)).apply((self,))[0]
    if kind == 0:
        return Sub().apply((other, self))[0]  # type: ignore[arg-type]
    return _NOT_IMPLEMENTED


def _mul(self: Variable, other: Operand) -> Any:
    kind = type(other)
    if kind is _ndarray:
        data = self._data[0]
        if data is not None and other.dtype is not data.dtype:  # type: ignore[union-attr]
            other = _cast_array(self, other)  # type: ignore[arg-type]
        return Mul().apply((self, other))[0]  # type: ignore[arg-type]
    if kind is Variable:
        return Mul().apply((self, other))[0]  # type: ignore[arg-type]
    if kind is float or kind is int:
        data = self._data[0]
        constant = None if data is None else _constants.get((other, data.dtype))
        if constant is None or type(data) is not _ndarray:
            constant = _constant(self, other)
        function = _object_new(MulConstant)  # __init__ only stores the constant
        function.value = constant
        return function.apply((self,))[0]
    return _mul_other(self, other)


def _mul_other(self: Variable, other: Operand) -> Any:
    kind = _classify(other)
    if kind == 0:
        return Mul().apply((self, other))[0]  # type: ignore[arg-type]
    if kind == 1:
        return Mul().apply((self, _cast_array(self, other)))[0]  # type: ignore[arg-type]
    if kind == 2:
        return MulConstant(_constant(self, other)).apply((self,))[0]
    return _NOT_IMPLEMENTED


def _truediv(self: Variable, other: Operand) -> Any:

    kind = _classify(other)
    if kind == 0:
        return Div().apply((self, other))[0]  # type: ignore[arg-type]
    if kind == 1:
        return Div().apply((self, _cast_array(self, other)))[0]  # type: ignore[arg-type]
    if kind == 2:
        dtype = _dtype_of(self)
        return MulConstant(_constant(self, dtype.type(1) / dtype.type(other))).apply((self,))[0]
    return _NOT_IMPLEMENTED


def _rtruediv(self: Variable, other: Operand) -> Any:

    kind = _classify(other)
    if kind == 1:
        return Div().apply((_cast_array(self, other), self))[0]  # type: ignore[arg-type]
    if kind == 2:
        return DivFromConstant(_constant(self, other)).apply((self,))[0]
    if kind == 0:
        return Div().apply((other, self))[0]  # type: ignore[arg-type]
    return _NOT_IMPLEMENTED


def _pow(self: Variable, other: Operand) -> Any:

    kind = _classify(other)
    if kind == 0:
        return PowVarVar().apply((self, other))[0]  # type: ignore[arg-type]
    if kind == 1:
        return PowVarVar().apply((self, _cast_array(self, other)))[0]  # type: ignore[arg-type]
    if kind == 2:
        return PowVarConst(_constant(self, other)).apply((self,))[0]
    return _NOT_IMPLEMENTED


def _rpow(self: Variable, other: Operand) -> Any:

    kind = _classify(other)
    if kind == 1:
        return PowVarVar().apply((_cast_array(self, other), self))[0]  # type: ignore[arg-type]
    if kind == 2:
        return PowConstVar(_constant(self, other)).apply((self,))[0]
    if kind == 0:
        return PowVarVar().apply((other, self))[0]  # type: ignore[arg-type]
    return _NOT_IMPLEMENTED


def _matmul(self: Variable, other: Operand) -> Any:

    kind = _classify(other)
    if kind == 0 or kind == 1:
        return MatMul().apply((self, other))[0]  # type: ignore[arg-type]
    return _NOT_IMPLEMENTED


def _rmatmul(self: Variable, other: Operand) -> Any:

    kind = _classify(other)
    if kind == 0 or kind == 1:
        return MatMul().apply((other, self))[0]  # type: ignore[arg-type]
    return _NOT_IMPLEMENTED


def _neg(self: Variable) -> Any:

    return Neg().apply((self,))[0]


def _abs(self: Variable) -> Any:

    return Absolute().apply((self,))[0]


def operators() -> dict[str, Callable[..., Any]]:
    """The special methods to install on :class:`~kusari.graph.Variable`."""
    return {
        "__add__": _add,
        "__radd__": _add,
        "__sub__": _sub,
        "__rsub__": _rsub,
        "__mul__": _mul,
        "__rmul__": _mul,
        "__truediv__": _truediv,
        "__rtruediv__": _rtruediv,
        "__pow__": _pow,
        "__rpow__": _rpow,
        "__matmul__": _matmul,
        "__rmatmul__": _rmatmul,
        "__neg__": _neg,
        "__abs__": _abs,
    }
