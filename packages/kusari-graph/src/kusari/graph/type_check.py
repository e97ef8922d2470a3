"""Type checking of function inputs: Chainer's ``chainer.utils.type_check``.

A :class:`~kusari.graph.FunctionNode` may override ``check_type_forward(in_types)`` and state
what its inputs must look like with :func:`expect`::

    def check_type_forward(self, in_types):
        type_check.expect(in_types.size() == 2)
        x_type, w_type = in_types
        type_check.expect(
            x_type.dtype.kind == "f",
            x_type.ndim == 2,
            x_type.shape[1] == w_type.shape[1],
        )

The check runs in two modes.  In *light mode* (every call) ``in_types`` holds plain
:class:`TypeInfo` values, so the conditions are ordinary bools and cost little.  Only when one
fails is the check run again in *full mode*, where ``in_types`` holds :class:`Variable`
expressions; the failing condition then raises :class:`InvalidType` with the expectation and
the actual values::

    Invalid operation is performed in: Linear (Forward)

    Expect: x.shape[1] == W.shape[1]
    Actual: 3 != 4

kusari's own functions declare the common constraints with :class:`InputSpec`, which is
compiled once per class into a check that needs no expressions at all.

Example:
    >>> import numpy
    >>> from kusari.graph import type_check
    >>> in_types = type_check.get_types((numpy.zeros((2, 3), numpy.float32),), "in_types", False)
    >>> try:
    ...     type_check.expect(in_types[0].ndim == 3)
    ... except type_check.InvalidType as e:
    ...     print(e)
    Expect: in_types[0].ndim == 3
    Actual: 2 != 3
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import numpy

from ._input_spec import InputSpec as InputSpec

__all__ = [
    "BinaryOperator",
    "BoolBinaryOperator",
    "Call",
    "Constant",
    "Expr",
    "GetAttr",
    "GetItem",
    "InputSpec",
    "InvalidType",
    "Testable",
    "TypeInfo",
    "TypeInfoTuple",
    "UnaryOperator",
    "Variable",
    "argname",
    "eval",
    "expect",
    "expect_broadcast_shapes",
    "get_types",
    "make_variable",
    "prod",
    "same_types",
]


class InvalidType(Exception):
    """Raised when the inputs of a function do not satisfy its type expectations.

    Args:
        expect: The expectation that failed, as text (``"in_types[0].ndim == 2"``).
        actual: The actual values, as text (``"3 != 2"``).
        msg: The full message; built from ``expect`` and ``actual`` when ``None``.

    Attributes:
        expect: The failed expectation.
        actual: The actual values.

    Example:
        >>> from kusari.graph.type_check import InvalidType
        >>> print(InvalidType("x.ndim == 2", "3 != 2"))
        Expect: x.ndim == 2
        Actual: 3 != 2
    """

    def __init__(self, expect: str, actual: str, msg: str | None = None) -> None:
        if msg is None:
            msg = f"Expect: {expect}\nActual: {actual}"
        super().__init__(msg)
        self.expect = expect
        self.actual = actual

    def __reduce__(self) -> tuple[type[InvalidType], tuple[str, str, str]]:
        return type(self), (self.expect, self.actual, str(self))


class _LightModeFailure(InvalidType):
    """A condition failed in light mode; the caller re-runs the check in full mode."""


class TypeInfo:
    """The shape and dtype of one input, as plain values (light mode).

    Args:
        shape: The shape.
        dtype: The dtype (``None`` for an absent optional input).

    Attributes:
        shape: The shape tuple.
        dtype: The :class:`numpy.dtype`.
        ndim: ``len(shape)``.

    Example:
        >>> import numpy
        >>> from kusari.graph.type_check import TypeInfo
        >>> t = TypeInfo((2, 3), numpy.dtype(numpy.float32))
        >>> t.ndim, t.size
        (2, 6)
    """

    __slots__ = ("dtype", "ndim", "shape")

    def __init__(self, shape: tuple[int, ...], dtype: numpy.dtype[Any] | None) -> None:
        self.shape = shape
        self.dtype = dtype
        self.ndim = len(shape)

    @property
    def size(self) -> int:
        """The number of elements."""
        size = 1
        for dim in self.shape:
            size *= dim
        return size

    def __repr__(self) -> str:
        return f"TypeInfo(shape={self.shape}, dtype={self.dtype})"


class TypeInfoTuple(tuple[Any, ...]):
    """The types of all inputs: :class:`TypeInfo` (light mode) or :class:`Variable` (full).

    Example:
        >>> import numpy
        >>> from kusari.graph import type_check
        >>> types = type_check.get_types((numpy.zeros(3),), "in_types", False)
        >>> type_check.eval(types.size()), str(types.size())
        (1, 'in_types.size()')
    """

    name: str = "in_types"
    light: bool = True

    def size(self) -> Any:
        """Return the number of inputs (an expression in full mode)."""
        if self.light:
            return len(self)
        return Variable(len(self), f"{self.name}.size()")


def get_types(
    data: Sequence[Any],
    name: str,
    accept_none: bool,
    shapes: Sequence[tuple[int, ...]] | None = None,
    *,
    light: bool = False,
) -> TypeInfoTuple:
    """Build the ``in_types`` that ``check_type_forward`` receives.

    Args:
        data: The input arrays.
        name: The name of the tuple in messages (``"in_types"``).
        accept_none: Whether ``None`` entries are allowed (given an empty shape and no dtype).
        shapes: Shapes to report instead of the arrays' own.
        light: Build plain :class:`TypeInfo` values (light mode) instead of expressions.

    Returns:
        The tuple of types.

    Raises:
        TypeError: If an entry is ``None`` and ``accept_none`` is false.
    """
    infos: list[Any] = []
    for i, array in enumerate(data):
        if array is None:
            if not accept_none:
                raise TypeError(f"{name}[{i}] is None, which this function does not accept")
            info = TypeInfo((), None)
        else:
            shape = tuple(array.shape) if shapes is None else tuple(shapes[i])
            info = TypeInfo(shape, array.dtype)
        infos.append(info if light else Variable(info, f"{name}[{i}]"))
    result = TypeInfoTuple(infos)
    result.name = name
    result.light = light
    return result


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


class Expr:
    """A lazily evaluated expression about input types (full mode).

    Operators (arithmetic, comparison, ``[]``, attribute access and calls) build larger
    expressions; :meth:`eval` computes the value.  Converting an expression to ``bool`` is an
    error (use :func:`expect`), because ``and``/``or``/``if`` would silently lose the check.

    Args:
        priority: The operator precedence used to parenthesize the text form.
    """

    __hash__ = None  # type: ignore[assignment]

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


# --- checking ---------------------------------------------------------------------------


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


def expect(*bool_exprs: object) -> None:
    """Check conditions on the input types; raise :class:`InvalidType` on the first failure.

    In full mode each condition is a comparison expression and the error names it and shows
    the actual values.  In light mode the conditions are plain bools.

    Args:
        *bool_exprs: The conditions.

    Raises:
        InvalidType: If a condition does not hold.
        TypeError: If an expression that is not a comparison is given.

    Example:
        >>> import numpy
        >>> from kusari.graph import type_check
        >>> t = type_check.get_types((numpy.zeros(2, numpy.int32),), "in_types", False)
        >>> type_check.expect(t[0].dtype.kind == "f")
        Traceback (most recent call last):
        ...
        kusari.graph.type_check.InvalidType: Expect: in_types[0].dtype.kind == 'f'
        Actual: i != f
    """
    for condition in bool_exprs:
        if isinstance(condition, Testable):
            condition.expect()
        elif isinstance(condition, Expr):
            raise TypeError(
                f"type_check.expect() needs comparisons, got the expression {condition}"
            )
        elif not condition:
            raise _LightModeFailure("(light mode)", "(light mode)")


def same_types(*arrays: object) -> bool:
    """Return whether all arrays are of one kind: all NumPy, or all CuPy.

    Args:
        *arrays: Arrays.

    Returns:
        ``True`` when they are all NumPy arrays or all of one other array type.

    Example:
        >>> import numpy
        >>> from kusari.graph import type_check
        >>> type_check.same_types(numpy.zeros(1), numpy.ones(2))
        True
    """
    if all(isinstance(a, numpy.ndarray) for a in arrays):
        return True
    kinds = {type(a) for a in arrays}
    return len(kinds) <= 1


def argname(in_types: Sequence[Any], names: Sequence[str]) -> None:
    """Give the inputs readable names in error messages (``x``, ``W``) instead of indexes.

    Args:
        in_types: The ``in_types`` of ``check_type_forward``.
        names: One name per input.

    Raises:
        InvalidType: If the number of names and inputs differ.

    Example:
        >>> import numpy
        >>> from kusari.graph import type_check
        >>> t = type_check.get_types((numpy.zeros(2),), "in_types", False)
        >>> type_check.argname(t, ("x",))
        >>> str(t[0].ndim)
        'x.ndim'
    """
    if len(in_types) != len(names):
        raise InvalidType(
            f"{len(names)} argument(s)",
            f"{len(in_types)} argument(s)",
            f"Invalid number of arguments\nExpect: {len(names)} argument(s)\n"
            f"Actual: {len(in_types)} argument(s)",
        )
    for in_type, name in zip(in_types, names, strict=True):
        if isinstance(in_type, Variable):
            in_type.name = name


def expect_broadcast_shapes(*shape_types: object, allow_none: bool = False) -> None:
    """Check that shapes can be broadcast together.

    Args:
        *shape_types: Shapes, or shape expressions such as ``in_types[0].shape``.
        allow_none: Skip ``None`` entries instead of rejecting them.

    Raises:
        InvalidType: If the shapes do not broadcast (every shape is listed in the message).

    Example:
        >>> import numpy
        >>> from kusari.graph import type_check
        >>> t = type_check.get_types((numpy.zeros((2, 3)), numpy.zeros(4)), "in_types", False)
        >>> type_check.expect_broadcast_shapes(t[0].shape, t[1].shape)
        Traceback (most recent call last):
        ...
        kusari.graph.type_check.InvalidType: cannot broadcast inputs of the following shapes:
        in_types[0].shape = (2, 3)
        in_types[1].shape = (4,)
    """
    pairs = [(shape_type, eval(shape_type)) for shape_type in shape_types]
    if allow_none:
        pairs = [(t, s) for t, s in pairs if s is not None]
    try:
        numpy.broadcast_shapes(*[tuple(s) for _, s in pairs])
    except (ValueError, TypeError):
        lines = ["cannot broadcast inputs of the following shapes:"]
        lines += [f"{t} = {s}" for t, s in pairs]
        raise InvalidType("", "", msg="\n".join(lines)) from None


def _run_full_mode(
    check: Callable[[TypeInfoTuple], None], arrays: Iterable[Any], label: str
) -> InvalidType:
    """Run ``check`` on full-mode types and return the error it raises (with the context)."""
    in_types = get_types(tuple(arrays), "in_types", True)
    try:
        check(in_types)
    except InvalidType as error:
        return _with_context(error, label)
    return InvalidType(
        "",
        "",
        msg=f"Invalid operation is performed in: {label} (Forward)\n\n"
        "a type check failed in light mode, but passed when it was run again in full mode; "
        "check_type_forward must not depend on the mode",
    )


def _with_context(error: InvalidType, label: str) -> InvalidType:
    """Return ``error`` with the ``Invalid operation is performed in: ...`` header.

    Args:
        error: The error raised by a check.
        label: The function's label.

    Returns:
        A new :class:`InvalidType`.
    """
    return InvalidType(
        error.expect,
        error.actual,
        msg=f"Invalid operation is performed in: {label} (Forward)\n\n{error}",
    )
