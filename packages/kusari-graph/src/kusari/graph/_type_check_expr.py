"""The expressions of full-mode type checking: :class:`Expr` and its kinds.

In full mode each input of ``check_type_forward`` is a :class:`Variable` expression, so a
condition such as ``x_type.shape[1] == w_type.shape[1]`` builds a
:class:`BoolBinaryOperator` that can print itself (``x.shape[1] == W.shape[1]``) and
evaluate both sides; :func:`~kusari.graph.type_check.expect` raises
:class:`~kusari.graph.type_check.InvalidType` with that text and the actual values.
"""

from __future__ import annotations

import functools
import inspect
import operator
from collections.abc import Callable
from typing import Any, Final

import numpy

from ._type_check_types import InvalidType

__all__ = [
    "Atom",
    "BinaryOperator",
    "BoolBinaryOperator",
    "Call",
    "Constant",
    "Expr",
    "GetAttr",
    "GetItem",
    "Testable",
    "UnaryOperator",
    "Variable",
    "eval",
    "make_variable",
    "prod",
]

# --- expressions (full mode) ------------------------------------------------------------

# Python's precedence: a smaller number binds more tightly.
_ATOM: Final = 0
_POWER: Final = 2
_UNARY: Final = 3
_MULTIPLY: Final = 4
_ADD: Final = 5
_SHIFT: Final = 6
_AND: Final = 7
_XOR: Final = 8
_OR: Final = 9
_COMPARE: Final = 10


def _format_value(value: object) -> str:
    if isinstance(value, numpy.dtype):
        return str(value)
    if isinstance(value, type) and issubclass(value, numpy.generic):
        return f"numpy.{value.__name__}"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, slice):
        start = "" if value.start is None else _format_value(value.start)
        stop = "" if value.stop is None else _format_value(value.stop)
        text = f"{start}:{stop}"
        if value.step is not None:
            text += f":{_format_value(value.step)}"
        return text
    if isinstance(value, tuple) and any(isinstance(v, slice) for v in value):
        return ", ".join(_format_value(v) for v in value)
    return str(value)


def _format_actual(value: object) -> str:
    return value if isinstance(value, str) else _format_value(value)


def _wrap(value: object) -> Expr:
    return value if isinstance(value, Expr) else Constant(value)


class _CallSignature:
    """``Expr.__signature__``: what :func:`inspect.signature` reports for an expression.

    Without it, :func:`inspect.signature` on a callable expression such as
    :data:`prod` falls through to ``obj in (type, object)``, which builds a comparison
    expression and converts it to ``bool``: a :class:`RuntimeError`.  Calling an expression
    builds a :class:`Call`, so an instance reports the signature of the bound
    :meth:`Expr.__call__`, ``(*args: object) -> Call``.  The class itself gets ``None``,
    which tells :mod:`inspect` to read ``__init__`` as usual.
    """

    def __get__(
        self, instance: Expr | None, owner: type[Expr] | None = None
    ) -> inspect.Signature | None:
        return None if instance is None else _bound_call_signature()


@functools.cache
def _bound_call_signature() -> inspect.Signature:
    unbound = inspect.signature(Expr.__call__)
    return unbound.replace(parameters=tuple(unbound.parameters.values())[1:])


