"""Declarative input checks for functions, compiled once per class."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, final

import numpy

if TYPE_CHECKING:
    from .type_check import TypeInfoTuple

__all__ = ["InputSpec"]

_KIND_NAMES: Final = {
    "f": "floating point",
    "i": "signed integer",
    "u": "unsigned integer",
    "b": "boolean",
    "c": "complex",
}


@final
class InputSpec:
    """What a function's inputs must look like, checked without building expressions.

    A :class:`~kusari.graph.FunctionNode` subclass sets it as the class attribute
    ``input_spec``.  The spec is compiled once per class into a plain function; applying the
    function costs a few attribute reads per input.  When the check fails, the spec runs the
    equivalent :mod:`~kusari.graph.type_check` expressions in full mode, so the error message
    is the same a hand-written ``check_type_forward`` would give.

    Args:
        *names: One name per input, used in messages (``"x"``, ``"W"``).  Their number is the
            number of inputs the function takes.
        kinds: The allowed ``dtype.kind`` letters of every input (``"f"`` for floating point,
            ``"fiu"`` for numbers); ``None`` allows any dtype.
        same_dtype: Whether all inputs must have the dtype of the first.
        broadcast: Whether the shapes must broadcast together.
        same_shape: Whether all shapes must equal the first.
        variadic: Whether more inputs than ``names`` are allowed (at least ``len(names)``).

    Example:
        >>> import numpy
        >>> from kusari.graph.type_check import InputSpec, InvalidType
        >>> spec = InputSpec("x", "y", kinds="f", same_dtype=True, broadcast=True)
        >>> a = numpy.zeros((2, 3), numpy.float32)
        >>> spec.check((a, numpy.zeros(3, numpy.float32)))
        True
        >>> spec.check((a, numpy.zeros(3, numpy.float64)))
        False
        >>> try:
        ...     spec.raise_error((a, numpy.zeros(3, numpy.float64)), "Add")
        ... except InvalidType as e:
        ...     print(e)
        Invalid operation is performed in: Add (Forward)
        <BLANKLINE>
        Expect: x.dtype == y.dtype
        Actual: float32 != float64
    """

    __slots__ = ("_check", "broadcast", "kinds", "names", "same_dtype", "same_shape", "variadic")

    def __init__(
        self,
        *names: str,
        kinds: str | None = None,
        same_dtype: bool = False,
        broadcast: bool = False,
        same_shape: bool = False,
        variadic: bool = False,
    ) -> None:
        if not names:
            raise ValueError("InputSpec needs the name of at least one input")
        self.names = names
        self.kinds = kinds
        self.same_dtype = same_dtype
        self.broadcast = broadcast
        self.same_shape = same_shape
        self.variadic = variadic
        self._check = self._compile()

    @property
    def check(self) -> Callable[[Sequence[Any]], bool]:
        """The compiled check: ``spec.check(arrays)`` tells whether ``arrays`` satisfy it.

        It builds no message and allocates nothing on success.
        """
        return self._check

    @property
    def counts_only(self) -> bool:
        """Whether the spec constrains nothing but the number of inputs."""
        return (
            self.kinds is None
            and not self.same_dtype
            and not self.broadcast
            and not self.same_shape
            and not self.variadic
        )

    def _compile(self) -> Callable[[Sequence[Any]], bool]:
        count = len(self.names)
        variadic = self.variadic
        kinds = self.kinds
        same_dtype = self.same_dtype
        broadcast = self.broadcast
        same_shape = self.same_shape
        broadcast_shapes = numpy.broadcast_shapes

        if count == 1 and not variadic:
            if kinds is None:

                def check_one_any(arrays: Sequence[Any]) -> bool:
                    return len(arrays) == 1

                return check_one_any

            def check_one(arrays: Sequence[Any]) -> bool:
                return len(arrays) == 1 and arrays[0].dtype.kind in kinds

            return check_one

        if count == 2 and not variadic and same_dtype and not same_shape:
            # The binary elementwise functions: the hottest path, so spelled out.
            def check_two(arrays: Sequence[Any]) -> bool:
                if len(arrays) != 2:
                    return False
                a, b = arrays
                dtype = a.dtype
                if b.dtype is not dtype and b.dtype != dtype:
                    return False
                if kinds is not None and dtype.kind not in kinds:
                    return False
                if broadcast:
                    shape = a.shape
                    if b.shape != shape:
                        try:
                            broadcast_shapes(shape, b.shape)
                        except ValueError:
                            return False
                return True

            return check_two

        def check(arrays: Sequence[Any]) -> bool:
            n = len(arrays)
            if n != count and not (variadic and n >= count):
                return False
            first = arrays[0]
            if kinds is not None:
                for a in arrays:
                    if a.dtype.kind not in kinds:
                        return False
            if same_dtype:
                dtype = first.dtype
                for a in arrays:
                    if a.dtype is not dtype and a.dtype != dtype:
                        return False
            if same_shape or broadcast:
                shape = first.shape
                for a in arrays:
                    if a.shape != shape:
                        if same_shape:
                            return False
                        try:
                            broadcast_shapes(*[a.shape for a in arrays])
                        except ValueError:
                            return False
                        break
            return True

        return check

    def check_in_types(self, in_types: TypeInfoTuple) -> None:
        """Check the spec with :mod:`~kusari.graph.type_check` expressions (Chainer style).

        Args:
            in_types: The types of the inputs.

        Raises:
            InvalidType: On the first constraint that does not hold.
        """
        from . import type_check

        count = len(self.names)
        if self.variadic:
            type_check.expect(in_types.size() >= count)
            names = [*self.names, *(f"{self.names[-1]}{i}" for i in range(count, len(in_types)))]
        else:
            type_check.expect(in_types.size() == count)
            names = list(self.names)
        type_check.argname(in_types, names)
        if self.kinds is not None:
            for t in in_types:
                if len(self.kinds) == 1:
                    type_check.expect(t.dtype.kind == self.kinds)
                else:
                    _expect_kind_in(t, self.kinds)
        if self.same_dtype:
            for t in in_types[1:]:
                type_check.expect(in_types[0].dtype == t.dtype)
        if self.same_shape:
            for t in in_types[1:]:
                type_check.expect(in_types[0].shape == t.shape)
        if self.broadcast:
            type_check.expect_broadcast_shapes(*[t.shape for t in in_types])

    def raise_error(self, arrays: Sequence[Any], label: str) -> None:
        """Raise the :class:`~kusari.graph.type_check.InvalidType` for inputs that fail.

        Args:
            arrays: The input arrays (for which :meth:`check` returned ``False``).
            label: The label of the function, shown in the message.

        Raises:
            InvalidType: Always.
        """
        from . import type_check

        raise type_check._run_full_mode(self.check_in_types, arrays, label)

    def __repr__(self) -> str:
        options = [repr(name) for name in self.names]
        for option in ("kinds", "same_dtype", "broadcast", "same_shape", "variadic"):
            value = getattr(self, option)
            if value:
                options.append(f"{option}={value!r}")
        return f"InputSpec({', '.join(options)})"


def _expect_kind_in(in_type: Any, kinds: str) -> None:
    from .type_check import InvalidType

    kind_expr = in_type.dtype.kind
    kind = kind_expr.eval()
    if kind not in kinds:
        allowed = " or ".join(_KIND_NAMES.get(k, repr(k)) for k in kinds)
        raise InvalidType(
            f"{kind_expr} in {kinds!r} ({allowed})",
            f"{kind!r} not in {kinds!r} (dtype {in_type.dtype.eval()})",
        )
