"""The public layout of kusari.graph after splitting its big modules."""

from __future__ import annotations

import inspect
import pickle
import subprocess
import sys
import types

import numpy
import pytest

import kusari.graph
from kusari.graph import type_check

TYPE_CHECK_NAMES = {
    # Chainer's chainer.utils.type_check (kusari.compat aliases it to this very module)
    "BinaryOperator",
    "BoolBinaryOperator",
    "Call",
    "Constant",
    "Expr",
    "GetAttr",
    "GetItem",
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
    # kusari's declarative checks
    "InputSpec",
}


def test_type_check_exports_every_public_name() -> None:
    assert set(type_check.__all__) == TYPE_CHECK_NAMES
    for name in TYPE_CHECK_NAMES:
        assert getattr(type_check, name) is not None
    # Used by FunctionNode.apply and InputSpec (private, but part of the module's contract).
    assert issubclass(type_check._LightModeFailure, type_check.InvalidType)
    assert callable(type_check._run_full_mode)
    assert callable(type_check._with_context)
    assert isinstance(type_check.Atom(), type_check.Expr)


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in TYPE_CHECK_NAMES
        if isinstance(getattr(type_check, n), type) and n != "InputSpec"
    ),
)
def test_type_check_classes_keep_the_public_module_name(name: str) -> None:
    assert getattr(type_check, name).__module__ == "kusari.graph.type_check"


def test_invalid_type_reads_and_pickles_under_its_public_name() -> None:
    t = type_check.get_types((numpy.zeros(2, numpy.int32),), "in_types", False)
    with pytest.raises(type_check.InvalidType) as info:
        type_check.expect(t[0].dtype.kind == "f")
    assert str(info.value) == "Expect: in_types[0].dtype.kind == 'f'\nActual: i != f"
    assert info.type.__module__ == "kusari.graph.type_check"
    data = pickle.dumps(info.value)
    assert b"kusari.graph.type_check" in data
    assert b"_type_check_" not in data
    copy = pickle.loads(data)
    assert type(copy) is type_check.InvalidType
    assert (copy.expect, copy.actual) == ("in_types[0].dtype.kind == 'f'", "i != f")


def test_light_mode_failure_is_rerun_in_full_mode() -> None:
    from kusari.graph import FunctionNode, Variable

    class TwoDims(FunctionNode):
        def check_type_forward(self, in_types: type_check.TypeInfoTuple) -> None:
            type_check.argname(in_types, ("x",))
            type_check.expect(in_types[0].ndim == 2)

        def forward(self, inputs: tuple[numpy.ndarray, ...]) -> tuple[numpy.ndarray, ...]:
            return (inputs[0],)

    with pytest.raises(
        type_check.InvalidType,
        match=r"Invalid operation is performed in: TwoDims \(Forward\)\n\n"
        r"Expect: x.ndim == 2\nActual: 1 != 2",
    ):
        TwoDims().apply((Variable(numpy.zeros(3)),))


@pytest.mark.parametrize(
    "name", ["type_check", "gradient_check", "computational_graph", "function_hooks"]
)
def test_submodules_are_attributes_of_the_package(name: str) -> None:
    module = getattr(kusari.graph, name)
    assert isinstance(module, types.ModuleType)
    assert module.__name__ == f"kusari.graph.{name}"
    assert name in kusari.graph.__all__


def test_submodules_are_usable_without_their_own_import() -> None:
    # A fresh interpreter: only ``import kusari.graph``, then the submodules as attributes.
    code = (
        "import numpy, kusari.graph as G\n"
        "x = G.Variable(numpy.array([1.0, 2.0]))\n"
        "dot = G.computational_graph.build_computational_graph([x * x]).dump()\n"
        "f = lambda: (x.array * 3,)\n"
        "(g,) = G.gradient_check.numerical_grad(f, (x.array,), (numpy.ones(2),))\n"
        "print(dot.startswith('digraph'), numpy.round(g, 6).tolist())\n"
        "print(G.function_hooks.TimerHook.name, G.type_check.InputSpec.__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split("\n")[:2] == ["True [3.0, 3.0]", "TimerHook InputSpec"]


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("apply", "_function_node_apply"),
        ("get_retained_inputs", "_function_node_retained"),
        ("get_retained_outputs", "_function_node_retained"),
        ("add_hook", "_function_node_hooks"),
        ("delete_hook", "_function_node_hooks"),
    ],
)
def test_function_node_methods_are_plain_class_attributes(name: str, module: str) -> None:
    from kusari.graph import FunctionNode

    method = vars(FunctionNode)[name]
    assert inspect.isfunction(method)
    assert method.__module__ == f"kusari.graph.{module}"
    assert method.__doc__


def test_local_hooks_flag_is_shared_by_apply_and_backward() -> None:
    # One list object, so the first local hook switches both paths on.
    from kusari.graph import (
        _backprop_engine,
        _function_node,
        _function_node_apply,
        _function_node_hooks,
    )

    flag = _function_node_hooks.local_hooks_used
    for module in (_function_node, _function_node_apply, _backprop_engine):
        assert vars(module)["_local_hooks_used"] is flag