class Expr:
    """A lazily evaluated expression about input types (full mode).

    Operators (arithmetic, comparison, ``[]``, attribute access and calls) build larger
    expressions; :meth:`eval` computes the value.  Converting an expression to ``bool`` is an
    error (use :func:`expect`), because ``and``/``or``/``if`` would silently lose the check.

    Args:
        priority: The operator precedence used to parenthesize the text form.
    """

    __hash__ = None  # type: ignore[assignment]
    __signature__ = _CallSignature()

    def __init__(self, priority: int) -> None:
        self.priority = priority

    def eval(self) -> Any:
        """Evaluate the expression and return its value."""
        raise NotImplementedError

    def __bool__(self) -> bool:
        raise RuntimeError(
            "an type_check expression cannot be converted to bool; pass it to "
            "type_check.expect(...) or evaluate it with type_check.eval(...)"
        )

    def __getattr__(self, name: str) -> GetAttr:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return GetAttr(self, name)

    def __getitem__(self, key: object) -> GetItem:
        return GetItem(self, key)

    def __call__(self, *args: object) -> Call:
        """Build the expression ``self(*args)``."""
        return Call(self, args)

    # comparisons
    def __eq__(self, other: object) -> BoolBinaryOperator:  # type: ignore[override]
        return BoolBinaryOperator("==", self, other, operator.eq, "!=")

    def __ne__(self, other: object) -> BoolBinaryOperator:  # type: ignore[override]
        return BoolBinaryOperator("!=", self, other, operator.ne, "==")

    def __lt__(self, other: object) -> BoolBinaryOperator:
        return BoolBinaryOperator("<", self, other, operator.lt, ">=")

    def __le__(self, other: object) -> BoolBinaryOperator:
        return BoolBinaryOperator("<=", self, other, operator.le, ">")

    def __gt__(self, other: object) -> BoolBinaryOperator:
        return BoolBinaryOperator(">", self, other, operator.gt, "<=")

    def __ge__(self, other: object) -> BoolBinaryOperator:
        return BoolBinaryOperator(">=", self, other, operator.ge, "<")

    # arithmetic
    def __add__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_ADD, self, other, "+", operator.add)

    def __radd__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_ADD, other, self, "+", operator.add)

    def __sub__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_ADD, self, other, "-", operator.sub)

    def __rsub__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_ADD, other, self, "-", operator.sub)

    def __mul__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_MULTIPLY, self, other, "*", operator.mul)

    def __rmul__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_MULTIPLY, other, self, "*", operator.mul)

    def __truediv__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_MULTIPLY, self, other, "/", operator.truediv)

    def __rtruediv__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_MULTIPLY, other, self, "/", operator.truediv)

    def __floordiv__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_MULTIPLY, self, other, "//", operator.floordiv)

    def __rfloordiv__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_MULTIPLY, other, self, "//", operator.floordiv)

    def __mod__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_MULTIPLY, self, other, "%", operator.mod)

    def __rmod__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_MULTIPLY, other, self, "%", operator.mod)

    def __pow__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_POWER, self, other, "**", operator.pow, right_associative=True)

    def __rpow__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_POWER, other, self, "**", operator.pow, right_associative=True)

    def __lshift__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_SHIFT, self, other, "<<", operator.lshift)

    def __rshift__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_SHIFT, self, other, ">>", operator.rshift)

    def __and__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_AND, self, other, "&", operator.and_)

    def __xor__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_XOR, self, other, "^", operator.xor)

    def __or__(self, other: object) -> BinaryOperator:
        return BinaryOperator(_OR, self, other, "|", operator.or_)

    def __neg__(self) -> UnaryOperator:
        return UnaryOperator(self, "-", operator.neg)

    def __pos__(self) -> UnaryOperator:
        return UnaryOperator(self, "+", operator.pos)

    def __invert__(self) -> UnaryOperator:
        return UnaryOperator(self, "~", operator.invert)


class Atom(Expr):
    """An expression that never needs parentheses."""

    def __init__(self) -> None:
        super().__init__(_ATOM)


class Constant(Atom):
    """A constant value inside an expression.

    Args:
        value: The value.
    """

    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value

    def eval(self) -> Any:
        """Return the value."""
        return self.value

    def __str__(self) -> str:
        return _format_value(self.value)


class Variable(Atom):
    """A named value inside an expression, such as ``in_types[0]``.

    Args:
        value: The value.
        name: The text shown in messages.

    Example:
        >>> from kusari.graph.type_check import Variable
        >>> n = Variable(3, "n")
        >>> str(n + 1), (n + 1).eval()
        ('n + 1', 4)
    """

    def __init__(self, value: object, name: str) -> None:
        super().__init__()
        self.value = value
        self.name = name

    def eval(self) -> Any:
        """Return the value."""
        return self.value

    def __str__(self) -> str:
        return self.name


class GetAttr(Atom):
    """``obj.name`` inside an expression."""

    def __init__(self, obj: Expr, name: object) -> None:
        super().__init__()
        self.obj = obj
        self.name = name

    def eval(self) -> Any:
        """Evaluate ``obj`` and return its attribute."""
        name = eval(self.name)
        return getattr(self.obj.eval(), name)

    def __str__(self) -> str:
        name = self.name.eval() if isinstance(self.name, Expr) else self.name
        return f"{self.obj}.{name}"


class GetItem(Atom):
    """``obj[key]`` inside an expression."""

    def __init__(self, obj: Expr, key: object) -> None:
        super().__init__()
        self.obj = obj
        self.key = key

    def eval(self) -> Any:
        """Evaluate ``obj`` and index it."""
        return self.obj.eval()[eval(self.key)]

    def __str__(self) -> str:
        key = self.key
        text = str(key) if isinstance(key, Expr) else _format_value(key)
        return f"{self.obj}[{text}]"


