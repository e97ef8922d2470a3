"""inspect.signature on type_check expressions (it used to hit ``Expr.__bool__``)."""

from __future__ import annotations

import inspect

import numpy
import pytest

from kusari.graph import type_check


def _bound_call_parameters() -> list[inspect.Parameter]:
    return list(inspect.signature(type_check.Expr.__call__).parameters.values())[1:]


def test_signature_of_prod_is_the_bound_call() -> None:
    sig = inspect.signature(type_check.prod)
    (param,) = sig.parameters.values()
    assert param.name == "args"
    assert param.kind is inspect.Parameter.VAR_POSITIONAL
    assert list(sig.parameters.values()) == _bound_call_parameters()
    assert sig.return_annotation == inspect.signature(type_check.Expr.__call__).return_annotation
    assert str(sig) == "(*args: 'object') -> 'Call'"


def test_signature_of_every_expression_kind() -> None:
    (x,) = type_check.get_types((numpy.zeros((2, 3), numpy.float32),), "in_types", False)
    expressions: list[type_check.Expr] = [
        x,
        x.shape,
        x.shape[0],
        x.ndim + 1,
        -x.ndim,
        x.dtype == numpy.float32,
        type_check.prod(x.shape),
        type_check.Variable(3, "n"),
        type_check.Constant(4),
    ]
    for expr in expressions:
        assert list(inspect.signature(expr).parameters.values()) == _bound_call_parameters()


def test_classes_keep_their_init_signatures() -> None:
    assert list(inspect.signature(type_check.Variable).parameters) == ["value", "name"]
    assert list(inspect.signature(type_check.Expr).parameters) == ["priority"]
    assert type_check.Expr.__signature__ is None


def test_calling_an_expression_still_builds_a_call() -> None:
    (x,) = type_check.get_types((numpy.zeros((2, 3, 4)),), "in_types", False)
    call = type_check.prod(x.shape[1:])
    assert isinstance(call, type_check.Call)
    assert str(call) == "prod(in_types[0].shape[1:])"
    assert type_check.eval(call) == 12
    type_check.expect(call == 12)
    with pytest.raises(type_check.InvalidType, match=r"prod\(in_types\[0\]\.shape\[1:\]\) == 13"):
        type_check.expect(call == 13)


def test_bool_of_an_expression_is_still_an_error() -> None:
    expr = type_check.prod == type_check.prod
    with pytest.raises(RuntimeError, match=r"cannot be converted to bool"):
        bool(expr)
