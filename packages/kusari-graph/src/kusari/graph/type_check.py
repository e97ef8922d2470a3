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

from ._input_spec import InputSpec as InputSpec
from ._type_check_expect import TypeInfoTuple as TypeInfoTuple
from ._type_check_expect import _LightModeFailure as _LightModeFailure
from ._type_check_expect import _run_full_mode as _run_full_mode
from ._type_check_expect import _with_context as _with_context
from ._type_check_expect import argname as argname
from ._type_check_expect import expect as expect
from ._type_check_expect import expect_broadcast_shapes as expect_broadcast_shapes
from ._type_check_expect import get_types as get_types
from ._type_check_expect import same_types as same_types
from ._type_check_expr import Atom as Atom
from ._type_check_expr import BinaryOperator as BinaryOperator
from ._type_check_expr import BoolBinaryOperator as BoolBinaryOperator
from ._type_check_expr import Call as Call
from ._type_check_expr import Constant as Constant
from ._type_check_expr import Expr as Expr
from ._type_check_expr import GetAttr as GetAttr
from ._type_check_expr import GetItem as GetItem
from ._type_check_expr import Testable as Testable
from ._type_check_expr import UnaryOperator as UnaryOperator
from ._type_check_expr import Variable as Variable
from ._type_check_expr import eval as eval
from ._type_check_expr import make_variable as make_variable
from ._type_check_expr import prod as prod
from ._type_check_types import InvalidType as InvalidType
from ._type_check_types import TypeInfo as TypeInfo

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

# The classes live in private modules; they keep this module's name, under which they were
# always shown in tracebacks and reprs and pickled (InvalidType).
for _cls in (
    InvalidType,
    TypeInfo,
    TypeInfoTuple,
    Expr,
    Atom,
    Constant,
    Variable,
    GetAttr,
    GetItem,
    Call,
    UnaryOperator,
    BinaryOperator,
    Testable,
    BoolBinaryOperator,
):
    _cls.__module__ = __name__
del _cls
