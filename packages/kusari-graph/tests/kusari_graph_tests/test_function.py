from __future__ import annotations

import gc
import weakref
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Function, FunctionAdapter, FunctionHook, Variable, grad, type_check


class Square(Function):
    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        return (inputs[0] ** 2,)

    def backward(
        self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        x = inputs[0]
        gy = grad_outputs[0]
        assert x is not None
        assert gy is not None
        return (2 * x * gy,)


class SumAndProduct(Function):
    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        self.retain_outputs((1,))
        a, b = inputs
        return (a + b, a * b)

    def backward(
        self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        a, b = inputs
        gs, gp = grad_outputs
        assert a is not None
        assert b is not None
        ga = numpy.zeros_like(a)
        gb = numpy.zeros_like(b)
        if gs is not None:
            ga = ga + gs
            gb = gb + gs
        if gp is not None:
            ga = ga + gp * b
            gb = gb + gp * a
        assert self.output_data[1] is not None
        return ga, gb


def test_old_style_function_forward_and_backward() -> None:
    x = Variable(numpy.array([1.0, 3.0]))
    y = Square()(x)
    assert isinstance(y, Variable)
    numpy.testing.assert_array_equal(y.array, [1.0, 9.0])
    F.sum(y).backward()
    numpy.testing.assert_array_equal(x.grad, [2.0, 6.0])


def test_several_outputs_come_back_as_a_tuple() -> None:
    a = Variable(numpy.array([2.0]))
    b = Variable(numpy.array([5.0]))
    outputs = SumAndProduct()(a, b)
    assert isinstance(outputs, tuple)
    s, p = outputs
    F.sum(s + p).backward()
    numpy.testing.assert_array_equal(a.grad, [6.0])
    numpy.testing.assert_array_equal(b.grad, [3.0])


def test_ownership_swap() -> None:
    f = Square()
    node = f.node
    assert isinstance(node, FunctionAdapter)
    assert f._owned_node is node  # before the call the Function owns its adapter
    assert node.function is f
    y = f(Variable(numpy.array([1.0])))
    assert isinstance(y, Variable)
    assert vars(f)["_owned_node"] is None
    assert y.creator_node is node
    assert y.creator is f
    # The graph keeps the Function alive; the Function does not keep the graph alive.
    function_ref = weakref.ref(f)
    del f
    gc.collect()
    assert function_ref() is not None
    node_ref = weakref.ref(node)
    del node, y
    gc.collect()
    assert node_ref() is None
    assert function_ref() is None


def test_adapter_retains_all_inputs_and_delegates() -> None:
    f = SumAndProduct()
    a = Variable(numpy.array([2.0]))
    b = Variable(numpy.array([5.0]))
    outputs = f(a, b)  # the outputs keep the graph (and so the adapter) alive
    node = f.node
    assert isinstance(outputs, tuple)
    assert outputs[0].creator_node is node
    assert node.get_retained_inputs() == (a, b)
    assert f.inputs == node.inputs
    assert f.outputs == node.outputs
    assert f.rank == 0
    assert f.label == "SumAndProduct"
    assert node.label == "SumAndProduct"
    assert f.output_data[1] is not None
    assert f.output_data[0] is None
    assert f.stack is None
    f.unchain()
    assert node.inputs == ()


def test_twice_differentiation_raises() -> None:
    x = Variable(numpy.array(3.0))
    y = Square()(x)
    assert isinstance(y, Variable)
    y.backward(enable_double_backprop=True)
    gx = x.grad_var
    assert gx is not None
    assert gx.array == 6.0
    with pytest.raises(
        RuntimeError, match='cannot twice-differentiate an old style Function "Square"'
    ):
        (gx * 2).backward()
    with pytest.raises(RuntimeError, match="twice-differentiate"):
        grad([gx], [x])


def test_backward_dispatch_defaults_and_errors() -> None:
    class CpuOnly(Function):
        def forward_cpu(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 2,)

        def backward_cpu(
            self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
        ) -> tuple[Array | None, ...]:
            gy = grad_outputs[0]
            assert gy is not None
            return (gy * 2,)

    x = Variable(numpy.array(1.0))
    y = CpuOnly()(x)
    assert isinstance(y, Variable)
    y.backward()
    assert x.grad == 2.0

    class NoBackward(Function):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 2,)

    x = Variable(numpy.array(1.0))
    y = NoBackward()(x)
    assert isinstance(y, Variable)
    y.backward()
    assert x.grad is None

    class WrongShape(Function):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            return (inputs[0] * 2,)

        def backward(
            self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
        ) -> tuple[Array | None, ...]:
            return (numpy.ones(3),)

    y = WrongShape()(Variable(numpy.array(1.0)))
    assert isinstance(y, Variable)
    with pytest.raises(
        ValueError, match=r"WrongShape.backward returned a gradient of shape \(3,\)"
    ):
        y.backward()

    class NotATuple(WrongShape):
        def backward(
            self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
        ) -> tuple[Array | None, ...]:
            return numpy.ones(())  # type: ignore[return-value]

    y = NotATuple()(Variable(numpy.array(1.0)))
    assert isinstance(y, Variable)
    with pytest.raises(TypeError, match=r"NotATuple.backward must return a tuple of arrays"):
        y.backward()


def test_type_check_of_old_style_function() -> None:
    class FloatOnly(Square):
        def check_type_forward(self, in_types: type_check.TypeInfoTuple) -> None:
            type_check.expect(in_types[0].dtype.kind == "f")

    with pytest.raises(type_check.InvalidType, match=r"FloatOnly \(Forward\)"):
        FloatOnly()(numpy.array([1], numpy.int32))


def test_hooks_on_old_style_function() -> None:
    seen: list[str] = []

    class Record(FunctionHook):
        name = "record"

        def forward_preprocess(self, function: Any, in_data: Any) -> None:
            seen.append(function.label)

    f = Square()
    f.add_hook(Record())
    assert "record" in f.local_function_hooks
    y = f(Variable(numpy.array(1.0)))
    assert seen == ["Square"]
    assert isinstance(y, Variable)
    f.delete_hook("record")
    assert "record" not in f.local_function_hooks


def test_retain_outputs_deprecated_flag_warns() -> None:
    class Flag(Function):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            self.retain_outputs((0,), retain_after_backward=True)
            return (inputs[0] + 1,)

    with pytest.warns(DeprecationWarning, match="retain_after_backward option has no effect"):
        Flag()(numpy.ones(1))


def test_retain_inputs_can_narrow() -> None:
    class Narrow(Function):
        def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
            self.retain_inputs((1,))
            return (inputs[0] * inputs[1],)

        def backward(
            self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
        ) -> tuple[Array | None, ...]:
            _, b = inputs
            assert b is not None
            gy = grad_outputs[0]
            assert gy is not None
            return (gy * b, None)

    a = Variable(numpy.array(2.0))
    b = Variable(numpy.array(3.0))
    f = Narrow()
    y = f(a, b)
    assert isinstance(y, Variable)
    assert f.node.get_retained_inputs() == (b,)
    y.backward()
    assert a.grad == 3.0


def test_dead_function_is_reported() -> None:
    f = Square()
    node = FunctionAdapter(f)
    del f
    gc.collect()
    with pytest.raises(RuntimeError, match="wrapped by this FunctionAdapter is gone"):
        node.function  # noqa: B018
