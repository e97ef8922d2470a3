"""Checking the inputs: ``in_types`` (:func:`get_types`), :func:`expect` and friends.

``FunctionNode.apply`` runs ``check_type_forward`` on light-mode ``in_types`` first; only
when a condition fails does it run it again on full-mode ``in_types``
(:func:`_run_full_mode`) to raise :class:`~kusari.graph.type_check.InvalidType` with the
failed expectation and the actual values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy

from ._type_check_expr import Expr, Testable, Variable, eval
from ._type_check_types import InvalidType, TypeInfo

__all__ = [
    "TypeInfoTuple",
    "argname",
    "expect",
    "expect_broadcast_shapes",
    "get_types",
    "same_types",
]


class _LightModeFailure(InvalidType):
    """A condition failed in light mode; the caller re-runs the check in full mode."""


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