class Call(Atom):
    """``obj(*args)`` inside an expression."""

    def __init__(self, obj: Expr, args: tuple[object, ...]) -> None:
        super().__init__()
        self.obj = obj
        self.args = args

    def eval(self) -> Any:
        """Evaluate ``obj`` and the arguments, then call."""
        return self.obj.eval()(*[eval(arg) for arg in self.args])

    def __str__(self) -> str:
        args = ", ".join(str(a) if isinstance(a, Expr) else _format_value(a) for a in self.args)
        return f"{self.obj}({args})"


class UnaryOperator(Expr):
    """A unary operator (``-x``, ``+x``, ``~x``) inside an expression."""

    def __init__(self, term: object, exp: str, func: Callable[[Any], Any]) -> None:
        super().__init__(_UNARY)
        self.term = _wrap(term)
        self.exp = exp
        self.func = func

    def eval(self) -> Any:
        """Evaluate the operand and apply the operator."""
        return self.func(self.term.eval())

    def __str__(self) -> str:
        term = str(self.term)
        if self.term.priority > self.priority:
            term = f"({term})"
        return f"{self.exp}{term}"


class BinaryOperator(Expr):
    """A binary operator inside an expression.

    Args:
        priority: The precedence (smaller binds more tightly).
        lhs: The left operand.
        rhs: The right operand.
        exp: The operator's text.
        func: The function computing it.
        right_associative: Whether the operator groups to the right (``**``).
    """

    def __init__(
        self,
        priority: int,
        lhs: object,
        rhs: object,
        exp: str,
        func: Callable[[Any, Any], Any],
        right_associative: bool = False,
    ) -> None:
        super().__init__(priority)
        self.lhs = _wrap(lhs)
        self.rhs = _wrap(rhs)
        self.exp = exp
        self.func = func
        self.right_associative = right_associative

    def eval(self) -> Any:
        """Evaluate both operands and apply the operator."""
        return self.func(self.lhs.eval(), self.rhs.eval())

    def _operand_text(self, operand: Expr, is_left: bool) -> str:
        text = str(operand)
        needs_parens = operand.priority > self.priority or (
            operand.priority == self.priority and is_left == self.right_associative
        )
        return f"({text})" if needs_parens else text

    def __str__(self) -> str:
        left = self._operand_text(self.lhs, True)
        right = self._operand_text(self.rhs, False)
        return f"{left} {self.exp} {right}"


class Testable:
    """An expression that can be checked with :func:`expect`."""

    def expect(self) -> None:
        """Raise :class:`InvalidType` if the condition does not hold."""
        raise NotImplementedError


class BoolBinaryOperator(BinaryOperator, Testable):
    """A comparison; :meth:`expect` raises :class:`InvalidType` when it is false.

    Args:
        exp: The operator's text (``"=="``).
        lhs: The left operand.
        rhs: The right operand.
        func: The comparison function.
        inverse: The text of the opposite operator, shown in the *Actual* line.
    """

    def __init__(
        self,
        exp: str,
        lhs: object,
        rhs: object,
        func: Callable[[Any, Any], Any],
        inverse: str,
    ) -> None:
        super().__init__(_COMPARE, lhs, rhs, exp, func)
        self.inverse = inverse

    def expect(self) -> None:
        """Raise :class:`InvalidType` with the expectation and actual values if false."""
        left = self.lhs.eval()
        right = self.rhs.eval()
        if not self.func(left, right):
            raise InvalidType(
                str(self), f"{_format_actual(left)} {self.inverse} {_format_actual(right)}"
            )


def eval(exp: object) -> Any:
    """Evaluate an expression; any other value is returned as it is (light mode).

    Args:
        exp: An :class:`Expr` or a plain value.

    Returns:
        The value.

    Example:
        >>> from kusari.graph import type_check
        >>> type_check.eval(type_check.Variable(2, "n") * 3), type_check.eval(5)
        (6, 5)
    """
    return exp.eval() if isinstance(exp, Expr) else exp


def make_variable(value: object, name: str) -> Variable:
    """Return ``Variable(value, name)``: a named value for use in expressions.

    Args:
        value: The value.
        name: The name shown in messages.

    Returns:
        The expression variable.
    """
    return Variable(value, name)


prod: Final = Variable(numpy.prod, "prod")
"""``prod(shape)`` inside an expression: the product of a shape's entries."""
