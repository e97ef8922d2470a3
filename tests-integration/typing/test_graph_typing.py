"""User-style code: the autograd core and the core functions as mypy sees them."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any, assert_type

import numpy
import numpy.typing as npt

import kusari.functions as F
from kusari.graph import (
    Function,
    FunctionAdapter,
    FunctionHook,
    FunctionNode,
    Variable,
    VariableNode,
    VariableOrArray,
    as_array,
    as_variable,
    backward,
    config,
    force_backprop_mode,
    get_dtype,
    get_function_hooks,
    grad,
    no_backprop_mode,
    type_check,
    using_config,
)

Array = npt.NDArray[Any]


class Scale(FunctionNode):
    """A user-written new-style function."""

    def __init__(self, factor: float) -> None:
        self.factor = factor

    def check_type_forward(self, in_types: type_check.TypeInfoTuple) -> None:
        type_check.expect(in_types.size() == 1, in_types[0].dtype.kind == "f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        return (inputs[0] * self.factor,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        gy = grad_outputs[0]
        assert gy is not None
        return (gy * self.factor,)


class Twice(Function):
    """A user-written old-style function."""

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        return (inputs[0] * 2,)

    def backward(
        self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        return (None if grad_outputs[0] is None else grad_outputs[0] * 2,)


class Counter(FunctionHook):
    name = "counter"

    def forward_postprocess(self, function: FunctionNode, in_data: tuple[Array, ...]) -> None:
        assert_type(function.label, str)


def check_variable_surface() -> None:
    x = Variable(numpy.ones((2, 3), numpy.float32), name="x")
    assert_type(x.array, Array | None)
    assert_type(x.data, Array | None)
    assert_type(x.grad, Array | None)
    assert_type(x.grad_var, Variable | None)
    assert_type(x.shape, tuple[int, ...])
    assert_type(x.ndim, int)
    assert_type(x.dtype, numpy.dtype[Any])
    assert_type(x.name, str | None)
    assert_type(x.node, VariableNode)
    assert_type(x.creator_node, FunctionNode | None)
    assert_type(x.creator, FunctionNode | Function | None)
    assert_type(x.rank, int)
    assert_type(x.requires_grad, bool)
    assert_type(x.item(), Any)
    assert_type(x.T, Variable)
    assert_type(x.reshape(3, 2), Variable)
    assert_type(x.transpose(1, 0), Variable)
    assert_type(x.mean(axis=0), Variable)
    assert_type(x[0], Variable)
    assert_type(x + x, Variable)
    assert_type(x + 1.0, Variable)
    assert_type(2 * x, Variable)
    assert_type(x - numpy.ones(3, numpy.float32), Variable)
    assert_type(x / 2, Variable)
    assert_type(1 / x, Variable)
    assert_type(x**2, Variable)
    assert_type(-x, Variable)
    assert_type(abs(x), Variable)
    assert_type(x @ x.T, Variable)
    assert_type(x.backward(), None)
    assert_type(x.cleargrad(), None)
    assert_type(x.summary(), str)
    assert_type(as_variable(numpy.zeros(2)), Variable)
    assert_type(as_array(x), Array)
    node = x.node
    assert_type(node.get_variable(), Variable)
    assert_type(node.get_variable_or_none(), Variable | None)
    assert_type(node.data, Array | None)
    assert_type(node.shape, tuple[int, ...] | None)


def check_functions() -> None:
    x = Variable(numpy.ones((2, 3), numpy.float32))
    a: VariableOrArray = numpy.ones((3, 4), numpy.float32)
    assert_type(F.relu(x), Variable)
    assert_type(F.tanh(a), Variable)
    assert_type(F.sigmoid(x), Variable)
    assert_type(F.exp(x), Variable)
    assert_type(F.log(x), Variable)
    assert_type(F.sin(x), Variable)
    assert_type(F.cos(x), Variable)
    assert_type(F.matmul(x, a, transb=False), Variable)
    assert_type(F.sum(x, axis=1, keepdims=True), Variable)
    assert_type(F.mean(x), Variable)
    assert_type(F.sum_to(x, (1, 3)), Variable)
    assert_type(F.broadcast_to(x, (4, 2, 3)), Variable)
    assert_type(F.reshape(x, (6,)), Variable)
    assert_type(F.transpose(x), Variable)
    assert_type(F.get_item(x, (slice(None), 0)), Variable)
    assert_type(F.cast(x, numpy.float64), Variable)
    assert_type(F.add(x, x, x), Variable)
    assert_type(F.sub(x, 1.0), Variable)
    assert_type(F.mul(x, a[:, :3] if isinstance(a, numpy.ndarray) else x), Variable)
    assert_type(F.div(x, 2), Variable)
    assert_type(F.power(x, 2), Variable)
    assert_type(F.neg(x), Variable)
    assert_type(F.absolute(x), Variable)
    assert_type(F.identity(x), Variable)
    assert_type(F.identity(x, x), tuple[Variable, ...])


def check_graph_api() -> None:
    x = Variable(numpy.ones(3))
    (y,) = Scale(2.0).apply((x,))
    assert_type(y, Variable)
    f = Scale(3.0)
    assert_type(f.apply([x, numpy.ones(3)]), tuple[Variable, ...])
    assert_type(f.inputs, tuple[VariableNode, ...])
    assert_type(f.outputs, tuple[weakref.ref[VariableNode], ...])
    assert_type(f.get_retained_inputs(), tuple[Variable, ...])
    assert_type(f.output_data, tuple[Array | None, ...])
    assert_type(f.local_function_hooks, OrderedDict[str, FunctionHook])
    assert_type(Twice()(x), Variable | tuple[Variable, ...])
    assert_type(Twice().node, FunctionAdapter)
    assert_type(grad([F.sum(y)], [x]), list[Variable | None])
    assert_type(backward([y], [numpy.ones(3)]), None)
    assert_type(get_function_hooks(), Mapping[str, FunctionHook])
    with Counter() as hook:
        assert_type(hook, Counter)
    assert_type(using_config("train", False), AbstractContextManager[None])
    assert_type(no_backprop_mode(), AbstractContextManager[None])
    assert_type(force_backprop_mode(), AbstractContextManager[None])
    assert_type(get_dtype(), numpy.dtype[Any])
    assert_type(config.train, Any)
